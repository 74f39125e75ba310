"""The API's rows of the permission matrix (see accounts/tests/matrix.py and docs/roles.md).

API v1 is public and read-only: its only non-GET operation, the batch lookup, is a POST because its
body (up to 10,000 communes) does not fit in a URL; it writes nothing and answers everyone alike.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.tests.matrix import PROFILES, Endpoint

PERMISSION_MATRIX = [
    Endpoint(
        "api:lookup_batch",
        "api",
        "POST",
        frozenset(PROFILES),
        url=lambda world, target: reverse("api:lookup_batch"),
        data=lambda world, target: {"communes": [world.territory.communes.first().code]},
        ok=frozenset({200}),
    ),
]

NOT_EDITING = {
    "api_legacy_moved": "redirection permanente des anciennes adresses publiques vers /api/v1/",
    "api_legacy_commune": "redirection permanente de /api/communes/<code> vers /api/v1/lookup",
}

# API v1's writing operations, authenticated by a personal token (api/tests/matrix_write.py).
from api.tests.matrix_write import ROWS as WRITE_ROWS  # noqa: E402

PERMISSION_MATRIX += WRITE_ROWS
