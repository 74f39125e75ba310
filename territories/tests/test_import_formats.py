"""Every format ANCT publishes imports the same territories as the phase 2023-2027 GeoJSON."""

from __future__ import annotations

import pytest

from core.imports import ImportRefused
from territories.importers.readers import read_source
from territories.models import Phase, Territory
from territories.services.importing import import_territories
from territories.tests.csv_builders import (
    COMMUNES_HEADER,
    COMMUNES_NAME,
    ENCODINGS,
    GROUPEMENTS_HEADER,
    GROUPEMENTS_NAME,
    PHASE2_GEOJSON,
    build_communes_csv,
    build_groupements_csv,
    communes_rows,
    groupements_rows,
    phase_content,
    raw_phase,
    write_csv,
)

PHASE = "2023-2027"
VARIANTS = [(delimiter, encoding) for delimiter in (",", ";") for encoding in ENCODINGS]


def _without_member_details(content: dict) -> dict:
    """The communes file names no member: they are derived, so only their SIREN and kind can match."""
    return {
        ti_id: {**t, "members": sorted((siren, kind) for siren, kind, _ in t["members"])}
        for ti_id, t in content.items()
    }


def _geometries() -> dict:
    return {
        t.ti_id: (t.geometry, t.geometry_simplified) for t in Territory.objects.filter(phase=PHASE)
    }


@pytest.fixture(scope="module")
def csv_files():
    """Name, header and rows of both data.gouv.fr files, derived once from the GeoJSON (~3 s)."""
    territories = raw_phase(PHASE2_GEOJSON)
    return {
        "groupements": (GROUPEMENTS_NAME, GROUPEMENTS_HEADER, groupements_rows(territories)),
        "communes": (COMMUNES_NAME, COMMUNES_HEADER, communes_rows(territories)),
    }


@pytest.fixture(scope="module")
def reference_sources(csv_files, tmp_path_factory):
    """Each file as the default variant (commas, UTF-8) reads."""
    directory = tmp_path_factory.mktemp("reference")
    return {
        kind: read_source(write_csv(directory / name, header, rows))
        for kind, (name, header, rows) in csv_files.items()
    }


@pytest.mark.parametrize("kind", ["groupements", "communes"])
@pytest.mark.parametrize(("delimiter", "encoding"), VARIANTS)
def test_every_delimiter_and_encoding_reads_the_same_source(
    tmp_path, csv_files, reference_sources, kind, delimiter, encoding
):
    """Delimiter and encoding only matter to the reader: each variant gives the very same parsed
    source (names with accents, rows, columns), so one full import per format below covers them all."""
    name, header, rows = csv_files[kind]
    variant = read_source(write_csv(tmp_path / name, header, rows, delimiter, encoding))
    assert variant == reference_sources[kind]
    assert len(variant.territories) == 183


def test_groupements_csv_imports_the_same_territories(real_data, tmp_path):
    before, geometries = phase_content(PHASE), _geometries()
    # Semicolons and Windows-1252: a spreadsheet's French export, the variant furthest from the GeoJSON.
    report = import_territories(build_groupements_csv(tmp_path, ";", "cp1252"), PHASE)
    assert report.format == "csv-groupements"
    # Same ids, names, members (names included), communes and polygons: nothing to write.
    assert (report.created, report.updated, report.removed) == ([], [], [])
    assert len(report.unchanged) == 183
    assert report.vintage == 2023 and "nom du fichier" in report.vintage_reason
    assert "ne contient pas de contours" in report.warnings[0]
    assert phase_content(PHASE) == before
    assert _geometries() == geometries


def test_communes_csv_imports_the_same_territories(real_data, tmp_path):
    before, geometries = phase_content(PHASE), _geometries()
    report = import_territories(build_communes_csv(tmp_path, ",", "utf-8-bom"), PHASE)
    assert report.format == "csv-communes"
    assert report.created == [] and report.removed == []
    after = phase_content(PHASE)
    assert sorted(after) == sorted(before)
    assert _without_member_details(after) == _without_member_details(before)
    # Polygons of the earlier GeoJSON import are kept.
    assert _geometries() == geometries
    assert all(g[0] for ti_id, g in geometries.items())


def test_csv_alone_gives_territories_without_polygons(real_data, tmp_path):
    """A phase first imported from a CSV has its territories, members and communes, but no outline."""
    Territory.objects.filter(phase=PHASE).delete()
    report = import_territories(build_groupements_csv(tmp_path), PHASE)
    assert len(report.created) == 183
    territories = Territory.objects.filter(phase=PHASE)
    assert territories.count() == 183
    assert not territories.exclude(geometry=None).exists()
    assert territories.get(ti_id="ti-2809").members.count() == 3


def test_vintage_found_from_codes_when_the_name_gives_none(real_data, tmp_path):
    path = build_communes_csv(tmp_path, name="export.csv")
    report = import_territories(path, PHASE, dry_run=True)
    assert report.vintage == 2023
    assert report.vintage_reason == "COG 2023 : premier millésime qui résout tous les codes"


def test_requested_vintage_wins_and_reports_codes_unknown_in_it(real_data, tmp_path):
    """Read in COG 2026, the 2023 file holds 34 commune codes that vintage does not know."""
    path = build_communes_csv(tmp_path)
    with pytest.raises(ImportRefused) as refused:
        import_territories(path, PHASE, cog_year=2026)
    codes = {p.value for p in refused.value.problems}
    assert len(codes) == 34
    assert {"95282", "61017", "49069"} <= codes
    first = refused.value.problems[0]
    assert first.file == path.name and first.column == "insee_com" and first.row > 1
    assert "inconnu dans le COG 2026" in str(first)


def test_vintage_in_name_with_unknown_year_falls_back_to_codes(real_data, tmp_path):
    path = build_groupements_csv(tmp_path, name="liste-ti-grpt2031-20310101.csv")
    assert import_territories(path, PHASE, dry_run=True).vintage == 2023


def test_names_with_commas_and_quotes_survive(real_data, tmp_path):
    rows = [row for row in communes_rows(raw_phase(PHASE2_GEOJSON)) if row[2] == "ti-2809"]
    renamed = [[code, name, ti_id, 'Vallée de la Bresle, "Vimeu"'] for code, name, ti_id, _ in rows]
    path = write_csv(
        tmp_path / "liste-ti-com2023-20240704.csv", COMMUNES_HEADER, renamed, ";", "cp1252"
    )
    source = read_source(path)
    assert list(source.territories) == ["ti-2809"]
    assert source.territories["ti-2809"].name == 'Vallée de la Bresle, "Vimeu"'


def test_phase_keeps_the_vintage_and_file_it_was_imported_from(real_data, tmp_path):
    import_territories(build_communes_csv(tmp_path), PHASE)
    phase = Phase.objects.get(code=PHASE)
    assert (phase.cog_year, phase.source_name) == (2023, "liste-ti-com2023-20240704.csv")
