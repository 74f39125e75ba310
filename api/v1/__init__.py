"""API v1, mounted at /api/v1/ (docs/api.md): the public, read-only, open data of the platform, and
the writing operations authenticated by a personal token (api/v1/auth.py, api/v1/write_*.py)."""

from . import actions, figures, lookup, territories, write_contacts, write_plans, write_requests
from .base import api

for module in (territories, lookup, figures, actions):
    api.add_router("", module.router)
for module in (write_plans, write_requests, write_contacts):
    api.add_router("", module.router)

__all__ = ["api"]

# The service offer and the public contacts (issue 13).
from . import services, teams  # noqa: E402

for module in (services, teams):
    api.add_router("", module.router)
