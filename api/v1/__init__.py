"""API v1, mounted at /api/v1/ (docs/api.md): the public, read-only, open data of the platform, and
the writing operations authenticated by a personal token (api/v1/auth.py, api/v1/write_*.py)."""

from . import (
    actions,
    dashboards,
    figures,
    lookup,
    services,
    teams,
    territories,
    write_contacts,
    write_plans,
    write_requests,
)
from .base import api

# The order of the routers is the order of the interactive docs.
for module in (territories, lookup, figures, dashboards, actions, services, teams):
    api.add_router("", module.router)
for module in (write_plans, write_requests, write_contacts):
    api.add_router("", module.router)

__all__ = ["api"]
