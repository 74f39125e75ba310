"""Every figure of the reports, read from stats.services (the one implementation of each figure):
nothing here counts. The public's figures only (``user=None``): confidential actions never count in a
public document."""

from __future__ import annotations

from stats.services.actions import action_figures, action_totals_by_area
from stats.services.money import money_figures, money_totals_by_area
from stats.services.scope import Scope, latest_phase
from stats.services.territories import (
    area_comparison,
    lineage_counts,
    phase_key_figures,
    territory_counts,
)
from territories.models import Phase

__all__ = [
    "Scope",
    "latest_phase",
    "area_counts",
    "principal_counts",
    "scope_figures",
    "territory_figures",
    "national_figures",
]


def area_counts(phase: Phase, by: str, code: str) -> dict:
    """Principal and touching counts of one région or département (the rows of territory_counts):
    ``{"principal": {"nombre", "territoires"}, "touching": {...}}``."""
    result = {}
    for mode in ("principal", "touching"):
        row = next(
            (r for r in territory_counts(phase, by, mode) if r["code"] == code),
            {"code": code, "nombre": 0, "territoires": []},
        )
        result[mode] = row
    return result


def principal_counts(phase: Phase, by: str) -> dict[str, int]:
    """``{code: number of territories}`` of every région or département, principal attribution."""
    return {row["code"]: row["nombre"] for row in territory_counts(phase, by, "principal")}


def scope_figures(phase: Phase, scope: Scope) -> dict:
    """Lineage, public actions by axis and money of the territories of ``scope`` (principal)."""
    return {
        "lineage": lineage_counts(phase, scope),
        "actions": action_figures(phase, scope),
        "money": money_figures(phase, scope),
    }


def territory_figures(territory) -> dict:
    """Public actions by axis × statut and money by financeur of one territory's published plan."""
    scope = Scope.territory(territory.ti_id)
    return {
        "actions": action_figures(territory.phase, scope),
        "money": money_figures(territory.phase, scope),
    }


def national_figures(phase: Phase) -> dict:
    """The national report's figures: the phase's key figures and one row per région."""
    actions = action_totals_by_area(phase, "region")
    money = money_totals_by_area(phase, "region")
    rows = []
    for row in area_comparison(phase, "region"):
        rows.append(
            {
                **row,
                "actions": actions.get(row["code"], 0),
                "money": money.get(row["code"], {}),
            }
        )
    return {
        "key": phase_key_figures(phase),
        "regions": rows,
        "actions": action_figures(phase, Scope.national()),
        "money": money_figures(phase, Scope.national()),
        "lineage": lineage_counts(phase, Scope.national()),
    }
