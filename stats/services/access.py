"""Whose confidential actions count in a reader's totals (the one authorisation layer).

``stats.count_confidential`` (stats/rules.py) says it for one territory; ``confidential_territories`` is
the same rule as a database filter for many territories at once (accounts.selectors'
``territories_followed_by``, the queryset form of the territory readers' predicate).
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.selectors import territories_followed_by
from territories.models import Territory


def confidential_territories(user, territories: QuerySet[Territory]) -> QuerySet[Territory]:
    """Those of ``territories`` whose confidential actions ``user`` (None: the public) may count."""
    if user is None or not user.is_authenticated:
        return territories.none()
    return territories.filter(pk__in=territories_followed_by(user).values("pk"))


def may_count_confidential(user, territory: Territory) -> bool:
    """One territory: may ``user`` see its confidential actions in the totals?"""
    return user is not None and user.has_perm("stats.count_confidential", territory)
