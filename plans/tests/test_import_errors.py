"""A corrupted template: every kind of error is reported with sheet, row, column, value and expectation,
and nothing is written."""

import io

import pytest
from openpyxl import load_workbook

from core.imports import ImportRefused
from plans.models import Action, ActionPlan
from plans.services.exporting import export_actions, write_template
from plans.services.importing import import_plans
from plans.spreadsheet.columns import SHEET_ACTIONS

VALID_SIRET = "73282932000074"


def template_sheet():
    stream = io.BytesIO()
    write_template(stream)
    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    return workbook, workbook[SHEET_ACTIONS]


def fill(sheet, rows: list[dict]):
    headers = [c.value for c in sheet[1]]
    for number, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(row=number, column=headers.index(header) + 1, value=value)


def refused(tmp_path, workbook, territory, fixed=True) -> list:
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    before = (Action.objects.count(), ActionPlan.objects.count())
    with pytest.raises(ImportRefused) as raised:
        import_plans(path, territory.phase_id, territory_id=territory.ti_id if fixed else None)
    assert (Action.objects.count(), ActionPlan.objects.count()) == before
    return raised.value.problems


def base_row(territory, **changes):
    row = {
        "Territoire (identifiant)": territory.ti_id,
        "Code de l'action": "A-1",
        "Intitulé": "Essai",
        "Axe": "Innovation",
    }
    row.update(changes)
    return row


def test_every_cell_error_is_reported_with_its_location(territory, other_territory, tmp_path):
    workbook, sheet = template_sheet()
    commune_elsewhere = (
        other_territory.territory_communes.select_related("commune").first().commune.code
    )
    fill(
        sheet,
        [
            base_row(territory, **{"Code de l'action": "A 1"}),  # 2: invalid code
            base_row(territory, **{"Axe": "Tourisme"}),  # 3: value out of list
            base_row(
                territory, **{"Code de l'action": "A-3", "SIRET du porteur": "12345678901234"}
            ),  # 4: Luhn
            base_row(
                territory, **{"Code de l'action": "A-4", "Coût total (€ HT)": "beaucoup"}
            ),  # 5: number
            base_row(
                territory, **{"Code de l'action": "A-5", "Coût total (€ HT)": -10}
            ),  # 6: negative
            base_row(
                territory, **{"Code de l'action": "A-6", "Coût total (€ HT)": "10,123"}
            ),  # 7: decimals
            base_row(
                territory, **{"Code de l'action": "A-7", "Date de début": "31/02/2025"}
            ),  # 8: date
            base_row(
                territory,
                **{
                    "Code de l'action": "A-8",
                    "Date de début": "2025-06-01",
                    "Date de fin": "2025-01-01",
                },
            ),  # 9: date order
            base_row(
                territory,
                **{
                    "Code de l'action": "A-9",
                    "Communes concernées (codes INSEE)": commune_elsewhere,
                },
            ),
            base_row(territory, **{"Code de l'action": "A-9"}),  # 11: duplicate code
            base_row(
                territory, **{"Code de l'action": "A-11", "Intitulé": None}
            ),  # 12: required value
            base_row(
                territory, **{"Code de l'action": "A-12", "Confidentielle": "peut-être"}
            ),  # 13: boolean
            base_row(
                territory,
                **{"Code de l'action": "A-13", "Financement 1 — dispositif": "Fonds vert"},
            ),  # 14
            base_row(
                territory,
                **{
                    "Code de l'action": "A-14",
                    "Indicateur 1 — nom": "Emplois",
                    "Indicateur 1 — valeurs datées": "fin 2025 : 3",
                },
            ),  # 15: dated values
            base_row(
                territory,
                **{"Code de l'action": "A-15", "Territoire (identifiant)": other_territory.ti_id},
            ),
            base_row(
                territory, **{"Code de l'action": "A-16", "Emplois créés": 2.5}
            ),  # 17: integer
            base_row(
                territory,
                **{
                    "Code de l'action": "A-17",
                    "Financement 1 — financeur": "Région",
                    "Financement 1 — montant (€)": 10,
                    "Financement 1 — sollicité le": "2025-05-01",
                    "Financement 1 — décidé le": "2025-01-01",
                },
            ),  # 18: funding date order
            base_row(
                territory,
                **{"Code de l'action": "A-18", "Communes concernées (codes INSEE)": "123"},
            ),  # 19
        ],
    )
    problems = refused(tmp_path, workbook, territory)
    found = {(p.row, p.message.split(" (")[0]): p for p in problems}
    expected_rows = {
        2: "Code d'action invalide",
        3: "valeur hors liste",
        4: "SIRET invalide",
        5: "nombre illisible",
        6: "nombre hors limites",
        7: "trop de décimales",
        8: "date illisible",
        9: "La date de fin",
        10: "communes hors du territoire",
        11: "code d'action en double",
        12: "valeur obligatoire manquante",
        13: "valeur illisible",
        14: "valeur obligatoire manquante",
        15: "mesure illisible",
        16: "ligne d'un autre territoire que celui de l'import",
        17: "trop de décimales",
        18: "La date de décision",
        19: "code INSEE invalide",
    }
    for row, start in expected_rows.items():
        matching = [p for (r, _), p in found.items() if r == row and p.message.startswith(start)]
        assert matching, (
            f"ligne {row} : « {start} » non signalé parmi {[str(p) for p in problems if p.row == row]}"
        )
        problem = matching[0]
        assert "plan.xlsx, feuille « Actions »" == problem.file
        assert problem.column and problem.expected, str(problem)
        assert problem.value is not None, str(problem)
    axis = next(p for p in problems if p.row == 3)
    assert axis.column == "E — Axe" and axis.value == "Tourisme" and "Innovation" in axis.expected
    text = str(axis)
    assert "ligne 3" in text and "valeur trouvée : « Tourisme »" in text and "attendu :" in text
    funding = next(p for p in problems if p.row == 14)
    assert "Financement 1 — financeur" in funding.column


