"""Lineage between consecutive phases, computed from the communes they share.

The rule (also in docs/lineage.md). For a territory T of phase N+1 and the territories P of phase N
sharing at least one commune with it, T's ``lineage_status`` is:
- ``nouveau``: no commune in common with any territory of phase N;
- ``reconduit``: one predecessor P, with exactly the same communes;
- ``etendu``: one predecessor P, all of whose communes are in T, plus others;
- ``reduit``: one predecessor P, and all of T's communes were in P, which had more;
- ``recompose``: several predecessors, or one with a partial overlap.
The reverse, P's ``outcome_status`` (what became of it), is the same rule seen from P:
``non-reconduit`` when no territory of phase N+1 shares a commune with it; with one successor S,
``reconduit``/``etendu``/``reduit``/``recompose`` as S compares to P; with several successors,
``recompose``. Shares: the shared communes divided by the successor's number of communes
(``successor_share``, the ``part_communes`` of the CLI) and by the predecessor's.
"""

from __future__ import annotations

from collections import defaultdict

from territories.models import Lineage, LineageStatus, Phase, Territory, TerritoryCommune
from territories.services.sync import sync_rows


def status_for(own: set[str], others: list[set[str]]) -> str:
    """Status of a territory with communes ``own`` against its predecessors' commune sets."""
    if not others:
        return LineageStatus.NOUVEAU
    if len(others) > 1:
        return LineageStatus.RECOMPOSE
    other = others[0]
    if other == own:
        return LineageStatus.RECONDUIT
    if other < own:
        return LineageStatus.ETENDU
    if own < other:
        return LineageStatus.REDUIT
    return LineageStatus.RECOMPOSE


def _outcome(own: set[str], successors: list[set[str]]) -> str:
    """What became of a territory: its single successor compared to it, seen from the successor."""
    if not successors:
        return LineageStatus.NON_RECONDUIT
    if len(successors) > 1:
        return LineageStatus.RECOMPOSE
    return status_for(successors[0], [own])


def _communes_by_territory(phase: Phase) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {
        pk: set() for pk in Territory.objects.filter(phase=phase).values_list("id", flat=True)
    }
    for territory_id, code in TerritoryCommune.objects.filter(territory__phase=phase).values_list(
        "territory_id", "commune_id"
    ):
        result[territory_id].add(code)
    return result


def _save_statuses(field: str, statuses: dict[int, str]) -> None:
    """Write the statuses that differ from the stored ones (an unchanged lineage writes nothing)."""
    stored = dict(Territory.objects.values_list("id", field))
    by_status: dict[str, list[int]] = defaultdict(list)
    for territory_id, status in statuses.items():
        if stored.get(territory_id) != status:
            by_status[status].append(territory_id)
    for status, ids in by_status.items():
        for start in range(0, len(ids), 500):
            Territory.objects.filter(id__in=ids[start : start + 500]).update(**{field: status})


def _save_links(wanted: dict[tuple[int, int], Lineage]) -> None:
    """Delete, update and create only the links that differ from the stored ones."""
    stored = {(link.successor_id, link.predecessor_id): link for link in Lineage.objects.all()}
    sync_rows(Lineage, stored, wanted, ["shared_communes", "successor_share", "predecessor_share"])


def compute_lineage() -> None:
    """Recompute every link and both statuses between consecutive phases."""
    phases = list(Phase.objects.order_by("number"))
    if phases:
        _save_statuses(
            "lineage_status",
            {
                pk: ""
                for pk in Territory.objects.filter(phase=phases[0]).values_list("id", flat=True)
            },
        )
        _save_statuses(
            "outcome_status",
            {
                pk: ""
                for pk in Territory.objects.filter(phase=phases[-1]).values_list("id", flat=True)
            },
        )
    links: dict[tuple[int, int], Lineage] = {}
    for previous_phase, phase in zip(phases, phases[1:], strict=False):
        before = _communes_by_territory(previous_phase)
        after = _communes_by_territory(phase)
        owners: dict[str, list[int]] = defaultdict(list)
        for territory_id, codes in before.items():
            for code in codes:
                owners[code].append(territory_id)
        successors: dict[int, list[int]] = defaultdict(list)
        lineage_statuses = {}
        for territory_id, own in after.items():
            shared: dict[int, int] = defaultdict(int)
            for code in own:
                for previous_id in owners.get(code, ()):
                    shared[previous_id] += 1
            lineage_statuses[territory_id] = status_for(own, [before[pid] for pid in shared])
            for previous_id, count in shared.items():
                successors[previous_id].append(territory_id)
                links[territory_id, previous_id] = Lineage(
                    successor_id=territory_id,
                    predecessor_id=previous_id,
                    shared_communes=count,
                    successor_share=round(count / len(own), 4),
                    predecessor_share=round(count / len(before[previous_id]), 4),
                )
        outcome_statuses = {
            previous_id: _outcome(codes, [after[s] for s in successors.get(previous_id, [])])
            for previous_id, codes in before.items()
        }
        _save_statuses("lineage_status", lineage_statuses)
        _save_statuses("outcome_status", outcome_statuses)
    _save_links(links)
