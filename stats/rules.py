"""Permissions of the figures and dashboards (docs/stats.md, « Qui voit quoi »).

The dashboards and their public figures need no permission: anyone, signed in or not, reads them. The
confidential actions of a territory (and their financements) count in a person's totals only when that
person may read the territory's plan: the same predicate as ``plans.view_plan``.
"""

from __future__ import annotations

import rules

from accounts.permissions import is_territory_reader

# --- Dashboards ----------------------------------------------------------------------------------
rules.add_perm("stats.count_confidential", is_territory_reader)
