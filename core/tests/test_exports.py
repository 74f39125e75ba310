"""Every CSV and XLSX the platform writes neutralises spreadsheet formulas, through core.exports.

One test per export, each fed a value an attacker would type (an action title, a name in an official
file): the cell must come out as text (prefixed with an apostrophe), never as a live formula.
"""

from __future__ import annotations

import copy
import csv
import io

import openpyxl
from django.urls import reverse

from accounts.models import Role
from accounts.services.roles import grant_role
from core.exports import FORMULA_TRIGGERS, neutralize, neutralize_row, unneutralize
from plans.models import Action, ActionPlan
from plans.services.exporting import export_actions
from public.services import mapdata
from territories.management.output import write_rows
from territories.models import Phase, Territory

HOSTILE = [
    '=HYPERLINK("http://attaquant.example","clic")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1)",
]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _live_formulas(cells) -> list[str]:
    """Text cells a spreadsheet would run (a negative number such as a longitude is just a number)."""
    return [
        c
        for c in cells
        if isinstance(c, str) and c.startswith(FORMULA_TRIGGERS) and not _is_number(c)
    ]


def _csv_cells(text: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def test_the_neutraliser_round_trips_and_leaves_other_values_alone():
    for value in HOSTILE + ["-5 %", "\tcaché", "\rretour"]:
        assert neutralize(value).startswith("'") and unneutralize(neutralize(value)) == value
    assert neutralize_row(["Meaux", 12, None, "=1"]) == ["Meaux", 12, None, "'=1"]


def test_command_line_csv(capsys):
    stream = io.StringIO()
    write_rows(stream, ["id", "nom"], [["ti-1", name] for name in HOSTILE], "csv")
    cells = _csv_cells(stream.getvalue(), ",")
    assert _live_formulas(cells) == [] and "'" + HOSTILE[0] in cells


def test_map_csv_download(real_data):
    phase = Phase.objects.get(code="2023-2027")
    features = copy.deepcopy(mapdata.phase_features(phase)[:2])
    features[0]["properties"]["nom"] = HOSTILE[0]
    features[1]["properties"]["nom"] = HOSTILE[1]
    cells = _csv_cells(mapdata.csv_text(features, "http://testserver"), ";")
    assert _live_formulas(cells) == [] and "'" + HOSTILE[1] in cells


def _hostile_plan() -> ActionPlan:
    territory = Territory.objects.defer("geometry").get(phase="2023-2027", ti_id="ti-1108")
    plan = ActionPlan.objects.create(territory=territory)
    for number, title in enumerate(HOSTILE, start=1):
        Action.objects.create(plan=plan, code=f"F-{number}", title=title, axis="innovation")
    return plan


def test_action_plan_csv_and_xlsx(real_data):
    actions = Action.objects.filter(plan=_hostile_plan())
    text = io.BytesIO()
    export_actions(actions, text, "csv")
    cells = _csv_cells(text.getvalue().decode("utf-8-sig"), ";")
    assert _live_formulas(cells) == [] and "'" + HOSTILE[0] in cells

    workbook = io.BytesIO()
    export_actions(actions, workbook, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook.getvalue()))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert _live_formulas(cells) == [] and "'" + HOSTILE[2] in cells


def test_journal_csv(client, real_data, django_user_model):
    _hostile_plan()
    admin = django_user_model.objects.create_user("admin@anct.test", "admin@anct.test", "x")
    grant_role(admin, Role.ADMINISTRATEUR)
    client.force_login(admin)
    response = client.get(reverse("accounts:journal_export"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    cells = _csv_cells(text.decode("utf-8-sig"), ";")
    assert _live_formulas(cells) == [] and "'" + HOSTILE[1] in cells


def test_offers_catalogue_csv_and_xlsx(real_data):
    from offers.models import Operator, Service
    from offers.services.catalogue import export_catalogue

    operator = Operator.objects.create(slug="op", name=HOSTILE[3])
    for number, title in enumerate(HOSTILE):
        Service.objects.create(
            slug=f"s-{number}",
            title=title,
            operator=operator,
            kind="pret",
            description=HOSTILE[0],
            amount_or_rate="-10 %",
            source="https://example.org/",
        )
    text = io.BytesIO()
    export_catalogue(Service.objects.all(), text, "csv")
    cells = _csv_cells(text.getvalue().decode("utf-8-sig"), ";")
    assert _live_formulas(cells) == [] and "'" + HOSTILE[1] in cells and "'-10 %" in cells

    workbook = io.BytesIO()
    export_catalogue(Service.objects.all(), workbook, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook.getvalue()))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert _live_formulas(cells) == [] and "'" + HOSTILE[2] in cells
    assert any(
        isinstance(c, str) and c.endswith(HOSTILE[3]) for c in cells
    )  # the read-me's operators


def test_batch_tagging_csv_and_xlsx(real_data, tmp_path):
    from python_calamine import CalamineWorkbook

    from territories.services.tagging import Columns, tag_file

    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["nom", "insee", HOSTILE[2]])
        writer.writerows([name, "77284", "-2.5"] for name in HOSTILE)
    tag_file(source, tmp_path / "out.csv", Columns(commune="insee"))
    cells = _csv_cells((tmp_path / "out.csv").read_text("utf-8"), ";")
    assert _live_formulas(cells) == [] and "'" + HOSTILE[0] in cells and "-2.5" in cells
    tag_file(source, tmp_path / "out.xlsx", Columns(commune="insee"))
    rows = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_index(0).to_python()
    cells = [cell for row in rows for cell in row]


def test_operators_ledger_csv_and_xlsx(client, real_data, django_user_model):
    from offers.tests import factories_ledger as make

    territory = Territory.objects.filter(phase_id="2023-2027").order_by("ti_id").first()
    for number, name in enumerate(HOSTILE):
        service = make.service(make.operator(f"hostile-{number}", name))
        make.request(service, territory, asked=100)
    national = django_user_model.objects.create_user("national@anct.test", "national@anct.test")
    grant_role(national, Role.EQUIPE_NATIONALE)
    client.force_login(national)
    response = client.get(reverse("offers-ledger:export", args=["csv"]))
    cells = _csv_cells(response.content.decode("utf-8-sig"), ";")
    assert _live_formulas(cells) == [] and "'" + HOSTILE[0] in cells
    response = client.get(reverse("offers-ledger:export", args=["xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert _live_formulas(cells) == [] and "'" + HOSTILE[1] in cells


def test_national_report_xlsx(client, real_data):
    from geo.models import Region

    Region.objects.filter(code="11").update(name=HOSTILE[0])
    Region.objects.filter(code="84").update(name=HOSTILE[3])
    response = client.get(reverse("reports:national-xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert _live_formulas(cells) == [] and "'" + HOSTILE[0] in cells and "'" + HOSTILE[3] in cells
