"""The national dashboard against its figures by raw SQL plus the bare view, for
benchmarks/scale_bench.py and benchmarks/stats_bench.py (issues 13 and 14)."""

from __future__ import annotations

from benchmarks.common import Comparison, page_exists

DASHBOARD_URL = "/tableaux-de-bord/"


def dashboard_comparison(client, repeat: int, target: float, phase: str) -> Comparison | None:
    """None (and a line saying so) while the stats app has no national dashboard."""
    if not page_exists(DASHBOARD_URL):
        print(f"{'Tableau de bord national':46} absent de cette branche : non mesuré")
        return None
    raise NotImplementedError
