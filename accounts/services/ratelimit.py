"""Slow down password guessing: after 5 failures in 15 minutes, for one account or one address, wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import LoginAttempt

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Lockout:
    retry_at: datetime

    @property
    def message(self) -> str:
        minutes = max(1, int((self.retry_at - timezone.now()).total_seconds() // 60) + 1)
        return (
            "Trop de tentatives de connexion infructueuses pour ce compte ou depuis cette adresse. "
            f"Réessayez dans {minutes} minute{'s' if minutes > 1 else ''}, ou réinitialisez votre mot de passe."
        )


def _normalize(email: str) -> str:
    return (email or "").strip().lower()


def lockout_for(email: str, ip_address: str | None) -> Lockout | None:
    """The lockout in force, if the account or the address reached MAX_FAILURES within the window."""
    for field, value in (("email", _normalize(email)), ("ip_address", ip_address)):
        if not value:
            continue
        since = timezone.now() - WINDOW
        failures = LoginAttempt.objects.filter(
            succeeded=False, created_at__gte=since, **{field: value}
        )
        failures = failures.order_by("-created_at")
        times = list(failures.values_list("created_at", flat=True)[:MAX_FAILURES])
        if len(times) >= MAX_FAILURES:
            # Allowed again once the oldest of the last MAX_FAILURES failures leaves the window.
            return Lockout(retry_at=times[-1] + WINDOW)
    return None


def record_attempt(email: str, ip_address: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(
        email=_normalize(email), ip_address=ip_address or None, succeeded=succeeded
    )
    if succeeded:
        # A successful sign-in forgives the account's earlier failures (not the address's).
        LoginAttempt.objects.filter(email=_normalize(email), succeeded=False).delete()


def purge_old_attempts() -> int:
    deleted, _ = LoginAttempt.objects.filter(created_at__lt=timezone.now() - WINDOW).delete()
    return deleted
