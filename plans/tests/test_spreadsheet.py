"""Round trips (XLSX and CSV, 500 actions), template, formula neutralisation, CLI."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from plans.models import Action, ActionPlan, Funding
from plans.services.exporting import export_actions, write_template
from plans.services.importing import import_plans
from plans.services.records import action_to_record, with_record_relations
from plans.spreadsheet.columns import SHEET_ACTIONS, SHEET_LISTS, SHEET_README
from plans.tests.conftest import fill_plan


def exported(actions, fmt) -> bytes:
    stream = io.BytesIO()
    export_actions(actions, stream, fmt)
    return stream.getvalue()


def snapshot(plan) -> dict:
    actions = with_record_relations(Action.objects.filter(plan=plan))
    return {
        a.code: {k: v for k, v in action_to_record(a).items() if k != "is_late"} for a in actions
    }


def write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_of_500_actions_changes_nothing(territory, tmp_path, fmt):
    plan = fill_plan(territory, 500)
    before = snapshot(plan)
    history_before = Action.history.count() + Funding.history.count()
    content = exported(Action.objects.filter(plan=plan), fmt)
    path = write(tmp_path, f"plan.{fmt}", content)

    report = import_plans(path, territory.phase_id, territory_id=territory.ti_id)

    assert report.count("unchanged") == 500
    assert report.count("created") == report.count("updated") == 0
    assert snapshot(plan) == before
    assert Action.history.count() + Funding.history.count() == history_before  # nothing written
    assert (
        exported(Action.objects.filter(plan=plan), fmt) == content or fmt == "xlsx"
    )  # xlsx embeds a timestamp


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_into_an_empty_plan_rebuilds_the_same_actions(territory, tmp_path, fmt):
    plan = fill_plan(territory, 60)
    before = snapshot(plan)
    path = write(tmp_path, f"plan.{fmt}", exported(Action.objects.filter(plan=plan), fmt))
    plan.actions.all().delete()

    report = import_plans(
        path, territory.phase_id
    )  # no --territoire: the territory column says where

    assert report.count("created") == 60
    assert snapshot(ActionPlan.objects.get(territory=territory)) == before


def test_import_upserts_by_code_and_leaves_absent_actions_alone(plan, tmp_path):
    content = exported(Action.objects.filter(plan=plan), "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    header = rows[0]
    title, code, status = (
        header.index("Intitulé"),
        header.index("Code de l'action"),
        header.index("Statut"),
    )
    kept = rows[1:4]
    kept[0][title] = "Titre changé"
    new = list(kept[1])
    new[code] = "NOUVEAU-1"
    new[status] = "bloque"  # a code instead of a label is accepted
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *kept, new])
    path = write(tmp_path, "partiel.csv", buffer.getvalue().encode())

    preview = import_plans(
        path, plan.territory.phase_id, territory_id=plan.territory.ti_id, dry_run=True
    )
    changes = preview.plans[0]
    assert [r["code"] for r in changes.created] == ["NOUVEAU-1"]
    assert [(c, fields) for c, _, fields in changes.updated_summary] == [
        (kept[0][code], ["Intitulé"])
    ]
    assert len(changes.unchanged) == 2 and len(changes.untouched) == plan.actions.count() - 3
    assert not Action.objects.filter(code="NOUVEAU-1").exists()  # dry run

    import_plans(path, plan.territory.phase_id, territory_id=plan.territory.ti_id)
    assert Action.objects.get(plan=plan, code=kept[0][code]).title == "Titre changé"
    assert Action.objects.get(plan=plan, code="NOUVEAU-1").status == "bloque"
    assert plan.actions.count() == 13
    history = Action.objects.get(plan=plan, code=kept[0][code]).history.first()
    assert history.history_change_reason == "Import du fichier partiel.csv"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_are_neutralised_in_exports_and_restored_on_import(plan, tmp_path, fmt):
    action = plan.actions.first()
    action.title = '=HYPERLINK("http://exemple.invalid","clic")'
    action.partners = "+33 1 23; @moi; -tiret"
    action.save()
    content = exported(Action.objects.filter(pk=action.pk), fmt)
    if fmt == "csv":
        row = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))[1]
    else:
        row = [
            c
            for c in next(
                load_workbook(io.BytesIO(content))[SHEET_ACTIONS].iter_rows(
                    min_row=2, values_only=True
                )
            )
        ]
    assert '\'=HYPERLINK("http://exemple.invalid","clic")' in row
    assert "'+33 1 23; @moi; -tiret" in row
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in row)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content))[SHEET_ACTIONS]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    report = import_plans(write(tmp_path, f"f.{fmt}", content), plan.territory.phase_id)
    assert report.count("unchanged") == 1


def test_template_has_lists_readme_and_data_validation():
    stream = io.BytesIO()
    write_template(stream)
    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    assert workbook.sheetnames == [SHEET_ACTIONS, SHEET_LISTS, SHEET_README]
    headers = [c.value for c in workbook[SHEET_ACTIONS][1]]
    assert headers[:4] == [
        "Territoire (identifiant)",
        "Territoire (nom)",
        "Code de l'action",
        "Intitulé",
    ]
    assert "Financement 5 — montant (€)" in headers and "Indicateur 3 — valeurs datées" in headers
    lists = {
        col[0].value: [c.value for c in col[1:] if c.value]
        for col in workbook[SHEET_LISTS].iter_cols()
    }
    assert lists["Axe"] == [
        "Transition écologique et énergétique",
        "Innovation",
        "Compétences (recrutement, formation)",
        "Mobilisation du foncier industriel",
    ]
    assert lists["Statut"][-1] == "Abandonné"
    validations = workbook[SHEET_ACTIONS].data_validations.dataValidation
    axis_letter = "E"
    axis_rule = next(
        v for v in validations if any(str(r).startswith(f"{axis_letter}2") for r in v.sqref.ranges)
    )
    assert axis_rule.type == "list" and axis_rule.formula1.startswith("'Listes'!$")
    readme = [row[0] for row in workbook[SHEET_README].iter_rows(values_only=True)]
    assert "SIRET du porteur" in readme and "Financement N — montant (€)" in readme


def test_cli_export_and_import(plan, tmp_path, capsys):
    output = tmp_path / "plans.xlsx"
    call_command(
        "export-plans", str(output), "--phase", "2023-2027", "--territoire", plan.territory.ti_id
    )
    assert "12 actions exportées" in capsys.readouterr().out  # the fixture plan has 12
    call_command("import-plans", str(output), "--phase", "2023-2027", "--dry-run")
    assert "0 action serait créée, 0 serait modifiée" in capsys.readouterr().out
    broken = tmp_path / "casse.csv"
    broken.write_text(
        "Territoire (identifiant);Code de l'action;Intitulé;Axe\n;A-1;Titre;Axe inconnu\n",
        encoding="utf-8",
    )
    before = Action.objects.count()
    with pytest.raises(CommandError, match="Import refusé : 2 problèmes"):
        call_command("import-plans", str(broken), "--phase", "2023-2027")
    err = capsys.readouterr().err
    assert "territoire manquant" in err and "valeur hors liste" in err
    assert Action.objects.count() == before


def test_cli_import_exit_code_is_non_zero(plan, tmp_path, shell):
    broken = tmp_path / "casse.csv"
    broken.write_text("Code de l'action;Intitulé\n", encoding="utf-8")
    code, _, err = shell("import-plans", str(broken), "--phase", "2023-2027")
    assert code == 1 and "Import refusé" in err


def test_demo_is_deterministic_and_marked(territory):
    from plans.services.demo import create_demo_plans

    first = create_demo_plans("2023-2027", territories=2, actions=8)
    assert first.count("created") == 16
    again = create_demo_plans("2023-2027", territories=2, actions=8)
    assert again.count("unchanged") == 16 and not again.changed
    assert all(t.startswith("[Exemple] ") for t in Action.objects.values_list("title", flat=True))
    assert Decimal(0) < sum(Action.objects.values_list("total_cost", flat=True))
