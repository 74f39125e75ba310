"""The real ANCT files, as loaded by the session fixture: counts, vintage, every code resolved."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from geo import cog
from territories.importers.readers import read_source
from territories.importers.resolve import resolve
from territories.models import Phase, Territory, TerritoryCommune, TerritoryMember, UnmappedCommune
from territories.tests.csv_builders import PHASE1_GEOJSON, PHASE2_GEOJSON, raw_phase, real_file

# Phase 2023-2027 by principal région, as the programme publishes it.
PHASE2_BY_REGION = {
    "Auvergne-Rhône-Alpes": 24,
    "Grand Est": 21,
    "Pays de la Loire": 18,
    "Hauts-de-France": 18,
    "Nouvelle-Aquitaine": 16,
    "Occitanie": 14,
    "Centre-Val de Loire": 12,
    "Île-de-France": 11,
    "Bretagne": 10,
    "Bourgogne-Franche-Comté": 10,
    "Normandie": 9,
    "Provence-Alpes-Côte d'Azur": 8,
    "Guadeloupe": 3,
    "Martinique": 2,
    "La Réunion": 2,
    "Guyane": 2,
    "Corse": 2,
    "Mayotte": 1,
}


@pytest.mark.parametrize(
    ("relative", "phase", "territories", "members"),
    [
        (PHASE2_GEOJSON, "2023-2027", 183, 641),
        (PHASE1_GEOJSON, "2019-2022", 149, 588),
    ],
)
def test_every_member_of_both_phases_resolves(relative, phase, territories, members):
    source = read_source(real_file(relative))
    resolution = resolve(source, int(phase[:4]))
    assert resolution.unresolved == []
    assert resolution.vintage == 2023
    assert len(resolution.territories) == territories
    assert sum(len(t.members) for t in resolution.territories) == members


@pytest.mark.parametrize(
    ("phase", "territories", "members"), [("2023-2027", 183, 641), ("2019-2022", 149, 588)]
)
def test_phases_are_loaded_with_their_vintage(real_data, phase, territories, members):
    assert Territory.objects.filter(phase=phase).count() == territories
    assert TerritoryMember.objects.filter(territory__phase=phase).count() == members
    loaded = Phase.objects.get(code=phase)
    assert loaded.cog_year == 2023
    assert loaded.source_name == f"ti-{phase}.geojson"


def test_phase2_members_are_629_groupements_and_12_communes(real_data):
    kinds = Counter(
        TerritoryMember.objects.filter(territory__phase="2023-2027").values_list("kind", flat=True)
    )
    assert kinds == {TerritoryMember.Kind.GROUPEMENT: 629, TerritoryMember.Kind.COMMUNE: 12}


def test_phase2_count_per_principal_region(real_data):
    counts = Counter(
        Territory.objects.filter(phase="2023-2027").values_list("principal_region__name", flat=True)
    )
    assert counts == PHASE2_BY_REGION


def test_principal_region_recomputed_from_raw_file():
    """Independent of the importer: raw members, expanded in COG 2023, with COG 2023 populations."""
    vintage = cog.load_vintage(2023)
    counts = Counter()
    for territory in raw_phase(PHASE2_GEOJSON).values():
        population = defaultdict(int)
        for code in territory.communes:
            population[vintage.communes[code]["region"]] += (
                vintage.communes[code].get("population") or 0
            )
        region = max(population, key=population.get)
        counts[vintage.regions[region]["nom"]] += 1
    assert counts == PHASE2_BY_REGION


def test_ids_are_numbered_by_region_except_one_straddling_territory(real_data):
    """ANCT numbers ids ti-RRNN by région: only ti-2809 (Bresle – Vimeu, numbered in Normandie)
    has more inhabitants in Hauts-de-France."""
    mismatched = [
        (t.ti_id, t.principal_region_id)
        for t in Territory.objects.filter(phase="2023-2027")
        if t.ti_id[3:5] != t.principal_region_id
    ]
    assert mismatched == [("ti-2809", "32")]
    assert set(
        Territory.objects.get(phase="2023-2027", ti_id="ti-2809").regions.values_list(
            "code", flat=True
        )
    ) == {"28", "32"}


def test_phase1_counts_per_region_follow_ids(real_data):
    territories = Territory.objects.filter(phase="2019-2022")
    assert territories.count() == 149
    assert all(t.ti_id[3:5] == t.principal_region_id for t in territories)


def test_seine_et_marne_is_principal_departement_of_four(real_data):
    ids = set(
        Territory.objects.filter(phase="2023-2027", principal_departement="77").values_list(
            "ti_id", flat=True
        )
    )
    assert ids == {"ti-1106", "ti-1107", "ti-1108", "ti-1110"}


def test_no_commune_belongs_to_two_territories_of_a_phase(real_data):
    for phase in ("2023-2027", "2019-2022"):
        codes = Counter(
            TerritoryCommune.objects.filter(territory__phase=phase).values_list(
                "commune_id", flat=True
            )
        )
        assert codes and max(codes.values()) == 1


def test_34_codes_no_longer_current_are_mapped_or_reported(real_data):
    """Phase 2 expanded in COG 2023 holds 34 codes that are not communes of COG 2026: 27 are now
    communes déléguées (mapped to their chef-lieu), 7 were merged without one (mapped through the
    ``anciensCodes`` of their commune nouvelle); none is left unmapped."""
    current = cog.load_vintage(cog.CURRENT_VINTAGE)
    raw = raw_phase(PHASE2_GEOJSON)
    gone = {
        (t.ti_id, code) for t in raw.values() for code in t.communes if code not in current.communes
    }
    assert len(gone) == 34
    mapped = {(ti_id, code) for ti_id, code in gone if code in current.former_codes}
    assert len(mapped) == 34
    for ti_id, code in mapped:
        territory = Territory.objects.get(phase="2023-2027", ti_id=ti_id)
        assert territory.communes.filter(code=current.former_codes[code]).exists(), (ti_id, code)
    # Orée d'Anjou (49069), now a commune déléguée of 49126, is stored with the code the file gave;
    # a chef-lieu also listed under its own code keeps that code (61275, not 61017 merged into it).
    links = TerritoryCommune.objects.filter(territory__phase="2023-2027")
    assert links.get(territory__ti_id="ti-5204", commune_id="49126").source_code == "49069"
    assert links.get(territory__ti_id="ti-2810", commune_id="61275").source_code == "61275"
    unmapped = set(
        UnmappedCommune.objects.filter(territory__phase="2023-2027").values_list(
            "territory__ti_id", "source_code"
        )
    )
    assert unmapped == set()
    # Gouzangrez, merged into Commeny (95169) without a commune déléguée.
    assert links.filter(territory__ti_id="ti-1102", commune_id="95169").exists()


def test_unmapped_codes_are_reported_as_warnings():
    resolution = resolve(read_source(real_file(PHASE2_GEOJSON)), 2023)
    assert resolution.warnings == []  # the 7 merged communes resolve through anciensCodes


def test_commune_counts_match_raw_membership(real_data):
    """Each territory's communes are its members' communes in COG 2023, mapped to COG 2026."""
    current = cog.load_vintage(cog.CURRENT_VINTAGE)
    raw = raw_phase(PHASE2_GEOJSON)
    stored = defaultdict(set)
    for ti_id, code in TerritoryCommune.objects.filter(territory__phase="2023-2027").values_list(
        "territory__ti_id", "commune_id"
    ):
        stored[ti_id].add(code)
    for ti_id, territory in raw.items():
        expected = {
            code if code in current.communes else current.former_codes.get(code)
            for code in territory.communes
        } - {None}
        assert stored[ti_id] == expected, ti_id


def test_phase1_member_names_holding_commas_are_kept_whole(real_data):
    """8 territories of 2019-2022 list names containing commas in the comma-separated lib_groupement."""
    members = TerritoryMember.objects.filter(territory__phase="2019-2022")
    assert (
        members.get(territory__ti_id="ti-5214", siren="248500563").name
        == "CC Vendée, Sèvre, Autise"
    )
    assert members.get(territory__ti_id="ti-4407", siren="200041630").name == "Ardenne Métropole"
    assert (
        members.get(territory__ti_id="ti-3204", siren="200072460").name
        == "CA de Béthune-Bruay, Artois-Lys Romane"
    )
    assert not members.filter(name="").exists()


def test_names_that_cannot_be_aligned_are_taken_from_the_cog():
    from territories.importers.readers import _split_names

    assert _split_names("CC A, CC B", 2) == ["CC A", "CC B"]
    assert _split_names("CC A, Nord, CA B", 2) == ["CC A, Nord", "CA B"]
    assert _split_names("Ville, Nord, CA B", 2) == ["Ville, Nord", "CA B"]
    assert _split_names("CC A, CC B, CC C", 2) == ["", ""]