def test_header_errors(territory, tmp_path):
    workbook, sheet = template_sheet()
    sheet.cell(
        row=1, column=4, value="Titre"
    )  # « Intitulé » renamed: unknown and the required one is missing
    sheet.cell(row=1, column=6, value="Axe")  # « Sous-thème » → a second « Axe »
    sheet.cell(
        row=1, column=sheet.max_column + 1, value="Financement 9 — montant (€)"
    )  # group without financeur
    fill(sheet, [{"Code de l'action": "A-1", "Titre": "Essai"}])
    problems = refused(tmp_path, workbook, territory)
    messages = [p.message for p in problems]
    assert "colonne inconnue" in messages
    assert any(m.startswith("colonne en double") for m in messages)
    assert "colonne obligatoire « Intitulé » absente" in messages
    assert "colonne « Financement 9 — financeur » absente" in messages
    assert all(p.row == 1 for p in problems)


def test_unknown_territory_and_missing_territory(territory, tmp_path):
    workbook, sheet = template_sheet()
    fill(
        sheet,
        [
            base_row(territory, **{"Territoire (identifiant)": "ti-0000"}),
            base_row(territory, **{"Territoire (identifiant)": None, "Code de l'action": "A-2"}),
        ],
    )
    problems = refused(tmp_path, workbook, territory, fixed=False)
    assert [(p.row, p.message) for p in problems] == [
        (2, "territoire inconnu dans la phase 2023-2027"),
        (3, "territoire manquant"),
    ]


def test_unreadable_files(territory, tmp_path):
    fake = tmp_path / "plan.xlsx"
    fake.write_bytes(b"ceci n'est pas un classeur")
    with pytest.raises(ImportRefused, match="fichier XLSX illisible"):
        import_plans(fake, territory.phase_id)
    odd = tmp_path / "plan.ods"
    odd.write_bytes(b"x")
    with pytest.raises(ImportRefused, match="format non reconnu"):
        import_plans(odd, territory.phase_id)
    workbook, sheet = template_sheet()
    sheet.title = "Feuil1"
    workbook.save(tmp_path / "renomme.xlsx")
    with pytest.raises(ImportRefused, match="feuille « Actions » introuvable"):
        import_plans(tmp_path / "renomme.xlsx", territory.phase_id)
    with pytest.raises(ImportRefused, match="phase « 2030-2034 » inconnue"):
        import_plans(fake, "2030-2034")


def test_one_bad_row_among_many_leaves_the_plan_unchanged(plan, tmp_path):
    stream = io.BytesIO()
    export_actions(Action.objects.filter(plan=plan), stream, "xlsx")
    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    sheet = workbook[SHEET_ACTIONS]
    headers = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=headers.index("Intitulé") + 1, value=f"Nouveau titre {row}")
    sheet.cell(row=sheet.max_row, column=headers.index("Statut") + 1, value="Terminé ?")
    titles = sorted(plan.actions.values_list("title", flat=True))
    problems = refused(tmp_path, workbook, plan.territory)
    assert len(problems) == 1 and problems[0].row == sheet.max_row
    assert sorted(plan.actions.values_list("title", flat=True)) == titles
