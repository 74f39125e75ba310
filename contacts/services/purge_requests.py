"""`territoires purge-demandes`: the requesters' personal data is erased after the retention period.

Kept: the reference, dates, state, commune, subject, team and the steps' dates (the response-time
figures need them). Erased: name, organisation, SIRET, email, phone, message, and every text of the
steps (an answer or a transfer reason quotes the requester). Legal basis and retention: docs/contacts.md.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contacts.models import ContactRequest, ContactRequestEvent

PERSONAL_FIELDS = ("name", "organisation", "siret", "email", "phone", "message")


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` minus ``months`` calendar months (31 March - 1 month: the last day of February)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class PurgeReport:
    cutoff: datetime
    references: list[str]
    dry_run: bool


def purge_requests(
    now: datetime | None = None, months: int | None = None, dry_run: bool = False
) -> PurgeReport:
    """Erase the personal data of the requests received before ``now`` minus the retention."""
    now = now or timezone.now()
    months = settings.CONTACT_REQUEST_RETENTION_MONTHS if months is None else months
    cutoff = months_before(now, months)
    due = ContactRequest.objects.filter(created_at__lt=cutoff, purged_at__isnull=True)
    references = list(due.order_by("created_at", "pk").values_list("reference", flat=True))
    if not dry_run and references:
        with transaction.atomic():
            ids = list(due.values_list("pk", flat=True))
            ContactRequestEvent.objects.filter(request_id__in=ids).update(text="")
            ContactRequest.objects.filter(pk__in=ids).update(
                purged_at=now, **{field: "" for field in PERSONAL_FIELDS}
            )
    return PurgeReport(cutoff, references, dry_run)
