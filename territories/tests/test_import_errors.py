"""Malformed inputs: a clear French message naming file, row and column, and nothing written."""

from __future__ import annotations

import codecs
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.imports import ImportRefused
from territories.models import Phase, Territory, TerritoryCommune, TerritoryMember
from territories.services.importing import import_territories
from territories.tests.csv_builders import (
    COMMUNES_HEADER,
    GROUPEMENTS_HEADER,
    PHASE2_GEOJSON,
    communes_rows,
    groupements_rows,
    raw_phase,
    real_file,
    write_csv,
)

PHASE = "2023-2027"
GRPT = "liste-ti-grpt2023-20240704.csv"
COM = "liste-ti-com2023-20240704.csv"


def database_state() -> dict:
    """Cheap but complete enough: every territory's content fingerprint and statuses, row counts, phases."""
    return {
        "territories": list(
            Territory.objects.order_by("pk").values_list(
                "pk", "ti_id", "source_fingerprint", "lineage_status", "outcome_status"
            )
        ),
        "members": TerritoryMember.objects.count(),
        "communes": TerritoryCommune.objects.count(),
        "phases": list(Phase.objects.values()),
    }


@pytest.fixture
def unchanged_database(real_data):
    """Asserts, after the test, that the database is exactly as before it."""
    before = database_state()
    yield
    assert database_state() == before


def sample_rows(builder, ti_ids=("ti-2809", "ti-1108")):
    return [
        row for row in builder(raw_phase(PHASE2_GEOJSON)) if any(ti_id in row for ti_id in ti_ids)
    ]


def refused(path, **options) -> list[str]:
    with pytest.raises(ImportRefused) as error:
        import_territories(path, PHASE, **options)
    return [str(problem) for problem in error.value.problems]


def test_wrong_columns(unchanged_database, tmp_path):
    path = write_csv(
        tmp_path / COM, ["insee", "nom", "id_ti", "lib_ti"], [["27001", "A", "ti-2801", "B"]]
    )
    [message] = refused(path)
    assert message.startswith(
        f"{COM}, ligne 1 : colonnes non reconnues (pour un CSV data.gouv.fr des communes, "
        "il manque : insee_com, lib_com)"
    )
    assert "valeur trouvée : « insee, nom, id_ti, lib_ti »" in message


def test_unknown_siren(unchanged_database, tmp_path):
    rows = sample_rows(groupements_rows)
    rows[2][2] = "123456789"
    path = write_csv(tmp_path / GRPT, GROUPEMENTS_HEADER, rows, ";")
    [message] = refused(path)
    assert message == (
        f"{GRPT}, ligne 4, colonne « siren_groupement » : SIREN inconnu dans le COG 2023 "
        f"(territoire {rows[2][0]}) (valeur trouvée : « 123456789 », "
        "attendu : le SIREN d'un EPCI, d'un EPT ou d'une commune)"
    )


def test_unknown_commune_code(unchanged_database, tmp_path):
    rows = sample_rows(communes_rows)
    rows[5][0] = "99999"
    [message] = refused(write_csv(tmp_path / COM, COMMUNES_HEADER, rows))
    assert message.startswith(
        f"{COM}, ligne 7, colonne « insee_com » : code commune inconnu dans le COG 2023"
    )


def test_duplicated_ids_in_geojson(unchanged_database, tmp_path):
    collection = json.loads(real_file(PHASE2_GEOJSON).read_text(encoding="utf-8"))
    collection["features"][5]["properties"]["id_territoire"] = collection["features"][2][
        "properties"
    ]["id_territoire"]
    path = tmp_path / "ti.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    [message] = refused(path)
    ti_id = collection["features"][2]["properties"]["id_territoire"]
    assert message == (
        f"ti.geojson, entité 6, colonne « id_territoire » : identifiant en double (déjà à l'entité 3) "
        f"(valeur trouvée : « {ti_id} »)"
    )


