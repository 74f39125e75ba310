"""Publication of a plan: the snapshot the public sees, and what changed since.

A validation writes a ``PlanPublication``: the plan's public actions (non-confidential, not archived)
as plain JSON. The public territory page, the public plan page and the API read that snapshot only, so
an edit made after the validation (a title, an unticked « confidentielle », an imported action) is
visible to the team as « modifié depuis la validation » and reaches the public when the plan is
validated again. One exception, because it protects someone: an action ticked « confidentielle » after
the validation leaves every snapshot of its plan at once (``withdraw_confidential``), so that no page,
API answer, sheet or open-data file goes on showing it until the next validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format

from plans.models import (
    CLOSED_STATUSES,
    GRANTED_STATES,
    PUBLIC_CARRIER_KINDS,
    Action,
    ActionPlan,
    ActionStatus,
    Axis,
    CarrierKind,
    Funding,
    FundingState,
    Indicator,
    Maturity,
    PlanPublication,
    counted_granted,
    counted_paid,
)
from plans.services.summary import AxisSummary, PlanSummary

# --- Writing ------------------------------------------------------------------------------------


def _money(value) -> str | None:
    return None if value is None else str(value)


def snapshot(actions) -> list[dict]:
    """The public content of ``actions`` as JSON-ready dicts (never a private carrier's name)."""
    rows = []
    for action in actions.prefetch_related("fundings", "communes__commune").order_by(
        "axis", "code"
    ):
        public_carrier = action.carrier_kind in PUBLIC_CARRIER_KINDS
        rows.append(
            {
                "code": action.code,
                "title": action.title,
                "description": action.description,
                "axis": action.axis,
                "sub_theme": action.sub_theme,
                "status": action.status,
                "maturity": action.maturity,
                "carrier_kind": action.carrier_kind,
                "carrier_name": action.carrier_name if public_carrier else "",
                "total_cost": _money(action.total_cost),
                "end_date": action.end_date.isoformat() if action.end_date else None,
                "communes": sorted(link.commune.name for link in action.communes.all()),
                "fundings": [
                    {
                        "funder": f.funder,
                        "scheme": f.scheme,
                        "amount": _money(f.amount),
                        "state": f.state,
                        "granted_amount": _money(f.granted_amount),
                        "paid_amount": _money(f.paid_amount),
                    }
                    for f in sorted(action.fundings.all(), key=lambda f: (f.position, f.pk))
                ],
            }
        )
    return rows


def publish(plan: ActionPlan, user=None) -> PlanPublication:
    """Snapshot the plan's public actions now (called by the workflow when a plan is validated)."""
    return PlanPublication.objects.create(
        plan=plan,
        published_at=timezone.now(),
        published_by=user,
        actions=snapshot(Action.objects.publishable().filter(plan=plan)),
    )


def withdraw_confidential(actions) -> int:
    """Take the confidential ones among ``actions`` out of every published snapshot of their plan
    (matched by code, the snapshot's key); returns the number of snapshots rewritten. Called by every
    write that can tick « confidentielle »: the action form, the API and the spreadsheet import."""
    codes_by_plan: dict[int, set[str]] = {}
    for action in actions:
        if action.confidential:
            codes_by_plan.setdefault(action.plan_id, set()).add(action.code)
    rewritten = 0
    for publication in PlanPublication.objects.filter(plan_id__in=codes_by_plan):
        codes = codes_by_plan[publication.plan_id]
        kept = [row for row in publication.actions if row["code"] not in codes]
        if len(kept) != len(publication.actions):
            publication.actions = kept
            publication.save(update_fields=["actions"])
            rewritten += 1
    return rewritten


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class PublishedFunding:
    funder: str
    scheme: str
    amount: Decimal
    state: str
    granted_amount: Decimal | None = None
    paid_amount: Decimal | None = None

    @classmethod
    def from_json(cls, row: dict) -> PublishedFunding:
        """Snapshots written before granted and paid amounts existed read as plans migration 0004 did:
        a granted or paid line was granted (and paid) its whole amount."""
        amount, state = Decimal(row["amount"]), row["state"]
        granted, paid = row.get("granted_amount"), row.get("paid_amount")
        if "granted_amount" not in row:
            granted = amount if state in GRANTED_STATES else None
            paid = amount if state == FundingState.VERSE else None
        return cls(
            row["funder"],
            row["scheme"],
            amount,
            state,
            Decimal(granted) if granted is not None else None,
            Decimal(paid) if paid is not None else None,
        )

    @property
    def granted(self) -> Decimal:
        return counted_granted(self.state, self.granted_amount)

    @property
    def paid(self) -> Decimal:
        return counted_paid(self.state, self.paid_amount)

    @property
    def state_label(self) -> str:
        return FundingState(self.state).label


@dataclass
class PublishedAction:
    code: str
    title: str
    description: str
    axis: str
    sub_theme: str
    status: str
    maturity: str
    carrier_kind: str
    carrier_name: str
    total_cost: Decimal | None
    end_date: date | None
    communes: list[str]
    fundings: list[PublishedFunding] = field(default_factory=list)

    @classmethod
    def from_json(cls, row: dict) -> PublishedAction:
        return cls(
            **{
                **row,
                "total_cost": Decimal(row["total_cost"]) if row.get("total_cost") else None,
                "end_date": date.fromisoformat(row["end_date"]) if row.get("end_date") else None,
                "fundings": [PublishedFunding.from_json(f) for f in row.get("fundings", [])],
            }
        )

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label

    @property
    def maturity_label(self) -> str:
        return Maturity(self.maturity).label

    @property
    def carrier_kind_label(self) -> str:
        return CarrierKind(self.carrier_kind).label if self.carrier_kind else ""


@dataclass
class PublishedPlan:
    plan: ActionPlan
    published_at: datetime
    actions: list[PublishedAction]

    def by_axis(self) -> list[tuple]:
        groups = {axis.value: [] for axis in Axis}
        for action in self.actions:
            groups.setdefault(action.axis, []).append(action)
        return [(axis, groups[axis.value]) for axis in Axis]

    def summary(self, today: date | None = None):
        today = today or date.today()
        result = PlanSummary()
        for axis, actions in self.by_axis():
            line = AxisSummary(axis.value, axis.label)
            for action in actions:
                line.actions += 1
                line.realised += action.status == ActionStatus.REALISE
                line.late += bool(
                    action.end_date
                    and action.end_date < today
                    and action.status not in CLOSED_STATUSES
                )
                line.total_cost += action.total_cost or 0
                for funding in action.fundings:
                    if funding.state != FundingState.REFUSE:
                        line.amount_requested += funding.amount
                    line.amount_granted += funding.granted
                    line.amount_paid += funding.paid
            result.axes.append(line)
        return result


def latest_publication(plan: ActionPlan | None) -> PlanPublication | None:
    if plan is None:
        return None
    return plan.publications.order_by("-published_at", "-id").first()


def published_plan(territory) -> PublishedPlan | None:
    """The last validated version of the territory's plan, as the public sees it; None if never validated."""
    publication = (
        PlanPublication.objects.filter(plan__territory=territory)
        .select_related("plan")
        .order_by("-published_at", "-id")
        .first()
    )
    if publication is None:
        return None
    return PublishedPlan(
        publication.plan,
        publication.published_at,
        [PublishedAction.from_json(row) for row in publication.actions],
    )


# --- What changed since the last validation --------------------------------------------------------


def _history_models():
    """The plan's content: actions, financements, indicators. Follow-up notes and attachments are the
    team's day-to-day record, never published: adding one does not call for a new validation."""
    return [
        (Action.history.model, "plan_id"),
        (Funding.history.model, "action__plan_id"),
        (Indicator.history.model, "action__plan_id"),
    ]


def last_published_at_subquery():
    return Subquery(
        PlanPublication.objects.filter(plan=OuterRef("pk"))
        .order_by("-published_at")
        .values("published_at")[:1]
    )


def annotate_modified_since_publication(plans):
    """``published_at`` (last validation, or None) and ``modified_since_publication`` on each plan:
    the same test as ``is_modified``, as one indexed subquery per kind of row."""
    plans = plans.annotate(published_at=last_published_at_subquery())
    changed = None
    for history, plan_field in _history_models():
        exists = Exists(
            history.objects.filter(
                **{plan_field: OuterRef("pk")}, history_date__gt=OuterRef("published_at")
            )
        )
        changed = exists if changed is None else changed | exists
    return plans.annotate(modified_since_publication=changed)


@dataclass
class Change:
    when: datetime
    who: object
    what: str  # "TE-01 — financement « Région »"
    kind: str  # "création", "modification", "suppression"
    fields: list[tuple[str, str, str]]  # (label, old, new)


KINDS = {"+": "création", "~": "modification", "-": "suppression"}
IGNORED_FIELDS = {"version"}


def _label(record) -> str:
    instance = record.instance
    if isinstance(instance, Action):
        return f"Action {record.code}"
    action = Action.objects.filter(pk=record.action_id).only("code").first()
    code = action.code if action else "?"
    return f"Action {code} — {instance._meta.verbose_name} « {instance} »"


def changes_since_publication(plan: ActionPlan, limit: int = 50) -> list[Change]:
    """What was created, modified or deleted in the plan since its last validation, by whom (newest first)."""
    publication = latest_publication(plan)
    if publication is None:
        return []
    records = []
    for history, plan_field in _history_models():
        records += list(
            history.objects.filter(
                **{plan_field: plan.pk}, history_date__gt=publication.published_at
            )
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
    records.sort(key=lambda r: r.history_date, reverse=True)
    changes = []
    for record in records[:limit]:
        fields = []
        if record.history_type == "~" and record.prev_record is not None:
            delta = record.diff_against(record.prev_record)
            for change in delta.changes:
                if change.field in IGNORED_FIELDS:
                    continue
                shown = record.instance._meta.get_field(change.field)
                fields.append(
                    (str(shown.verbose_name), _show(change.old, shown), _show(change.new, shown))
                )
            if not fields:
                continue
        changes.append(
            Change(
                record.history_date,
                record.history_user,
                _label(record),
                KINDS.get(record.history_type, ""),
                fields,
            )
        )
    return changes


def _show(value, model_field=None) -> str:
    """A value as the plan's pages show it: a choice by its label, an amount and a date in French
    (the walk of 2026-12-04 read « accorde » → « verse », « 250000.00 », « 2026-12-04 »)."""
    if value is None or value == "":
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    choices = (
        dict(model_field.flatchoices) if model_field is not None and model_field.choices else {}
    )
    if value in choices:
        return str(choices[value])
    if isinstance(value, Decimal):
        return floatformat(value, "-2g")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, date):
        return date_format(value, "d/m/Y")
    return str(value)


def is_modified(plan: ActionPlan) -> bool:
    """Whether anything in the plan was created, changed or deleted since its last validation."""
    publication = latest_publication(plan)
    if publication is None:
        return False
    return any(
        history.objects.filter(
            **{plan_field: plan.pk}, history_date__gt=publication.published_at
        ).exists()
        for history, plan_field in _history_models()
    )
