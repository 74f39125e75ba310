"""Personal API tokens: created and revoked from « Mon espace », checked on every API write.

A token reads ``ti_<prefix>_<secret>``: the prefix (8 characters, stored in clear, unique) finds the
row, the secret (32 random bytes) is never stored. Only ``HMAC-SHA256(SECRET_KEY, token)`` is kept.

Why a fast keyed hash and not a password hash (PBKDF2, Argon2): a password hash is slow on purpose,
to make guessing low-entropy passwords expensive; a 256-bit random secret cannot be guessed at any
speed, so the slowness would only cost every API call (Django's PBKDF2 took 0.16 s per hash on the
development machine, HMAC-SHA256 3 µs). The key (SECRET_KEY) means a copy of the database alone is
not enough to check a guessed token offline. Changing SECRET_KEY therefore invalidates every token
(docs/api.md says so). The comparison is constant-time (``hmac.compare_digest``).

A token acts as its person: the API asks ``user.has_perm`` like the screens (core/authz.py), so a
role ended, or an account deactivated, changes what a token may do at once. Creation and revocation
are journalled (simple_history, the « Journal des modifications »); refused uses are logged in the
technical log (``accounts.tokens``), never with the secret.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import ApiToken

logger = logging.getLogger("accounts.tokens")

TOKEN_PREFIX = "ti_"
PREFIX_LENGTH = 8
PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
# A person rarely needs more than a few (one per script or machine); a bound keeps the page short.
MAX_ACTIVE_TOKENS = 20
NAME_MAX_LENGTH = 100
# last_used_at is written at most once a minute per token: a script calling in a loop does not
# turn every read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)
HASH_SALT = "accounts.api_token"

# The 401 messages (same body whatever the cause, only the message differs).
MISSING = (
    "Jeton d'API manquant : envoyez l'en-tête « Authorization: Bearer <jeton> » "
    "(jetons créés dans « Mon espace »)."
)
UNKNOWN = "Jeton d'API inconnu ou mal formé."
EXPIRED = "Jeton d'API expiré : créez-en un autre dans « Mon espace »."
REVOKED = "Jeton d'API révoqué."
INACTIVE = "Le compte de ce jeton d'API est désactivé."


class TokenError(Exception):
    """A token that cannot be created, or revoked (said in French)."""


@dataclass(frozen=True)
class Refusal:
    reason: str  # missing, unknown, expired, revoked, inactive (for the technical log)
    message: str


def _hash(token: str) -> str:
    return salted_hmac(HASH_SALT, token, algorithm="sha256").hexdigest()


def _new_prefix() -> str:
    for _ in range(10):
        prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix
    raise RuntimeError("Aucun préfixe libre après 10 tirages.")  # 32^8 ≈ 10^12 prefixes


def valid_tokens():
    """Every token neither revoked nor expired."""
    return ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


def active_tokens(user):
    return valid_tokens().filter(user=user)


@transaction.atomic
def create_token(user, name: str, days: int, now=None) -> tuple[ApiToken, str]:
    """The new token and its secret, to be shown once: only its hash is stored."""
    now = now or timezone.now()
    name = (name or "").strip()
    if not name:
        raise TokenError(
            "Donnez un nom au jeton (par exemple le script ou la machine qui l'utilise)."
        )
    if len(name) > NAME_MAX_LENGTH:
        raise TokenError(f"Nom trop long : au plus {NAME_MAX_LENGTH} caractères.")
    maximum = settings.API_TOKEN_MAX_DAYS
    if not 1 <= days <= maximum:
        raise TokenError(f"Durée de validité : entre 1 et {maximum} jours ({days} demandé).")
    if not (user and user.is_authenticated and user.is_active):
        raise TokenError("Seul un compte actif peut créer un jeton.")
    if active_tokens(user).count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            f"Vous avez déjà {MAX_ACTIVE_TOKENS} jetons valides : révoquez-en un avant d'en créer "
            "un autre."
        )
    prefix = _new_prefix()
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name,
        prefix=prefix,
        token_hash=_hash(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token._history_user = user
    token.save()
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, by, now=None) -> bool:
    """Revoke (journalled with its author); False when it was already revoked."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = now or timezone.now()
    token._history_user = by
    token._change_reason = "Jeton révoqué"
    token.save()
    return True


def revoke_all(user, by=None) -> int:
    """Revoke every token of ``user`` still valid (a deactivated account's, journalled)."""
    revoked = 0
    for token in active_tokens(user):
        revoked += revoke_token(token, by)
    return revoked


def _parse(raw: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200 or not raw.isascii():
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix


def authenticate(raw: str | None, now=None) -> tuple[ApiToken | None, Refusal | None]:
    """The token's row (its ``user`` loaded) or the reason it is refused."""
    now = now or timezone.now()
    if not raw:
        return None, Refusal("missing", MISSING)
    prefix = _parse(raw.strip())
    token = (
        ApiToken.objects.select_related("user").filter(prefix=prefix).first() if prefix else None
    )
    if token is None or not hmac.compare_digest(token.token_hash, _hash(raw.strip())):
        refusal = Refusal("unknown", UNKNOWN)
    elif token.revoked_at is not None:
        refusal = Refusal("revoked", REVOKED)
    elif token.expires_at <= now:
        refusal = Refusal("expired", EXPIRED)
    elif not token.user.is_active:
        refusal = Refusal("inactive", INACTIVE)
    else:
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token, None
    logger.warning("Jeton d'API refusé (%s), préfixe %s", refusal.reason, prefix or "illisible")
    return None, refusal
