"""Lineage between phases: the rule on small sets, then on real territories checked against the raw files."""

from __future__ import annotations

from collections import Counter

import pytest

from territories.models import Lineage, Territory
from territories.models import LineageStatus as S
from territories.services.lineage import _outcome, status_for
from territories.tests.csv_builders import PHASE1_GEOJSON, PHASE2_GEOJSON, raw_phase


@pytest.mark.parametrize(
    ("own", "predecessors", "expected"),
    [
        ({"a", "b"}, [], S.NOUVEAU),
        ({"a", "b"}, [{"a", "b"}], S.RECONDUIT),
        ({"a", "b", "c"}, [{"a", "b"}], S.ETENDU),
        ({"a"}, [{"a", "b"}], S.REDUIT),
        ({"a", "c"}, [{"a", "b"}], S.RECOMPOSE),  # one predecessor, partial overlap
        (
            {"a", "b"},
            [{"a"}, {"b"}],
            S.RECOMPOSE,
        ),  # several predecessors, even if exactly their union
    ],
)
def test_status_rule(own, predecessors, expected):
    assert status_for(own, predecessors) == expected


@pytest.mark.parametrize(
    ("own", "successors", "expected"),
    [
        ({"a"}, [], S.NON_RECONDUIT),
        ({"a", "b"}, [{"a", "b"}], S.RECONDUIT),
        ({"a"}, [{"a", "b"}], S.ETENDU),  # its successor covers it and more
        ({"a", "b"}, [{"a"}], S.REDUIT),
        ({"a", "b"}, [{"a"}, {"b"}], S.RECOMPOSE),
    ],
)
def test_outcome_rule(own, successors, expected):
    assert _outcome(own, successors) == expected


@pytest.fixture(scope="module")
def raw():
    """Both phases from the raw files, communes in COG 2023 (independent of the importer)."""
    return {"2019-2022": raw_phase(PHASE1_GEOJSON), "2023-2027": raw_phase(PHASE2_GEOJSON)}


def _raw_predecessors(raw, ti_id):
    own = set(raw["2023-2027"][ti_id].communes)
    return own, {
        pid: set(p.communes) for pid, p in raw["2019-2022"].items() if own & set(p.communes)
    }


def _status(ti_id, phase="2023-2027"):
    territory = Territory.objects.get(phase=phase, ti_id=ti_id)
    return territory.lineage_status if phase == "2023-2027" else territory.outcome_status


def test_reconduit_martinique_centre(real_data, raw):
    own, predecessors = _raw_predecessors(raw, "ti-0201")
    assert list(predecessors) == ["ti-0201"] and predecessors["ti-0201"] == own
    assert sorted(raw["2019-2022"]["ti-0201"].members) == sorted(
        (s, "") for s, _ in raw["2023-2027"]["ti-0201"].members
    )
    assert _status("ti-0201") == S.RECONDUIT
    assert _status("ti-0201", "2019-2022") == S.RECONDUIT


def test_etendu_berry_sologne(real_data, raw):
    """2023: Bourges Plus, Coeur de Berry, Sauldre et Sologne, Vierzon (as in 2019) + Terres du Haut Berry, FerCher."""
    own, predecessors = _raw_predecessors(raw, "ti-2401")
    assert list(predecessors) == ["ti-2401"] and predecessors["ti-2401"] < own
    before = {s for s, _ in raw["2019-2022"]["ti-2401"].members}
    after = {s for s, _ in raw["2023-2027"]["ti-2401"].members}
    assert before < after and after - before == {"200066330", "241800457"}
    assert _status("ti-2401") == S.ETENDU
    link = Lineage.objects.get(successor__ti_id="ti-2401", successor__phase="2023-2027")
    assert link.predecessor_share == 1.0 and link.successor_share < 1.0


def test_reduit_issoudun(real_data, raw):
    """Issoudun (2023) is the Issoudun part of Issoudun-Châteauroux (2019)."""
    own, predecessors = _raw_predecessors(raw, "ti-2406")
    assert list(predecessors) == ["ti-2403"] and own < predecessors["ti-2403"]
    assert _status("ti-2406") == S.REDUIT
    # Seen from 2019, Issoudun-Châteauroux split into two: recomposé.
    assert _status("ti-2403", "2019-2022") == S.RECOMPOSE
    assert set(
        Lineage.objects.filter(
            predecessor__ti_id="ti-2403", predecessor__phase="2019-2022"
        ).values_list("successor__ti_id", flat=True)
    ) == {"ti-2403", "ti-2406"}


