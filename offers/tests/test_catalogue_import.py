"""Catalogue import and export (`territoires import-offers` / `export-offers`): every error kind named with
its sheet, row and column; the database unchanged on error; idempotence; a lossless round trip."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter

from core.imports import ImportRefused
from offers.models import Operator, Service
from offers.services.catalogue import export_catalogue, import_catalogue
from offers.spreadsheet.columns import COLUMNS

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in COLUMNS]
GOOD = {
    "identifiant": "etudes-foncier",
    "intitule": "Études foncières",
    "operateur": "op-a",
    "axes": "foncier; Innovation",
    "type": "Ingénierie",
    "description": "Des études.",
    "demandeurs": "territoire",
    "perimetre": "Régions",
    "codes": "32; 11",
    "phase": "",
    "ouverture": "2025-01-01",
    "cloture": "31/12/2026",
    "enveloppe": "1 500 000,50",
    "montant_ou_taux": "50 %",
    "lien": "https://example.org/candidater",
    "source": "https://example.org/source",
    "statut": "",
}


@pytest.fixture
def operators(real_data):
    return (
        Operator.objects.create(slug="op-a", name="Opérateur A"),
        Operator.objects.create(slug="op-b", name="Opérateur B"),
    )


def write_csv(path, rows, headers=HEADERS):
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
    return path


def write_xlsx(path, rows, headers=HEADERS, sheet="Catalogue"):
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, header)
    for number, row in enumerate(rows, start=1):
        for col, header in enumerate(headers):
            if row.get(header, "") != "":
                worksheet.write_string(number, col, str(row[header]))
    workbook.close()
    return path


def snapshot():
    return sorted(
        (s.slug, s.title, s.status, tuple(s.regions.values_list("code", flat=True)))
        for s in Service.objects.all()
    ) + [Service.history.count()]


def refused(path, **kwargs) -> list[str]:
    before = snapshot()
    with pytest.raises(ImportRefused) as caught:
        import_catalogue(path, **kwargs)
    assert snapshot() == before  # all or nothing
    return [str(problem) for problem in caught.value.problems]


def test_import_creates_then_changes_nothing(operators, tmp_path, shell):
    path = write_csv(tmp_path / "catalogue.csv", [GOOD, {**GOOD, "identifiant": "autre"}])
    code, out, err = shell("import-offers", str(path), "--dry-run")
    assert code == 0 and "2 services seraient créés" in out and not Service.objects.exists()
    code, out, err = shell("import-offers", str(path))
    assert code == 0, err
    assert "2 services créés, 0 modifié ; 0 inchangé" in out
    service = Service.objects.get(slug="etudes-foncier")
    assert service.axes == ["innovation", "foncier"] and service.kind == "ingenierie"
    assert sorted(service.regions.values_list("code", flat=True)) == ["11", "32"]
    assert service.envelope == Decimal("1500000.50") and service.closes_on == date(2026, 12, 31)
    assert service.status == "ouvert" and service.applicants == ["territoire"]
    assert service.history.get().history_change_reason == "Import du fichier catalogue.csv"
    versions = Service.history.count()
    code, out, _ = shell("import-offers", str(path))
    assert "0 service créé, 0 modifié ; 2 inchangés" in out
    assert Service.history.count() == versions
    write_csv(path, [{**GOOD, "intitule": "Nouvel intitulé", "perimetre": "national", "codes": ""}])
    report = import_catalogue(path)
    assert report.updated_summary == [
        ("etudes-foncier", "Nouvel intitulé", ["intitule", "perimetre", "codes"])
    ]
    service.refresh_from_db()
    assert service.title == "Nouvel intitulé" and not service.regions.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_is_lossless(operators, tmp_path, fmt):
    territory_row = {
        **GOOD,
        "identifiant": "sur-territoires",
        "perimetre": "territoires",
        "codes": "ti-1108; ti-1103",
        "phase": "2023-2027",
        "description": '=HYPERLINK("http://attaquant.example")\nDeuxième ligne',
        "enveloppe": "",
        "ouverture": "",
        "cloture": "",
        "statut": "Fermé",
    }
    dep_row = {**GOOD, "identifiant": "deps", "perimetre": "departements", "codes": "2a; 59"}
    rows = [
        GOOD,
        territory_row,
        dep_row,
        {**GOOD, "identifiant": "nat", "perimetre": "", "codes": ""},
    ]
    import_catalogue(write_csv(tmp_path / "in.csv", rows))
    before = snapshot()
    out = tmp_path / f"out.{fmt}"
    with out.open("wb") as stream:
        assert export_catalogue(Service.objects.all(), stream, fmt) == 4
    report = import_catalogue(out)
    assert not report.changed and len(report.unchanged) == 4
    assert snapshot() == before
    service = Service.objects.get(slug="sur-territoires")
    assert service.description.startswith("=HYPERLINK") and service.status == "ferme"
    assert sorted(service.territories.values_list("ti_id", flat=True)) == ["ti-1103", "ti-1108"]
    assert sorted(Service.objects.get(slug="deps").departements.values_list("code", flat=True)) == [
        "2A",
        "59",
    ]


def _where(problems, text):
    return [p for p in problems if text in p]


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"identifiant": ""}, "A — identifiant", "valeur obligatoire manquante"),
        ({"identifiant": "Pas un slug !"}, "A — identifiant", "attendu"),
        ({"intitule": "x" * 300}, "B — intitule", "texte trop long (300 caractères)"),
        ({"operateur": "inconnu"}, "C — operateur", "opérateur inconnu"),
        ({"axes": "foncier; tourisme"}, "D — axes", "valeur hors liste « tourisme »"),
        ({"type": "don"}, "E — type", "valeur hors liste"),
        ({"demandeurs": "association"}, "G — demandeurs", "valeur hors liste « association »"),
        ({"perimetre": "monde"}, "H — perimetre", "valeur hors liste"),
        ({"codes": "99"}, "I — codes", "code inconnu « 99 »"),
        ({"perimetre": "regions", "codes": ""}, "I — codes", "aucun code pour le périmètre"),
        ({"perimetre": "national"}, "I — codes", "codes donnés pour un périmètre national"),
        ({"perimetre": "territoires", "codes": "ti-1108"}, "J — phase", "phase manquante"),
        (
            {"perimetre": "territoires", "codes": "ti-99999", "phase": "2023-2027"},
            "I — codes",
            "code inconnu « ti-99999 »",
        ),
        ({"phase": "2030-2035"}, "J — phase", "phase inconnue"),
        ({"ouverture": "demain"}, "K — ouverture", "date illisible"),
        ({"cloture": "2024-12-31"}, "L — cloture", "clôture avant l'ouverture"),
        ({"enveloppe": "beaucoup"}, "M — enveloppe", "nombre illisible"),
        ({"enveloppe": "-5"}, "M — enveloppe", "nombre"),
        ({"lien": "javascript:alert(1)"}, "O — lien", "adresse"),
        ({"source": ""}, "P — source", "valeur obligatoire manquante"),
        ({"source": "pas une adresse"}, "P — source", "adresse"),
        ({"statut": "peut-être"}, "Q — statut", "valeur hors liste"),
    ],
)
def test_every_cell_error_is_named_with_sheet_row_and_column(
    operators, tmp_path, change, column, message
):
    path = write_csv(tmp_path / "bad.csv", [{**GOOD, "identifiant": "premier"}, {**GOOD, **change}])
    problems = refused(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith("bad.csv, feuille « CSV », ligne 3, colonne « " + column + " »")
    assert message in problems[0]
    assert "attendu" in problems[0]


def test_xlsx_errors_name_the_catalogue_sheet(operators, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [GOOD, {**GOOD, "identifiant": "b", "type": "don"}])
    (problem,) = refused(path)
    assert problem.startswith("bad.xlsx, feuille « Catalogue », ligne 3, colonne « E — type »")
    assert "« Ingénierie »" in problem  # what was expected: the list


def test_file_level_errors(operators, tmp_path):
    (problem,) = refused(write_xlsx(tmp_path / "autre.xlsx", [GOOD], sheet="Feuil1"))
    assert "feuille « Catalogue » introuvable" in problem
    (problem,) = refused(write_csv(tmp_path / "x.txt", [GOOD]))
    assert "format non reconnu" in problem
    headers = [h for h in HEADERS if h != "source"] + ["couleur", "intitule"]
    problems = refused(write_csv(tmp_path / "entetes.csv", [GOOD], headers))
    assert _where(problems, "ligne 1, colonne « Q — couleur » : colonne inconnue")
    assert _where(problems, "ligne 1, colonne « R — intitule » : colonne en double")
    assert _where(problems, "ligne 1 : colonne obligatoire « source » absente")


def test_duplicate_identifier_and_every_problem_reported(operators, tmp_path):
    rows = [GOOD, GOOD, {**GOOD, "identifiant": "x", "type": "don", "ouverture": "hier"}]
    problems = refused(write_csv(tmp_path / "d.csv", rows))
    assert _where(
        problems, "ligne 3, colonne « A — identifiant » : identifiant en double (déjà en ligne 2)"
    )
    assert _where(problems, "ligne 4, colonne « E — type »")
    assert _where(problems, "ligne 4, colonne « K — ouverture »")


def test_an_error_leaves_existing_services_as_they_were(operators, tmp_path, shell):
    import_catalogue(write_csv(tmp_path / "ok.csv", [GOOD]))
    rows = [{**GOOD, "intitule": "Changé"}, {**GOOD, "identifiant": "neuf", "source": ""}]
    code, out, err = shell("import-offers", str(write_csv(tmp_path / "ko.csv", rows)))
    assert code == 1
    assert "ko.csv, feuille « CSV », ligne 3, colonne « P — source »" in err
    assert "Import refusé : 1 problème ; rien n'a été modifié." in err
    assert Service.objects.get().title == "Études foncières"


def test_operators_staff_import_only_their_operator(operators, tmp_path):
    op_a, op_b = operators
    import_catalogue(write_csv(tmp_path / "b.csv", [{**GOOD, "operateur": "op-b"}]))
    rows = [{**GOOD, "identifiant": "neuf"}, {**GOOD, "operateur": "op-a"}]
    problems = refused(write_csv(tmp_path / "a.csv", rows), operators={op_a.pk})
    (problem,) = problems
    assert (
        "ligne 3, colonne « A — identifiant » : cet identifiant est celui d'un service d'un autre"
        in problem
    )
    (problem,) = refused(
        write_csv(tmp_path / "c.csv", [{**GOOD, "identifiant": "z", "operateur": "op-b"}]),
        operators={op_a.pk},
    )
    assert "colonne « C — operateur » : vous ne gérez pas les services de cet opérateur" in problem
    assert Service.objects.get().operator == op_b


def test_bounded_reading(operators, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    (problem,) = refused(write_csv(tmp_path / "long.csv", [GOOD] * 4))
    assert "trop de lignes" in problem
    (problem,) = refused(
        write_xlsx(tmp_path / "long.xlsx", [{**GOOD, "identifiant": f"s{i}"} for i in range(5)])
    )
    assert "lignes" in problem


def test_export_command_writes_csv_and_xlsx(operators, tmp_path, shell):
    import_catalogue(write_csv(tmp_path / "in.csv", [GOOD]))
    code, out, _ = shell("export-offers", str(tmp_path / "out.csv"))
    assert code == 0 and "1 service exporté" in out
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == HEADERS and row[0] == "etudes-foncier" and row[12] == "1500000,5"
    code, out, _ = shell("export-offers", str(tmp_path / "out.xlsx"), "--operateur", "op-b")
    assert "0 service exporté" in out
    code, _, err = shell("export-offers", str(tmp_path / "out.ods"))
    assert code == 1 and "format non reconnu" in err


def test_a_partial_file_changes_only_its_columns(operators, tmp_path):
    import_catalogue(write_csv(tmp_path / "complet.csv", [{**GOOD, "statut": "fermé"}]))
    headers = ["identifiant", "intitule", "operateur", "type", "source"]
    path = write_csv(tmp_path / "partiel.csv", [{**GOOD, "intitule": "Titre seul"}], headers)
    report = import_catalogue(path)
    assert [keys for _, _, keys in report.updated] == [["title"]]
    service = Service.objects.get()
    assert service.title == "Titre seul" and service.status == "ferme"
    assert service.description == "Des études." and service.regions.count() == 2
    # A new service of a partial file takes the blank values (national scope, open).
    write_csv(path, [{**GOOD, "identifiant": "neuf"}], headers)
    import_catalogue(path)
    assert Service.objects.get(slug="neuf").scope == "national"
