"""Token authentication of API v1's writing operations (docs/api.md, « Jetons d'API et écriture »).

Only the writing operations (api/v1/write_*.py) take ``auth=token_auth``; the public ones take none.
A write is authenticated by a personal token only, never by the session cookie: no browser sends
the token by itself, so no cross-site request can use it (that is why these operations need no CSRF
check), and a session-authenticated write, which would need one, is refused with the same 401 as a
missing token.

The token's person becomes ``request.user``: the operations then ask ``user.has_perm`` through
core/authz.py, exactly as the screens do. Every refusal is a 401 with the same body,
``{"detail": "…"}``, whatever the cause (missing, unknown, expired, revoked, deactivated account):
only the French message differs.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.services import tokens

from .base import api
from .schemas import Error


class TokenRefused(Exception):
    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer ti_…``; a refusal raises TokenRefused (ninja's own 401 is in English)."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if not header or scheme.lower() != "bearer":
            raw = ""
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str):
        found, refusal = tokens.authenticate(token)
        if refusal is not None:
            raise TokenRefused(refusal.message, refusal.reason)
        request.user = found.user
        request.api_token = found
        return found.user


token_auth = ApiTokenAuth()

# Declared on every writing operation.
UNAUTHORIZED = {401: Error}
FORBIDDEN = {403: Error}


def _refused(request, exc: TokenRefused):
    response = api.create_response(request, {"detail": exc.message}, status=401)
    # RFC 6750: no error code when no credentials were sent.
    error = "" if exc.reason == "missing" else ', error="invalid_token"'
    response["WWW-Authenticate"] = f'Bearer realm="api"{error}'
    return response


api.add_exception_handler(TokenRefused, _refused)
