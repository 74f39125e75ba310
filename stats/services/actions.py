"""Actions of the published plans: by axis × statut and by maturité.

Public figures count the actions of each plan's last publication (non-confidential, non-archived by
construction: plans/services/publication.py). A person who may read a territory's plan
(``stats.count_confidential``) also gets, in the totals, that plan's confidential actions that are not
archived, once the plan has been published (validated at least once): counted from the live rows, since
they are never published. An action made confidential after the last validation still appears in the
published snapshot until the next one, and is then counted twice for such a person (rare: documented
in docs/stats.md).
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Exists, OuterRef, QuerySet

from plans.models import Action, ActionStatus, Axis, Maturity, PlanPublication
from stats.services import published
from stats.services.access import confidential_territories
from stats.services.scope import Scope
from territories.models import Phase, Territory

AXES = [(axis.value, axis.label) for axis in Axis]
STATUSES = [(status.value, status.label) for status in ActionStatus]
MATURITIES = [(maturity.value, maturity.label) for maturity in Maturity]


def confidential_actions(user, territories: QuerySet[Territory]) -> QuerySet[Action]:
    """The confidential, non-archived actions of the published plans of ``territories`` that ``user``
    may count (none for the public)."""
    allowed = confidential_territories(user, territories)
    return Action.objects.filter(
        plan__territory__in=allowed.values("pk"), confidential=True, archived=False
    ).filter(Exists(PlanPublication.objects.filter(plan=OuterRef("plan"))))


def _with_extra(codes: list[tuple[str, str]], seen) -> list[tuple[str, str]]:
    """The known codes in their order, then any other code found in older snapshots (label = code)."""
    known = {code for code, _ in codes}
    return codes + [(code, code) for code in sorted(c for c in seen if c and c not in known)]


CELLS = ("axis", "status", "maturity")


def _public_cells(phase: Phase, scope: Scope, by: str | None = None) -> list[tuple]:
    """Published actions per (axis, status, maturity), per principal area first when ``by`` is given.
    The national figures come from the per-région scan (kept: published.py), which the régions'
    comparison needs too: one scan of the publications for both."""
    if scope.kind == "national" and by is None:
        by = "region"
    return published.action_counts(scope.territories(phase), phase, CELLS, by=by)


def action_figures(phase: Phase, scope: Scope, user=None) -> dict:
    """Actions of ``scope`` in ``phase`` as seen by ``user`` (None: the public). Two queries.

    Returns ``{"total", "confidentielles", "par_axe_statut", "par_maturite", "statuts"}``:
    - ``total``: every counted action (the confidential ones included for who may count them);
    - ``confidentielles``: how many of them are confidential (0 for the public);
    - ``par_axe_statut``: one row per axis ``{"code", "libelle", "statuts": {statut: n}, "total"}``;
    - ``statuts``: the columns ``[(code, libellé)]`` of ``par_axe_statut``, in the model's order;
    - ``par_maturite``: ``[{"code", "libelle", "nombre"}]`` in the model's order.
    """
    territories = scope.territories(phase)
    cells: Counter = Counter()  # (axis, status, maturity) -> n
    for row in _public_cells(phase, scope):
        cells[row[-4], row[-3], row[-2]] += row[-1]
    confidential = 0
    if user is not None and user.is_authenticated:
        for row in (
            confidential_actions(user, territories)
            .order_by()
            .values("axis", "status", "maturity")
            .annotate(n=Count("id"))
        ):
            cells[row["axis"], row["status"], row["maturity"]] += row["n"]
            confidential += row["n"]
    axes = _with_extra(AXES, {key[0] for key in cells})
    statuses = _with_extra(STATUSES, {key[1] for key in cells})
    maturities = _with_extra(MATURITIES, {key[2] for key in cells})
    by_axis_status: Counter = Counter()
    by_maturity: Counter = Counter()
    for (axis, status, maturity), count in cells.items():
        by_axis_status[axis, status] += count
        by_maturity[maturity] += count
    return {
        "total": sum(cells.values()),
        "confidentielles": confidential,
        "statuts": statuses,
        "par_axe_statut": [
            {
                "code": axis,
                "libelle": label,
                "statuts": {status: by_axis_status[axis, status] for status, _ in statuses},
                "total": sum(by_axis_status[axis, status] for status, _ in statuses),
            }
            for axis, label in axes
        ],
        "par_maturite": [
            {"code": code, "libelle": label, "nombre": by_maturity[code]}
            for code, label in maturities
        ],
    }


def action_totals_by_area(phase: Phase, by: str, user=None) -> dict[str, int]:
    """Counted actions of ``phase`` per principal région or département (``by``): ``{code: n}``
    (the comparison tables). Two queries whatever the number of areas."""
    territories = Scope.national().territories(phase)
    totals: Counter = Counter()
    for row in _public_cells(phase, Scope.national(), by):
        totals[row[0]] += row[-1]
    if user is not None and user.is_authenticated:
        column = f"plan__territory__{published.GROUP_COLUMNS[by]}"
        for row in (
            confidential_actions(user, territories)
            .order_by()
            .values(column)
            .annotate(n=Count("id"))
        ):
            totals[row[column]] += row["n"]
    return dict(totals)
