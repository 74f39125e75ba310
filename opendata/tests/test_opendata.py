"""The open data page and its files: layouts of the official files, a round trip of the 2023-2027
communes table, regeneration when the data change, no confidential action in the public file."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from opendata import services
from opendata.datasets import datasets, find
from opendata.dictionary import TABLES
from opendata.models import Build, BuildState
from territories.importers.readers import read_bytes
from territories.models import Territory
from territories.tests.csv_builders import PHASE2_GEOJSON, communes_rows, raw_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    """A media storage of the test's own (the storage follows MEDIA_ROOT's setting_changed)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _official_columns() -> dict[str, list[str]]:
    """The columns of ANCT's data.gouv.fr files, as ../shared/data/SOURCES.md describes them (the CSV
    files themselves are not in the shared data: their layout is read from their description)."""
    text = (Path(settings.TERRITOIRES_DATA_DIR) / "SOURCES.md").read_text(encoding="utf-8")
    found = {}
    for kind in ("communes", "groupements"):
        line = re.search(rf"^- {kind}: .*?columns `([^`]+)`", text, re.MULTILINE).group(1)
        found[kind] = [name.strip() for name in line.split(",")]
    return found


def _built(client, name: str) -> bytes:
    """The file as downloaded, built (tasks run at once in the tests) on the first request."""
    with_task = client.get(f"/donnees/fichiers/{name}")
    if with_task.status_code == 202:  # queued on commit: run it, as a worker would
        services.build(name)
        with_task = client.get(f"/donnees/fichiers/{name}")
    assert with_task.status_code == 200, with_task.content
    return b"".join(with_task.streaming_content)


@pytest.fixture(scope="module")
def files(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, bytes]:
    """The files of the real data that read-only tests look into, written once for the module by the
    page's own writers (the downloads serve these bytes: see the regeneration test). Public actions
    need a published plan: their tests build them."""
    directory, built = tmp_path_factory.mktemp("opendata"), {}
    with django_db_blocker.unblock():
        for dataset in datasets():
            if dataset.name.startswith("actions-publiques") or (
                "2019-2022" in dataset.name and not dataset.name.startswith("liste-ti")
            ):
                continue  # the 2019-2022 territories: the same writers as 2023-2027's
            dataset.write(directory / dataset.name)
            built[dataset.name] = (directory / dataset.name).read_bytes()
    return built


def test_tables_have_the_official_layouts_delimiter_and_encoding(files):
    official = _official_columns()
    for phase in ("2019-2022", "2023-2027"):
        for kind, prefix in (("communes", "liste-ti-com"), ("groupements", "liste-ti-grpt")):
            body = files[f"{prefix}-{phase}.csv"]
            assert not body.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
            text = body.decode("utf-8")
            assert text.split("\r\n", 1)[0] == ";".join(official[kind])
            # The platform's own importer recognises the file as ANCT's.
            parsed = read_bytes(body, f"{prefix}-{phase}.csv")
            assert parsed.format == f"csv-{kind}" and parsed.territories


def test_communes_table_of_2023_2027_round_trips_to_the_source_rows(files):
    body = files["liste-ti-com-2023-2027.csv"].decode("utf-8")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    source = communes_rows(raw_phase(PHASE2_GEOJSON))
    assert rows[0] == ["insee_com", "lib_com", "id_ti", "lib_ti"]
    assert len(rows) - 1 == len(source) == 18_664

    # The importer trims names (the source writes a few with a trailing no-break space, e.g.
    # « Terre Valserhône\xa0 »): the only difference allowed.
    def cells(row):
        return tuple(cell.strip() for cell in row)

    assert {cells(row) for row in rows[1:]} == {cells(row) for row in source}


