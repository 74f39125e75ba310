"""API v1, mounted at /api/v1/ (docs/api.md): the public, read-only, open data of the platform."""

from . import actions, dashboards, figures, lookup, territories
from .base import api

for module in (territories, lookup, figures, actions, dashboards):
    api.add_router("", module.router)

__all__ = ["api"]
