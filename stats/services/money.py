"""Money of the action plans by financeur and dispositif: sollicité, accordé, versé (the Cour des
comptes' « annoncé / déployé »).

- sollicité: the sum of the financements' ``amount`` (every line, whatever its state);
- accordé and versé: what ``plans.models.counted_granted`` and ``counted_paid`` say counts, applied to
  the sums of each (financeur, dispositif, état) group (the rule is linear in the amounts: applying it to
  a group's sum is applying it to each line).

Same actions as stats/services/actions.py: the financements of the published actions, plus, for a person
who may count them, those of the confidential actions.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from plans.models import Funding, counted_granted, counted_paid
from stats.services import published
from stats.services.actions import confidential_actions
from stats.services.scope import Scope
from territories.models import Phase

ZERO = Decimal("0.00")
NO_SCHEME = "Sans dispositif précisé"
KEYS = ("funder", "scheme", "state")


def _sums() -> dict:
    return {"asked": Sum("amount"), "granted": Sum("granted_amount"), "paid": Sum("paid_amount")}


def _rows(phase: Phase, territories, user, keys: tuple[str, ...], by: str | None):
    """(*group, *keys, asked, granted_amount, paid_amount) from the published actions, then the
    confidential ones the user may count."""
    yield from published.funding_sums(territories, phase, keys, by=by)
    if user is not None and user.is_authenticated:
        fields = [f"action__plan__territory__{published.GROUP_COLUMNS[by]}"] if by else []
        fields += list(keys)
        for row in (
            Funding.objects.filter(action__in=confidential_actions(user, territories))
            .order_by()
            .values(*fields)
            .annotate(**_sums())
        ):
            yield tuple(row[name] for name in fields) + (row["asked"], row["granted"], row["paid"])


def _counted(state: str, asked, granted, paid) -> tuple[Decimal, Decimal, Decimal]:
    return (
        (asked or ZERO),
        counted_granted(state, granted) or ZERO,
        counted_paid(state, paid) or ZERO,
    )


def money_figures(phase: Phase, scope: Scope, user=None) -> dict:
    """Financements of ``scope``'s counted actions in ``phase`` (two queries). Returns
    ``{"lignes", "financeurs", "total"}``:
    - ``lignes``: one per (financeur, dispositif) ``{"financeur", "dispositif", "sollicite", "accorde",
      "verse"}`` (Decimal euros), by decreasing amount asked then name;
    - ``financeurs``: the same summed per financeur ``{"financeur", "sollicite", "accorde", "verse"}``;
    - ``total``: ``{"sollicite", "accorde", "verse"}``.
    """
    lines: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    # National: the per-région scan of money_totals_by_area("region"), kept (published.py), summed.
    by = "region" if scope.kind == "national" else None
    for row in _rows(phase, scope.territories(phase), user, KEYS, by):
        funder, scheme, state, asked, granted, paid = row[-6:]
        for i, value in enumerate(_counted(state, asked, granted, paid)):
            lines[funder or "", scheme or ""][i] += value
    funders: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for (funder, _), values in lines.items():
        for i, value in enumerate(values):
            funders[funder][i] += value
    total = [sum((v[i] for v in lines.values()), ZERO) for i in range(3)]
    return {
        "lignes": [
            {
                "financeur": funder,
                "dispositif": scheme or NO_SCHEME,
                "sollicite": values[0],
                "accorde": values[1],
                "verse": values[2],
            }
            for (funder, scheme), values in sorted(
                lines.items(), key=lambda item: (-item[1][0], item[0])
            )
        ],
        "financeurs": [
            {"financeur": funder, "sollicite": v[0], "accorde": v[1], "verse": v[2]}
            for funder, v in sorted(funders.items(), key=lambda item: (-item[1][0], item[0]))
        ],
        "total": {"sollicite": total[0], "accorde": total[1], "verse": total[2]},
    }


def money_totals_by_area(phase: Phase, by: str, user=None) -> dict[str, dict[str, Decimal]]:
    """Sollicité, accordé, versé of ``phase`` per principal région or département (``by``):
    ``{code: {"sollicite", "accorde", "verse"}}`` (the comparison tables; two queries)."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for area, _, _, state, asked, granted, paid in _rows(
        phase, Scope.national().territories(phase), user, KEYS, by
    ):
        for i, value in enumerate(_counted(state, asked, granted, paid)):
            totals[area][i] += value
    return {area: {"sollicite": v[0], "accorde": v[1], "verse": v[2]} for area, v in totals.items()}
