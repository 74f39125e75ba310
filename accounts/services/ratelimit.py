"""Slow down password guessing and reset-email flooding, per account and per client address.

Sign-in: after 5 failures in 15 minutes, for one account or one address, wait. Password reset: at most
3 emails per account and 10 requests per address in an hour (8 requests sent 8 emails before).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import LoginAttempt, PasswordResetRequest

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
# Enough for a person who mistyped or lost the first email; not a mailbox flood.
RESET_MAX_PER_ACCOUNT = 3
RESET_MAX_PER_ADDRESS = 10
RESET_WINDOW = timedelta(hours=1)
# Rows deleted per purge, so that one sign-in never pays for a long backlog (the next ones continue).
PURGE_BATCH = 500


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


def _networks(entries) -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, unless it is one of ``TRUSTED_PROXIES``; then the rightmost
    address of ``X-Forwarded-For`` that is not a trusted proxy (what the nearest untrusted hop said).

    Behind a proxy every request came from the proxy's address, so five failed sign-ins from anyone
    locked out everyone. The header is never read from an untrusted client, which could forge it.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(getattr(settings, "TRUSTED_PROXIES", []))
    if not remote or not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [
        hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop
    ]
    for hop in reversed(forwarded):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed hop: the proxy's own address, as without the header
    return remote


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


def purge_old_attempts(batch: int = PURGE_BATCH) -> int:
    """Delete up to ``batch`` attempts and reset requests older than their windows (called on each
    sign-in: without it they piled up forever); returns how many rows were deleted."""
    deleted = 0
    for model, window in ((LoginAttempt, WINDOW), (PasswordResetRequest, RESET_WINDOW)):
        old = model.objects.filter(created_at__lt=timezone.now() - window).order_by("pk")
        ids = list(old.values_list("pk", flat=True)[:batch])
        if ids:
            deleted += model.objects.filter(pk__in=ids).delete()[0]
    return deleted


def allow_password_reset(email: str, ip_address: str | None) -> bool:
    """Record a reset request; False when the account or the address already had its quota (then no
    email is sent, and the page says the same as usual, so that it reveals nothing)."""
    since = timezone.now() - RESET_WINDOW
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    over = recent.filter(email=_normalize(email)).count() >= RESET_MAX_PER_ACCOUNT or (
        ip_address is not None
        and recent.filter(ip_address=ip_address).count() >= RESET_MAX_PER_ADDRESS
    )
    PasswordResetRequest.objects.create(email=_normalize(email), ip_address=ip_address)
    return not over
