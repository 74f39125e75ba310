"""The lineage of a phase as data: each territory's status, predecessors and successors."""

from __future__ import annotations

from collections import defaultdict

from territories.models import Lineage, Phase, Territory

HEAVY = ("geometry", "geometry_simplified")


def lineage_rows(phase: Phase) -> list[dict]:
    """The stable JSON of ``territoires lineage`` (documented in docs/cli.md)."""
    links = Lineage.objects.filter(successor__phase=phase) | Lineage.objects.filter(
        predecessor__phase=phase
    )
    predecessors: dict[int, list[dict]] = defaultdict(list)
    successors: dict[int, list[dict]] = defaultdict(list)
    # The outlines are not read: decoding their JSON was most of the time (~3 to 7 s a phase).
    outlines = [f"{side}__{name}" for side in ("successor", "predecessor") for name in HEAVY]
    for link in (
        links.select_related("successor", "predecessor")
        .defer(*outlines)
        .order_by("-shared_communes", "predecessor__ti_id")
    ):
        if link.successor.phase_id == phase.code:
            predecessors[link.successor_id].append(
                {
                    "id": link.predecessor.ti_id,
                    "nom": link.predecessor.name,
                    "part_communes": link.successor_share,
                    "communes_communes": link.shared_communes,
                    "part_communes_predecesseur": link.predecessor_share,
                }
            )
        else:
            successors[link.predecessor_id].append(
                {
                    "id": link.successor.ti_id,
                    "nom": link.successor.name,
                    "part_communes": link.predecessor_share,
                    "communes_communes": link.shared_communes,
                }
            )
    return [
        {
            "id": t.ti_id,
            "nom": t.name,
            "statut": t.lineage_status,
            "predecesseurs": predecessors.get(t.id, []),
            "devenir": t.outcome_status,
            "successeurs": successors.get(t.id, []),
        }
        for t in Territory.objects.filter(phase=phase).defer(*HEAVY).order_by("ti_id")
    ]
