"""Figures of a plan: per-axis totals and progress, amounts per financeur and dispositif.

``plan_summary_by_axis(territory)`` is the public site's (and the API's) entry point, documented in
docs/plans.md: it only ever counts what the last validation published (plans/services/publication.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from plans.models import (
    CLOSED_STATUSES,
    GRANTED_STATES,
    Action,
    ActionStatus,
    Axis,
    Funding,
    FundingState,
)
from territories.models import Territory

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))


@dataclass
class AxisSummary:
    axis: str
    label: str
    actions: int = 0
    realised: int = 0
    late: int = 0
    total_cost: Decimal = Decimal(0)
    amount_requested: Decimal = Decimal(0)
    amount_granted: Decimal = Decimal(0)
    amount_paid: Decimal = Decimal(0)

    @property
    def progress(self) -> int:
        """Percentage of realised actions (the per-axis progress bar)."""
        return round(100 * self.realised / self.actions) if self.actions else 0

    @property
    def financing_rate(self) -> int | None:
        return round(100 * self.amount_granted / self.total_cost) if self.total_cost else None


@dataclass
class PlanSummary:
    axes: list[AxisSummary] = field(default_factory=list)

    @property
    def total(self) -> AxisSummary:
        total = AxisSummary("total", "Total")
        for axis in self.axes:
            for name in (
                "actions",
                "realised",
                "late",
                "total_cost",
                "amount_requested",
                "amount_granted",
                "amount_paid",
            ):
                setattr(total, name, getattr(total, name) + getattr(axis, name))
        return total


def summarize(actions: QuerySet[Action], today: date | None = None) -> PlanSummary:
    """Per-axis counts and amounts of ``actions`` (archived ones excluded), every axis listed, in two queries."""
    actions = actions.filter(archived=False)
    rows = {
        row["axis"]: row
        for row in actions.values("axis")
        .annotate(
            count=Count("id"),
            realised=Count("id", filter=Q(status=ActionStatus.REALISE)),
            late=Count(
                "id", filter=Q(end_date__lt=today or date.today()) & ~Q(status__in=CLOSED_STATUSES)
            ),
            cost=Coalesce(Sum("total_cost"), ZERO),
        )
        .order_by()
    }
    money = {
        row["action__axis"]: row
        for row in Funding.objects.filter(action__in=actions)
        .values("action__axis")
        .annotate(
            requested=Coalesce(Sum("amount", filter=~Q(state=FundingState.REFUSE)), ZERO),
            granted=Coalesce(Sum("granted_amount", filter=Q(state__in=GRANTED_STATES)), ZERO),
            paid=Coalesce(Sum("paid_amount", filter=Q(state=FundingState.VERSE)), ZERO),
        )
        .order_by()
    }
    summary = PlanSummary()
    for axis in Axis:
        row, amounts = rows.get(axis.value, {}), money.get(axis.value, {})
        summary.axes.append(
            AxisSummary(
                axis.value,
                axis.label,
                actions=row.get("count", 0),
                realised=row.get("realised", 0),
                late=row.get("late", 0),
                total_cost=row.get("cost", Decimal(0)),
                amount_requested=amounts.get("requested", Decimal(0)),
                amount_granted=amounts.get("granted", Decimal(0)),
                amount_paid=amounts.get("paid", Decimal(0)),
            )
        )
    return summary


def plan_summary_by_axis(territory: Territory) -> PlanSummary | None:
    """For the public site and the API: the last validated version's public actions by axis; None if the
    plan was never validated. Edits made since are not counted until the plan is validated again."""
    from plans.services.publication import published_plan

    published = published_plan(territory)
    return published.summary() if published else None


@dataclass
class FundingLine:
    funder: str
    scheme: str
    requested: Decimal
    granted: Decimal
    paid: Decimal
    actions: int


def funding_totals(actions: QuerySet[Action]) -> list[FundingLine]:
    """Amounts requested, granted and paid per financeur and dispositif (refused ones count nowhere)."""
    rows = (
        Funding.objects.filter(action__in=actions.filter(archived=False))
        .exclude(state=FundingState.REFUSE)
        .values("funder", "scheme")
        .annotate(
            requested=Coalesce(Sum("amount"), ZERO),
            granted=Coalesce(Sum("granted_amount", filter=Q(state__in=GRANTED_STATES)), ZERO),
            paid=Coalesce(Sum("paid_amount", filter=Q(state=FundingState.VERSE)), ZERO),
            actions=Count("action", distinct=True),
        )
        .order_by("-granted", "funder", "scheme")
    )
    return [
        FundingLine(r["funder"], r["scheme"], r["requested"], r["granted"], r["paid"], r["actions"])
        for r in rows
    ]