def test_recompose_bethune_flandre_lys(real_data, raw):
    own, predecessors = _raw_predecessors(raw, "ti-3205")
    assert sorted(predecessors) == ["ti-3204", "ti-3209"]
    assert _status("ti-3205") == S.RECOMPOSE
    shared = dict(
        Lineage.objects.filter(
            successor__ti_id="ti-3205", successor__phase="2023-2027"
        ).values_list("predecessor__ti_id", "shared_communes")
    )
    assert shared.keys() == predecessors.keys()


def test_recompose_with_one_partial_predecessor(real_data, raw):
    """Châteauroux – Buzançais – Argenton keeps Châteauroux of ti-2403 (2019) but not Issoudun, and adds others."""
    own, predecessors = _raw_predecessors(raw, "ti-2403")
    old = predecessors["ti-2403"]
    assert list(predecessors) == ["ti-2403"] and own - old and old - own
    assert _status("ti-2403") == S.RECOMPOSE


def test_nouveau_mayotte(real_data, raw):
    own, predecessors = _raw_predecessors(raw, "ti-0601")
    assert own and predecessors == {}
    assert _status("ti-0601") == S.NOUVEAU
    assert not Lineage.objects.filter(
        successor__ti_id="ti-0601", successor__phase="2023-2027"
    ).exists()


@pytest.mark.parametrize("ti_id", ["ti-5210", "ti-0301"])  # Saumur Val de Loire, Cayenne
def test_non_reconduit(real_data, raw, ti_id):
    old = set(raw["2019-2022"][ti_id].communes)
    assert old and not any(old & set(t.communes) for t in raw["2023-2027"].values())
    assert _status(ti_id, "2019-2022") == S.NON_RECONDUIT


def test_every_status_matches_the_raw_files(real_data, raw):
    """The whole phase, recomputed from the raw member lists in COG 2023 with the same rule."""
    for ti_id, _territory in raw["2023-2027"].items():
        own, predecessors = _raw_predecessors(raw, ti_id)
        assert _status(ti_id) == status_for(own, list(predecessors.values())), ti_id


def test_status_counts(real_data):
    """The counts given in docs/lineage.md."""
    lineage = Counter(
        Territory.objects.filter(phase="2023-2027").values_list("lineage_status", flat=True)
    )
    outcome = Counter(
        Territory.objects.filter(phase="2019-2022").values_list("outcome_status", flat=True)
    )
    assert lineage == {S.RECONDUIT: 74, S.ETENDU: 30, S.NOUVEAU: 29, S.REDUIT: 27, S.RECOMPOSE: 23}
    assert outcome == {
        S.RECONDUIT: 74,
        S.ETENDU: 38,
        S.RECOMPOSE: 22,
        S.REDUIT: 8,
        S.NON_RECONDUIT: 7,
    }
    # The first phase has no predecessor, the last no successor.
    assert set(
        Territory.objects.filter(phase="2019-2022").values_list("lineage_status", flat=True)
    ) == {""}
    assert set(
        Territory.objects.filter(phase="2023-2027").values_list("outcome_status", flat=True)
    ) == {""}


def test_shares_are_shared_communes_over_each_side(real_data):
    for link in Lineage.objects.select_related("successor", "predecessor")[:50]:
        assert link.successor_share == round(link.shared_communes / link.successor.commune_count, 4)
        assert link.predecessor_share == round(
            link.shared_communes / link.predecessor.commune_count, 4
        )


def test_both_views_can_differ_dunkerque(real_data, raw):
    """Dunkerque (2019) is wholly inside one successor (étendu), which also takes part of Flandre - Saint-Omer (recomposé)."""
    own, predecessors = _raw_predecessors(raw, "ti-3201")
    assert sorted(predecessors) == ["ti-3208", "ti-3209"] and predecessors["ti-3208"] < own
    assert _status("ti-3208", "2019-2022") == S.ETENDU
    assert _status("ti-3201") == S.RECOMPOSE