def test_duplicated_rows_in_csv(unchanged_database, tmp_path):
    rows = sample_rows(groupements_rows)
    rows.append(list(rows[0]))
    [message] = refused(write_csv(tmp_path / GRPT, GROUPEMENTS_HEADER, rows))
    assert message.startswith(
        f"{GRPT}, ligne {len(rows) + 1}, colonne « siren_groupement » : ligne en double (déjà à la ligne 2)"
    )


def test_duplicated_member_in_liste_geo(unchanged_database, tmp_path):
    collection = json.loads(real_file(PHASE2_GEOJSON).read_text(encoding="utf-8"))
    props = collection["features"][0]["properties"]
    props["liste_geo"] += "; " + props["liste_geo"].split(";")[0]
    path = tmp_path / "ti.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    [message] = refused(path)
    assert message.startswith(
        "ti.geojson, entité 1, colonne « liste_geo » : membre en double dans le territoire ti-0101"
    )


def test_truncated_geojson(unchanged_database, tmp_path):
    raw = real_file(PHASE2_GEOJSON).read_bytes()
    path = tmp_path / "ti-2023-2027.geojson"
    path.write_bytes(raw[: len(raw) // 2])
    [message] = refused(path)
    assert message.startswith("ti-2023-2027.geojson : GeoJSON illisible (tronqué ou mal formé)")
    assert "attendu : une FeatureCollection GeoJSON complète" in message


@pytest.mark.parametrize("content", [b"", b"  \r\n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_empty_file(unchanged_database, tmp_path, content):
    path = tmp_path / COM
    path.write_bytes(content)
    assert refused(path) == [
        f"{COM} : le fichier est vide (attendu : un GeoJSON ou un CSV publié par l'ANCT)"
    ]


def test_header_only(unchanged_database, tmp_path):
    assert refused(write_csv(tmp_path / COM, COMMUNES_HEADER, [])) == [
        f"{COM} : aucune ligne de données après l'en-tête"
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_read_by_its_bom(tmp_path, encoding):
    """Excel's « Texte Unicode » is UTF-16 with a BOM: it was read as cp1252 (« ÿþi\x00… »)."""
    from territories.importers.readers import read_source

    rows = sample_rows(communes_rows)
    path = write_csv(tmp_path / COM, COMMUNES_HEADER, rows, encoding=encoding)
    if encoding != "utf-16":  # Python writes the BOM only for "utf-16"
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        path.write_bytes(bom + path.read_bytes())
    source = read_source(path)
    assert sorted(source.territories) == ["ti-1108", "ti-2809"]
    assert sum(len(t.communes) for t in source.territories.values()) == len(rows)


def test_utf16_without_bom_is_refused_as_binary(unchanged_database, tmp_path):
    path = write_csv(
        tmp_path / COM, COMMUNES_HEADER, sample_rows(communes_rows), encoding="utf-16-le"
    )
    [message] = refused(path)
    assert message.startswith(f"{COM} : fichier binaire (octets nuls)")


def test_bytes_invalid_in_every_accepted_encoding(unchanged_database, tmp_path):
    path = tmp_path / COM
    path.write_bytes(b"insee_com,lib_com,id_ti,lib_ti\r\n27001,Acquigny\x81,ti-2801,X\r\n")
    [message] = refused(path)
    assert message == (
        f"{COM} : encodage non reconnu : l'octet 0x81 (ligne 2, position 46) n'est pas du texte "
        "en UTF-8 ni Windows-1252 (attendu : un fichier texte en UTF-8, UTF-16 (avec BOM) ou "
        "Windows-1252)"
    )


def test_workbook_renamed_csv_and_overlong_field_are_refused(unchanged_database, tmp_path):
    path = tmp_path / COM
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    [message] = refused(path)
    assert "ce fichier est un classeur (XLSX, ODS) ou une archive" in message
    rows = sample_rows(communes_rows)
    rows[1][1] = "x" * 131_073
    [message] = refused(write_csv(tmp_path / COM, COMMUNES_HEADER, rows))
    assert message.startswith(f"{COM}, ligne 3 : cellule trop longue : plus de 131 072 caractères")


def test_too_many_rows_is_refused(unchanged_database, tmp_path, monkeypatch):
    monkeypatch.setattr("territories.importers.readers.MAX_ROWS", 3)
    [message] = refused(write_csv(tmp_path / COM, COMMUNES_HEADER, sample_rows(communes_rows)))
    assert message.startswith(f"{COM} : trop de lignes : un import en compte 3 au plus")


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (0, "7512", "code mal formé (zéro initial perdu dans un tableur ?)"),
        (0, "ABCDE", "code mal formé"),
        (2, "TI-28-09", "identifiant de territoire mal formé"),
    ],
)
def test_malformed_codes_in_communes_csv(unchanged_database, tmp_path, column, value, expected):
    rows = sample_rows(communes_rows)
    rows[3][column] = value
    [message] = refused(write_csv(tmp_path / COM, COMMUNES_HEADER, rows, ";"))
    name = COMMUNES_HEADER[column]
    assert message.startswith(
        f"{COM}, ligne 5, colonne « {name} » : {expected} (valeur trouvée : « {value} »"
    )


def test_malformed_member_in_liste_geo(unchanged_database, tmp_path):
    collection = json.loads(real_file(PHASE2_GEOJSON).read_text(encoding="utf-8"))
    collection["features"][3]["properties"]["liste_geo"] = (
        "CC Quelque part (240001234); CC sans SIREN"
    )
    path = tmp_path / "ti.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    [message] = refused(path)
    assert message == (
        "ti.geojson, entité 4, colonne « liste_geo » : membre illisible (valeur trouvée : « CC sans SIREN », "
        "attendu : « Nom (SIREN à 9 chiffres) »)"
    )


def test_inconsistent_names_for_one_id(unchanged_database, tmp_path):
    rows = sample_rows(groupements_rows, ("ti-2809",))
    rows[1][1] = "Bresle"
    [message] = refused(write_csv(tmp_path / GRPT, GROUPEMENTS_HEADER, rows))
    assert message == (
        f"{GRPT}, ligne 3, colonne « lib_ti » : le territoire ti-2809 porte un autre nom à la ligne 2 "
        "(« Vallée de la Bresle – Vimeu ») (valeur trouvée : « Bresle »)"
    )


def test_row_with_missing_cells(unchanged_database, tmp_path):
    path = tmp_path / GRPT
    rows = "\r\n".join(";".join(row) for row in sample_rows(groupements_rows, ("ti-2809",)))
    path.write_text(
        ";".join(GROUPEMENTS_HEADER) + "\r\n" + rows + "\r\nti-2809;Vallée\r\n", encoding="utf-8"
    )
    [message] = refused(path)
    assert message.startswith(f"{GRPT}, ligne 5 : 2 cellules au lieu de 5")


def test_every_problem_is_listed_at_once(unchanged_database, tmp_path):
    rows = sample_rows(communes_rows)
    rows[1][0], rows[4][0], rows[8][0] = "1234", "99999", "98888"
    with pytest.raises(ImportRefused) as error:
        import_territories(write_csv(tmp_path / COM, COMMUNES_HEADER, rows), PHASE)
    # Reading stops at the malformed code; resolution would list both unknown codes.
    assert [(p.row, p.column) for p in error.value.problems] == [(3, "insee_com")]
    rows[1][0] = "27001"
    with pytest.raises(ImportRefused) as error:
        import_territories(write_csv(tmp_path / COM, COMMUNES_HEADER, rows), PHASE)
    assert [(p.row, p.value) for p in error.value.problems] == [(6, "99999"), (10, "98888")]


def test_unknown_phase_and_missing_file(unchanged_database, tmp_path):
    with pytest.raises(ImportRefused, match="phase « 2031-2035 » inconnue"):
        import_territories(real_file(PHASE2_GEOJSON), "2031-2035")
    with pytest.raises(ImportRefused, match="fichier introuvable"):
        import_territories(tmp_path / "absent.csv", PHASE)


def test_allow_unresolved_imports_the_rest_and_reports(real_data, tmp_path):
    rows = [row for row in groupements_rows(raw_phase(PHASE2_GEOJSON))]
    bresle = [i for i, row in enumerate(rows) if row[0] == "ti-2809"]
    rows[bresle[0]][2] = "123456789"
    path = write_csv(tmp_path / GRPT, GROUPEMENTS_HEADER, rows)
    report = import_territories(path, PHASE, allow_unresolved=True)
    assert [(p.row, p.value) for p in report.unresolved] == [(bresle[0] + 2, "123456789")]
    assert report.updated == ["ti-2809"]
    assert len(report.unchanged) == 182
    territory = Territory.objects.get(phase=PHASE, ti_id="ti-2809")
    assert territory.members.count() == 2
    assert not territory.members.filter(siren="123456789").exists()


# --- command line ------------------------------------------------------------------------------------------


def test_command_refusal_lists_problems_on_stderr(unchanged_database, tmp_path):
    rows = sample_rows(groupements_rows)
    rows[0][2] = "123456789"
    path = write_csv(tmp_path / GRPT, GROUPEMENTS_HEADER, rows)
    stderr = StringIO()
    with pytest.raises(CommandError, match=r"Import refusé : 1 problème ; rien n'a été modifié\."):
        call_command("import-ti", str(path), "--phase", PHASE, stderr=stderr)
    assert (
        f"{GRPT}, ligne 2, colonne « siren_groupement » : SIREN inconnu dans le COG 2023"
        in stderr.getvalue()
    )


def test_command_unknown_vintage(unchanged_database):
    with pytest.raises(CommandError, match="Millésime du COG 1999 non disponible"):
        call_command("import-ti", str(real_file(PHASE2_GEOJSON)), "--phase", PHASE, "--cog", "1999")


def test_command_dry_run_reports_what_would_change(unchanged_database, tmp_path):
    stdout, stderr = StringIO(), StringIO()
    rows = sample_rows(groupements_rows)
    call_command(
        "import-ti",
        str(write_csv(tmp_path / GRPT, GROUPEMENTS_HEADER, rows)),
        "--phase",
        PHASE,
        "--dry-run",
        stdout=stdout,
        stderr=stderr,
    )
    assert (
        "0 territoires seraient créés, 0 mis à jour, 181 retirés, 2 inchangés." in stdout.getvalue()
    )
    assert "attention : ce fichier ne contient pas de contours" in stderr.getvalue()


def test_command_allow_unresolved_reports_ignored_codes(real_data, tmp_path):
    rows = groupements_rows(raw_phase(PHASE2_GEOJSON))
    rows[0][2] = "123456789"
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "import-ti",
        str(write_csv(tmp_path / GRPT, GROUPEMENTS_HEADER, rows)),
        "--phase",
        PHASE,
        "--allow-unresolved",
        stdout=stdout,
        stderr=stderr,
    )
    assert (
        f"ignoré : {GRPT}, ligne 2, colonne « siren_groupement » : SIREN inconnu"
        in stderr.getvalue()
    )
    assert "1 mis à jour" in stdout.getvalue()


def test_a_file_over_the_size_bound_is_refused_unread(unchanged_database, tmp_path, monkeypatch):
    monkeypatch.setattr("territories.importers.readers.MAX_BYTES", 1000)
    path = write_csv(tmp_path / COM, COMMUNES_HEADER, sample_rows(communes_rows))
    assert path.stat().st_size > 1000
    [message] = refused(path)
    assert message.startswith(f"{COM} : fichier trop volumineux")
    assert "attendu : un fichier de 0,0 Mo au plus" in message