def test_every_column_of_every_file_is_in_the_dictionary(files):
    for dataset in datasets():
        if dataset.name not in files:
            continue  # the same writers as 2023-2027's; actions below, with a published plan
        body = files[dataset.name]
        columns = list(TABLES[dataset.dictionary][1])
        if dataset.fmt == "CSV":
            header = body.decode("utf-8-sig").split("\r\n", 1)[0].split(";")
        elif dataset.fmt == "XLSX":
            sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
            header = list(next(sheet.iter_rows(values_only=True)))
        else:
            collection = json.loads(body)
            assert collection["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
            header = list(collection["features"][0]["properties"])
        assert header == columns, dataset.name


def test_territories_files_agree_and_xlsx_names_its_sheet(files):
    body = files["territoires-industrie-2023-2027.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    workbook = openpyxl.load_workbook(
        io.BytesIO(files["territoires-industrie-2023-2027.xlsx"]), read_only=True
    )
    assert workbook.sheetnames == ["Territoires"]
    sheet_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(sheet_rows) == len(rows) == 184  # header and the 183 territories
    by_id = {row[1]: row for row in rows[1:]}
    ti_1108 = next(row for row in sheet_rows if row[1] == "ti-1108")
    assert ti_1108[2] == by_id["ti-1108"][2] and ti_1108[13] == int(by_id["ti-1108"][13])


def test_lineage_table_links_each_territory_of_2023_2027(files):
    assert files["filiation-territoires.csv"].startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
    body = files["filiation-territoires.csv"].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    successors = {r["id_ti"] for r in rows if r["phase"] == "2023-2027"}
    assert len(successors) == 183
    new = [r for r in rows if r["statut"] == "nouveau"]
    assert new and all(r["id_ti_precedent"] == "" for r in new)
    dropped = [r for r in rows if r["devenir"] == "non-reconduit"]
    assert dropped and all(r["id_ti"] == "" for r in dropped)


def test_a_download_is_the_current_version_or_a_202_never_a_stale_file(client, real_data, media):
    from territories.models import Phase

    name = "liste-ti-grpt-2023-2027.csv"
    first = _built(client, name)
    old = Build.objects.get(dataset=name, state=BuildState.READY)
    # The data change: a phase re-imported (the territories part of the data stamp moves).
    phase = Phase.objects.get(code="2023-2027")
    from django.utils import timezone

    phase.imported_at = timezone.now()
    phase.save(update_fields=["imported_at"])
    waiting = client.get(f"/donnees/fichiers/{name}")
    assert waiting.status_code == 202 and "en préparation" in waiting.content.decode()
    assert f"/donnees/fichiers/{old.version}/{name}" in waiting.content.decode()
    page = client.get("/donnees/").content.decode()
    assert "En préparation" in page and "Version précédente" in page
    # The previous version stays downloadable at its own address, exactly as it was.
    previous = client.get(f"/donnees/fichiers/{old.version}/{name}")
    assert b"".join(previous.streaming_content) == first
    # The worker builds it: the address now serves the new version.
    services.build(name)
    current = client.get(f"/donnees/fichiers/{name}")
    assert current.status_code == 200 and current["ETag"] != f'"{old.version}"'
    assert current["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{name}"' in current["Content-Disposition"]
    page = client.get("/donnees/").content.decode()
    assert f'href="/donnees/fichiers/{name}"' in page and "641 lignes" in page


def test_a_missing_file_is_queued_once_and_built_by_the_task(
    client, real_data, media, django_capture_on_commit_callbacks
):
    name = "liste-ti-grpt-2023-2027.csv"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.get("/donnees/").content.decode()
    # Every file is wanted: one task each, queued when the request's transaction commits.
    assert len(callbacks) == len(datasets())
    assert page.count("En préparation") == len(datasets())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        waiting = client.get(f"/donnees/fichiers/{name}")
    assert waiting.status_code == 202 and waiting["Retry-After"] == "60"
    assert callbacks == []  # already requested by the page: not queued twice
    build = Build.objects.get(dataset=name)
    assert build.state == BuildState.PENDING
    # Its request became stale (a worker lost past its retries): the next visit queues it again,
    # and the task (run at once by the tests' backend) builds it.
    Build.objects.filter(pk=build.pk).update(requested_at=build.requested_at - services.STALE_AFTER)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get(f"/donnees/fichiers/{name}")
    assert len(callbacks) == 1
    build.refresh_from_db()
    assert build.state == BuildState.READY and build.rows == 641
    assert client.get(f"/donnees/fichiers/{name}").status_code == 200


def test_public_actions_file_leaves_out_confidential_actions(client, real_data, media):
    from offers.tests.factories import make_plan, territory

    plan = make_plan(
        territory("2023-2027", "ti-1108"),
        {"code": "A1", "title": "Action publique Alpha"},
        {"code": "A2", "title": "Action secrète Bravo", "confidential": True},
    )
    assert plan.publications.exists()
    csv_bytes = _built(client, "actions-publiques.csv")
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # a BOM: Excel shows the accents
    csv_text = csv_bytes.decode("utf-8-sig")
    assert "Action publique Alpha" in csv_text and "Action secrète Bravo" not in csv_text
    workbook = openpyxl.load_workbook(io.BytesIO(_built(client, "actions-publiques.xlsx")))
    cells = {cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row}
    assert "Action publique Alpha" in cells and "Action secrète Bravo" not in cells
    header = csv_text.split("\r\n", 1)[0].split(";")
    assert header == list(TABLES["actions"][1])


def test_unknown_files_and_versions_are_404(client, real_data, media):
    assert client.get("/donnees/fichiers/..%2Fsettings.py").status_code == 404
    assert (
        client.get("/donnees/fichiers/abc/territoires-industrie-2023-2027.csv").status_code == 404
    )
    assert find("../etc/passwd") is None


def test_every_file_neutralises_spreadsheet_formulas(client, real_data, media):
    from core.exports import FORMULA_TRIGGERS
    from offers.tests.factories import make_plan, territory

    hostile = '=HYPERLINK("http://attaquant.example","clic")'
    Territory.objects.filter(phase_id="2023-2027", ti_id="ti-1108").update(name="@SUM(A1)")
    make_plan(territory("2023-2027", "ti-1108"), {"code": "A1", "title": hostile})

    def live(cells):
        return [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_TRIGGERS)]

    for name in ("actions-publiques.csv", "liste-ti-grpt-2023-2027.csv"):
        text = _built(client, name).decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
        assert live(cells) == [] and ("'" + hostile in cells or "'@SUM(A1)" in cells), name
    book = openpyxl.load_workbook(io.BytesIO(_built(client, "actions-publiques.xlsx")))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert live(cells) == [] and "'" + hostile in cells
