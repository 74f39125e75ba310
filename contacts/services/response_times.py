"""Response times: the share of requests answered within 5 working days, and the median time to the
first answer, in working days (French public holidays counted: contacts/services/workdays.py).

Counted: the requests received over the last 12 months that were answered, or are older than 5
working days (still unanswered, they are late whatever comes next); a request younger than that and
still unanswered is pending and counted nowhere yet. The median is over the answered ones. Purged
requests keep their dates, commune and team: the figures survive the purge.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from contacts.models import ContactRequest
from contacts.services.workdays import working_days_between

ANSWER_TARGET_DAYS = 5
PERIOD = timedelta(days=365)


@dataclass(frozen=True)
class Figures:
    label: str
    counted: int  # answered, or unanswered past the target
    within_target: int
    median_days: float | None  # working days to the first answer, over the answered ones
    code: str = ""

    @property
    def share(self) -> float | None:
        return self.within_target / self.counted if self.counted else None

    @property
    def share_percent(self) -> int | None:
        return round(100 * self.share) if self.share is not None else None


def figures(label: str, requests, now: datetime, code: str = "") -> Figures:
    """The figures of ``requests`` (a queryset or a list of ContactRequest) as of ``now``."""
    counted = within = 0
    delays = []
    for created_at, answered_at in (
        (r.created_at, r.first_answered_at) for r in requests if r.created_at <= now
    ):
        if answered_at is not None and answered_at <= now:
            delay = working_days_between(created_at, answered_at)
            delays.append(delay)
            counted += 1
            within += delay <= ANSWER_TARGET_DAYS
        elif working_days_between(created_at, now) > ANSWER_TARGET_DAYS:
            counted += 1
    median = statistics.median(delays) if delays else None
    return Figures(label, counted, within, median, code)


def _recent(now: datetime):
    return ContactRequest.objects.filter(created_at__gt=now - PERIOD, created_at__lte=now).only(
        "created_at", "first_answered_at", "team_id", "commune_id"
    )


def team_figures(team, now: datetime | None = None) -> Figures:
    now = now or timezone.now()
    return figures(str(team), _recent(now).filter(team=team), now)


def public_figures(now: datetime | None = None) -> tuple[Figures, list[Figures]]:
    """(the country, every département that received a request), by the requests' communes."""
    from geo.models import Departement

    now = now or timezone.now()
    requests = list(
        _recent(now).values_list("created_at", "first_answered_at", "commune__departement_id")
    )
    rows = [_Row(created, answered) for created, answered, _ in requests]
    country = figures("France entière", rows, now)
    by_departement: dict[str, list] = {}
    for created, answered, code in requests:
        by_departement.setdefault(code, []).append(_Row(created, answered))
    names = dict(Departement.objects.filter(code__in=by_departement).values_list("code", "name"))
    departements = [
        figures(f"{names.get(code, code)} ({code})", items, now, code=code)
        for code, items in sorted(by_departement.items())
    ]
    return country, departements


@dataclass(frozen=True)
class _Row:
    created_at: datetime
    first_answered_at: datetime | None
