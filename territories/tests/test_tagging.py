"""Batch tagging (`territoires tag`, territories/services/tagging): real data, every input format, the
rules of docs/tagging.md, and the point tagging checked against a brute-force shapely test."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import territories.services.tagging as tagging
from territories.models import Phase
from territories.services.spatial import point_lookup
from territories.services.tagging import Columns, points, tag_file, writing
from territories.services.tagging.spatial import PointTagger

MEAUX = ("ti-1108", "Nord Est 77 – Meaux")
MEAUX_POINT = ("2.878", "48.960")
FILAIN = "02311"  # merged into Pargny-et-Filain 02589 (ti-3214 in 2023-2027)
MEAUX_EPCI = "200072130"  # CA du Pays de Meaux
MEAUX_SIREN = "217702844"  # the commune of Meaux
SEA_OFF_BRITTANY = ("-4.95", "48.15")  # Iroise sea, ~20 km west of the Crozon peninsula
BERLIN = ("13.40", "52.52")


def write_csv(path: Path, rows, delimiter=";", encoding="utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def read_csv(path: Path, delimiter=";") -> list[dict]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=delimiter))


def read_xlsx(path: Path) -> list[dict]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


# --- commune codes and SIRENs --------------------------------------------------------------------------


def test_commune_codes_current_former_unknown(real_data, tmp_path):
    source = write_csv(
        tmp_path / "in.csv",
        [
            ["nom", "insee"],
            ["Meaux", "77284"],
            ["Filain (ancien code)", FILAIN],
            ["zéro perdu par un tableur", "1053"],  # Bourg-en-Bresse 01053
            ["inconnu", "99999"],
            ["mal formé", "ABC"],
            ["vide", ""],
        ],
    )
    report = tag_file(source, tmp_path / "out.csv", Columns(commune="insee"), phase="2023-2027")
    rows = read_csv(tmp_path / "out.csv")
    assert [r["nom"] for r in rows][:3] == [
        "Meaux",
        "Filain (ancien code)",
        "zéro perdu par un tableur",
    ]
    assert (rows[0]["id_ti"], rows[0]["lib_ti"], rows[0]["phase"]) == (*MEAUX, "2023-2027")
    assert rows[0]["motif"] == rows[0]["id_ti_proche"] == rows[0]["distance_km"] == ""
    assert rows[1]["id_ti"] == "ti-3214"
    assert rows[2]["motif"] == ""  # a known commune, tagged or not, has no motif
    assert [r["motif"] for r in rows[3:]] == [
        "code commune inconnu",
        "code commune mal formé",
        "code commune vide",
    ]
    assert all(r["id_ti"] == "" and r["phase"] == "2023-2027" for r in rows[3:])
    assert report.rows == 6 and report.untagged == 3


def test_default_phase_is_the_latest(real_data, tmp_path):
    source = write_csv(tmp_path / "in.csv", [["insee"], ["77284"]])
    tag_file(source, tmp_path / "out.csv", Columns(commune="insee"))
    assert read_csv(tmp_path / "out.csv")[0]["phase"] == "2023-2027"
    tag_file(source, tmp_path / "old.csv", Columns(commune="insee"), phase="2019-2022")
    assert read_csv(tmp_path / "old.csv")[0]["id_ti"] == "ti-1107"


def test_sirens_of_a_commune_and_of_an_epci(real_data, tmp_path):
    source = write_csv(
        tmp_path / "in.csv",
        [["siren"], [MEAUX_SIREN], [MEAUX_EPCI], ["200 072 130"], ["123456789"], ["12AB"]],
    )
    tag_file(source, tmp_path / "out.csv", Columns(siren="siren"), phase="2023-2027")
    rows = read_csv(tmp_path / "out.csv")
    assert rows[0]["id_ti"] == "ti-1108"
    # The CA du Pays de Meaux: every territory that lists it or holds one of its communes.
    assert "ti-1108" in rows[1]["id_ti"].split("|")
    assert rows[2]["id_ti"] == rows[1]["id_ti"]
    assert [r["motif"] for r in rows[3:]] == ["SIREN inconnu", "SIREN mal formé"]


# --- points ---------------------------------------------------------------------------------------------


def test_points_inside_at_sea_outside_france_and_invalid(real_data, tmp_path):
    source = write_csv(
        tmp_path / "in.csv",
        [
            ["id", "lon", "lat"],
            ["meaux", *MEAUX_POINT],
            ["mer", *SEA_OFF_BRITTANY],
            ["berlin", *BERLIN],
            ["virgule", "2,878", "48,960"],
            ["texte", "abc", "48.9"],
            ["latitude", "2.8", "95"],
            ["vide", "", ""],
        ],
        delimiter=",",
    )
    report = tag_file(
        source, tmp_path / "out.csv", Columns(lon="lon", lat="lat"), phase="2023-2027"
    )
    rows = {r["id"]: r for r in read_csv(tmp_path / "out.csv", delimiter=",")}
    assert (rows["meaux"]["id_ti"], rows["meaux"]["lib_ti"]) == MEAUX
    assert rows["virgule"]["id_ti"] == "ti-1108"
    sea = rows["mer"]
    expected = point_lookup(*map(float, SEA_OFF_BRITTANY), Phase.objects.get(code="2023-2027"))
    assert sea["id_ti"] == "" and sea["motif"] == ""
    assert sea["id_ti_proche"] == expected["plus_proche"]["id"]
    assert float(sea["distance_km"]) == pytest.approx(
        expected["plus_proche"]["distance_km"], abs=0.3
    )
    assert 0 < float(sea["distance_km"]) < 100
    assert rows["berlin"]["motif"] == "hors de France"
    assert rows["berlin"]["id_ti_proche"] == rows["berlin"]["distance_km"] == ""
    for name in ("texte", "latitude", "vide"):
        assert rows[name]["motif"] == "coordonnée invalide"
    assert report.motifs == {"hors de France": 1, "coordonnée invalide": 3}
    assert report.tagged == 2 and report.outside == 1


def test_several_processes_give_the_same_rows_in_order(real_data, tmp_path, monkeypatch):
    points = [
        (f"p{i}", f"{-4.5 + i * 0.37:.3f}", f"{43.0 + (i * 7 % 23) * 0.35:.3f}") for i in range(40)
    ]
    source = write_csv(tmp_path / "in.csv", [["id", "x", "y"], *points, ["bad", "x", "y"]])
    columns = Columns(lon="x", lat="y")
    tag_file(source, tmp_path / "one.csv", columns, workers=1)
    monkeypatch.setattr(tagging, "CHUNK_POINTS", 6)
    tag_file(source, tmp_path / "two.csv", columns, workers=2)
    one, two = read_csv(tmp_path / "one.csv"), read_csv(tmp_path / "two.csv")
    assert [r["id"] for r in two] == [p[0] for p in points] + ["bad"]
    assert one == two
    assert any(r["id_ti"] for r in one) and any(r["id_ti_proche"] for r in one)


_TAGGERS = {}


def _tagger():
    """The phase's polygons as the command loads them, once for every example."""
    if "2023-2027" not in _TAGGERS:
        labels, territories, regions = points.polygons(Phase.objects.get(code="2023-2027"))
        _TAGGERS["2023-2027"] = (labels, PointTagger(territories, regions))
    return _TAGGERS["2023-2027"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.floats(-5.2, 9.6, allow_nan=False), st.floats(41.3, 51.1, allow_nan=False)),
        min_size=1,
        max_size=60,
    )
)
def test_point_tagging_equals_brute_force(real_data, points):
    import numpy as np

    _, tagger = _tagger()
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    result = tagger.tag(lon, lat)
    found = {i: [] for i in range(len(points))}
    for point, territory in result["pairs"].T.tolist():
        found[point].append(territory)
    for i, (x, y) in enumerate(points):
        point = shapely.Point(x, y)
        brute = [t for t, polygon in enumerate(tagger.territories) if polygon.intersects(point)]
        assert found[i] == brute
        assert (result["nearest"][i] >= 0) == (not brute and not result["outside_france"][i])


def test_one_point_gets_the_nearest_territory_a_batch_gives_it(real_data):
    """A look-up at one point (the API, the map) finds its cell's segment on its own path
    (``Segments._cell_candidate``): the same territory and distance, to the last bit, as the same
    point in a batch, for the territories and the régions, each with its cells found afresh."""
    import numpy as np

    from territories.services.tagging.spatial import Segments

    _, tagger = _tagger()
    rng = np.random.default_rng(14)
    lon, lat = rng.uniform(-5.2, 9.6, 300), rng.uniform(41.3, 51.1, 300)
    for polygons in (tagger.territories, tagger.regions):
        owners, km = Segments(polygons).nearest_km(lon, lat)
        alone = Segments(polygons)
        found = [alone.nearest_km(lon[i : i + 1], lat[i : i + 1]) for i in range(len(lon))]
        assert [int(owner[0]) for owner, _ in found] == owners.tolist()
        assert [float(distance[0]) for _, distance in found] == km.tolist()


# --- formats --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_every_delimiter_and_encoding(real_data, tmp_path, delimiter, encoding):
    source = write_csv(
        tmp_path / "in.csv",
        [["Libellé", "Code INSEE"], ["Meaux, Seine-et-Marne", "77284"], ["Évry", "99999"]],
        delimiter,
        encoding,
    )
    tag_file(source, tmp_path / "out.csv", Columns(commune="Code INSEE"))
    raw = (tmp_path / "out.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    rows = read_csv(tmp_path / "out.csv", delimiter)
    assert list(rows[0]) == ["Libellé", "Code INSEE", *tagging.ADDED_COLUMNS]
    assert [r["Libellé"] for r in rows] == ["Meaux, Seine-et-Marne", "Évry"]
    assert [r["id_ti"] for r in rows] == ["ti-1108", ""]


def test_xlsx_in_and_out(real_data, tmp_path):
    import xlsxwriter

    source = tmp_path / "in.xlsx"
    workbook = xlsxwriter.Workbook(str(source))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["projet", "commune"])
    sheet.write_row(1, 0, ["Usine", 77284])  # a number: what a spreadsheet makes of a code
    sheet.write_row(2, 0, ["Atelier", FILAIN])
    sheet.write_string(3, 0, "=1+1 non")  # text that a spreadsheet would run as a formula
    sheet.write_string(3, 1, "99999")
    workbook.close()
    tag_file(source, tmp_path / "out.xlsx", Columns(commune="commune"))
    rows = read_xlsx(tmp_path / "out.xlsx")
    assert [r["projet"] for r in rows] == ["Usine", "Atelier", "'=1+1 non"]
    assert [r["id_ti"] for r in rows] == ["ti-1108", "ti-3214", ""]
    assert rows[2]["motif"] == "code commune inconnu"
    tag_file(source, tmp_path / "out.csv", Columns(commune="commune"))
    assert read_csv(tmp_path / "out.csv")[0]["commune"] == "77284"


def test_points_to_xlsx_write_distance_as_number(real_data, tmp_path):
    source = write_csv(tmp_path / "in.csv", [["x", "y"], list(SEA_OFF_BRITTANY)])
    tag_file(source, tmp_path / "out.xlsx", Columns(lon="x", lat="y"))
    row = read_xlsx(tmp_path / "out.xlsx")[0]
    assert isinstance(row["distance_km"], float) and row["distance_km"] > 0
    assert row["x"] == "-4.95"  # a plain number is left as it is, not « '-4.95 »


def test_formulas_neutralised_and_order_kept(real_data, tmp_path):
    rows = [["n", "note", "insee"]] + [
        [str(i), f'=HYPERLINK("http://x/{i}")' if i % 3 == 0 else f"ligne {i}", code]
        for i, code in enumerate(["77284", "99999", FILAIN, "", "1053"] * 5)
    ]
    source = write_csv(tmp_path / "in.csv", rows)
    tag_file(source, tmp_path / "out.csv", Columns(commune="insee"))
    out = read_csv(tmp_path / "out.csv")
    assert [r["n"] for r in out] == [str(i) for i in range(25)]
    assert out[0]["note"] == '\'=HYPERLINK("http://x/0")'
    assert out[1]["note"] == "ligne 1"


def test_xlsx_output_row_limit(real_data, tmp_path, monkeypatch):
    monkeypatch.setattr(writing, "XLSX_MAX_DATA_ROWS", 3)
    source = write_csv(tmp_path / "in.csv", [["insee"]] + [["77284"]] * 4)
    with pytest.raises(tagging.ImportRefused, match="au plus 3 lignes"):
        tag_file(source, tmp_path / "out.xlsx", Columns(commune="insee"))
    assert list(tmp_path.iterdir()) == [source]  # no output, no temporary file left
    tag_file(source, tmp_path / "out.csv", Columns(commune="insee"))  # CSV has no such limit
    assert len(read_csv(tmp_path / "out.csv")) == 4
    monkeypatch.setattr(writing, "XLSX_MAX_DATA_ROWS", 4)
    tag_file(source, tmp_path / "out.xlsx", Columns(commune="insee"))
    assert len(read_xlsx(tmp_path / "out.xlsx")) == 4


# --- the command ----------------------------------------------------------------------------------------


def test_command_success_and_report(real_data, tmp_path, shell):
    source = write_csv(tmp_path / "in.csv", [["insee"], ["77284"], ["99999"], ["75056"]])
    code, out, err = shell("tag", str(source), str(tmp_path / "out.csv"), "--commune-col", "insee")
    assert code == 0
    assert "Phase 2023-2027 : 3 lignes lues" in err
    assert "code commune inconnu : 1 ligne" in err
    assert len(read_csv(tmp_path / "out.csv")) == 3


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"insee\n77284\n", ["--commune-col", "code"], "colonne « code » absente"),
        (b"insee\n77284\n", ["--commune-col", "insee", "--phase", "1999"], "phase inconnue"),
        (b"\x00\x01\x02binaire", ["--commune-col", "insee"], "fichier binaire"),
        (b"id_ti;insee\nx;77284\n", ["--commune-col", "insee"], "déjà une colonne « id_ti »"),
        (b"insee\n77284;extra\n", ["--commune-col", "insee"], "2 cellules pour 1 colonnes"),
        (
            b"insee\n77284\n77284" + b";" * 300 + b"\n",
            ["--commune-col", "insee"],
            "ligne 3 : trop de colonnes (301)",
        ),
        (b"x;y\n1;2\n", ["--lon-col", "x"], "--lon-col et --lat-col vont ensemble"),
        (b"insee\n77284\n\x81\x8d\n", ["--commune-col", "insee"], "encodage non reconnu"),
        (b"\xff\xfei\x00n\x00\n\x00\x00", ["--commune-col", "insee"], "pas du texte en UTF-16"),
        (
            b"PK\x03\x04not a zip",
            ["--commune-col", "insee"],
            "fichier XLSX illisible (archive endommagée",
        ),
    ],
)
def test_command_refuses_bad_input_in_french(real_data, tmp_path, shell, content, args, message):
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    code, _, err = shell("tag", str(source), str(tmp_path / "out.csv"), *args)
    assert code == 1
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_command_missing_input(real_data, tmp_path, shell):
    code, _, err = shell(
        "tag", str(tmp_path / "absent.csv"), str(tmp_path / "out.csv"), "--commune-col", "c"
    )
    assert code == 1 and "fichier introuvable" in err and "Traceback" not in err


def test_tag_rows_for_callers_holding_rows(real_data, monkeypatch):
    """What a background task or the API calls: rows in (tuples from any iterable), rows out."""
    monkeypatch.setattr(tagging, "CHUNK_POINTS", 2)
    seen = []
    report = tagging.TagReport("2023-2027")
    header, rows = tagging.tag_rows(
        ["nom", "insee"],
        iter([("Meaux", "77284"), ("", ""), ("Filain", FILAIN), ("?", "00000"), ("x", "77284")]),
        Columns(commune="insee"),
        report=report,
        progress=seen.append,
    )
    out = list(rows)
    assert header == ["nom", "insee", *tagging.ADDED_COLUMNS]
    assert [r[:3] for r in out] == [
        ["Meaux", "77284", MEAUX[0]],
        ["Filain", FILAIN, "ti-3214"],
        ["?", "00000", ""],
        ["x", "77284", MEAUX[0]],
    ]
    assert out[0][3] == out[3][3] == MEAUX[1]
    assert out[2][-1] == "code commune inconnu"
    assert seen == [2, 4]
    assert (report.rows, report.empty, report.tagged, report.untagged) == (4, 1, 3, 1)


def test_a_point_on_a_shared_border_gets_every_territory(real_data, tmp_path):
    # A vertex the contours of three territories of 2023-2027 share (north-east of Paris).
    source = write_csv(
        tmp_path / "in.csv", [["x", "y"], ["2.615816348594603", "48.92476934563089"], MEAUX_POINT]
    )
    report = tag_file(source, tmp_path / "out.csv", Columns(lon="x", lat="y"))
    shared, meaux = read_csv(tmp_path / "out.csv")
    assert shared["id_ti"] == "ti-1104|ti-1106|ti-1108"
    assert shared["lib_ti"].count("|") == 2 and shared["lib_ti"].endswith("|" + MEAUX[1])
    assert (meaux["id_ti"], meaux["lib_ti"]) == MEAUX
    assert report.tagged == 2


# --- the list-at-a-time path (tag_file) against the row-by-row one (tag_rows + TableWriter.write) --------

TRICKY_ROWS = [
    ["n", "note", "insee", "x", "y"],
    ["1", "a;b", "77284", "2.878", "48.960"],
    ["2", '=HYPERLINK("x")', FILAIN, "-4.95", "48.15"],
    ["3", "ligne\nsur deux", "1053", "-1e-05", "45.0"],
    ["4", "-1e-05", "99999", "13.40", "52.52"],
    [],
    ["5", "", "77284"],  # short: padded
    ["6", "+3,5", "2A004", "2,878", "48,960", "", ""],  # long, extra cells empty
    ["", "", "", "", ""],
    ["7", ' "guillemets" ', "abc", "x", "y"],
    ["8", "@x", "77284", "2.615816348594603", "48.92476934563089"],
]


def tag_row_by_row(source: Path, expected: Path, columns: Columns) -> Path:
    """What the row-by-row path writes (tag_rows, then TableWriter.write for each row)."""
    table = tagging.open_table(source)
    header, rows = tagging.tag_rows(table.header, table.rows, columns, workers=1)
    writer = writing.TableWriter(expected, header, table.delimiter)
    for row in rows:
        writer.write(row)
    writer.finish()
    table.close()
    return expected


@pytest.mark.parametrize("columns", [Columns(commune="insee"), Columns(lon="x", lat="y")])
@pytest.mark.parametrize("output", ["out.csv", "out.xlsx"])
def test_lists_of_rows_write_what_row_by_row_writes(
    real_data, tmp_path, monkeypatch, columns, output
):
    """tag_file reads, tags and writes lists of rows, and appends each row's added cells as text
    encoded once: the file is the very file the row-by-row path writes, at every list boundary."""
    monkeypatch.setattr(tagging, "CHUNK_CODES", 3)
    monkeypatch.setattr(tagging, "CHUNK_POINTS", 3)
    source = write_csv(tmp_path / "in.csv", TRICKY_ROWS)
    report = tag_file(source, tmp_path / output, columns, workers=1)
    expected = tag_row_by_row(source, tmp_path / ("expected" + Path(output).suffix), columns)
    if output.endswith(".csv"):
        assert (tmp_path / output).read_bytes() == expected.read_bytes()
    else:
        assert read_xlsx(tmp_path / output) == read_xlsx(expected)
    assert (report.rows, report.empty) == (8, 2)
    out = read_csv(expected) if output.endswith(".csv") else read_xlsx(expected)
    assert out[1]["note"] == '\'=HYPERLINK("x")' and out[3]["note"] == "'-1e-05"
    assert out[2]["note"] == "ligne\nsur deux"


def test_a_quote_never_closed_refuses_the_file_instead_of_swallowing_its_last_rows(
    real_data, tmp_path
):
    """The walk of 2026-12-04: « 77001;"Ach » then three rows made one cell to the end of the file,
    and the job said « 2 lignes lues » of 5, with no word of the others."""
    source = tmp_path / "in.csv"
    source.write_bytes(b'insee;nom\r\n77284;Meaux\r\n77001;"Ach\r\n77002;Bar\r\n77003;Baz\r\n')
    with pytest.raises(tagging.ImportRefused) as refused:
        tag_file(source, tmp_path / "out.csv", Columns(commune="insee"))
    problem = refused.value.problems[0]
    assert "guillemet non refermé" in problem.message and problem.row == 3
    assert list(tmp_path.iterdir()) == [source]


def test_csv_error_beyond_the_first_list_names_its_line(real_data, tmp_path, monkeypatch):
    monkeypatch.setattr(tagging, "CHUNK_CODES", 2)
    rows = [["insee", "note"]] + [["77284", "ok"]] * 4 + [["77284", "x" * 140_000]]
    source = write_csv(tmp_path / "in.csv", rows)
    with pytest.raises(tagging.ImportRefused) as refused:
        tag_file(source, tmp_path / "out.csv", Columns(commune="insee"))
    problem = refused.value.problems[0]
    assert (problem.row, "cellule trop longue" in problem.message) == (6, True)
    assert list(tmp_path.iterdir()) == [source]


def test_an_overlong_shared_string_is_refused_before_calamine_opens_the_file(tmp_path, monkeypatch):
    # Opening a workbook makes calamine load its shared strings: one 300 MB string in a 311 KB file
    # cost 910 MB of memory when the guard ran after the opening. The guard now comes first.
    import zipfile

    from core.imports import ImportRefused
    from territories.services.tagging import reading

    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets/></workbook>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>")
        archive.writestr(
            "xl/sharedStrings.xml", "<sst><si><t>" + "A" * 1_000_000 + "</t></si></sst>"
        )

    def never_opened(*args, **kwargs):
        raise AssertionError("calamine a ouvert le classeur avant le contrôle")

    monkeypatch.setattr("python_calamine.CalamineWorkbook.from_path", never_opened)
    with pytest.raises(ImportRefused) as refused:
        reading.open_table(path)
    assert "dépasse 131 072 caractères" in str(refused.value)


# Lists of plain lines (no quote, no formula, every row full) are copied as they were read
# (reading.Lines); the others, and every list from the first quote on, go through the csv module.
PLAIN_THEN_TRICKY = [
    ["n", "note", "insee", "x", "y"],
    ["1", "a", "77284", "2.878", "48.960"],
    ["2", "  b ", FILAIN, "-4.95", "48.15"],  # negative numbers: no formula
    ["3", "+3,5", "1053", "-0.5", "+45"],
    ["4", "-", "99999", "13.40", "52.52"],  # a formula trigger alone
    ["5", "x", "77284"],  # short
    ["6", "x", "2A004", "2,878", "48,960", "", ""],  # long, extra cells empty
    ["7", "ok", "77284", "2.6", "48.9"],
    [],
    ["8", "ok", "", "", ""],
    ["@9", "ok", "77284", "2.6", "48.9"],  # a formula starting a list
    ["10", "ok", "abc", "-1e-05", "y"],  # not a plain number: neutralised
    ["11", "\tz", "77284", "2.6", "48.9"],  # a tab starting a cell
    ["12", "--4", "77284", "2.6", "48.9"],  # a sign before a number's sign: neutralised
    ["13", "=1+2", "77284", "2.6", "48.9"],
    ["14", "ok", "77284", "2.6", "48.9"],
    ["15", 'dit "oui"', "77284", "2.8", "48.9"],  # a quote: the csv module from here on
    ["16", "ligne\nsur deux", "77284", "2.8", "48.9"],
    ["17", "a;b", "77284", "2.8", "48.9"],
    ["18", "ok", "77284", "2.8", "48.9"],
]


@pytest.mark.parametrize("columns", [Columns(commune="insee"), Columns(lon="x", lat="y")])
@pytest.mark.parametrize("line_end", ["\r\n", "\n", "\r"])
def test_plain_lines_are_copied_as_the_csv_module_writes_them(
    real_data, tmp_path, monkeypatch, columns, line_end
):
    monkeypatch.setattr(tagging, "CHUNK_CODES", 3)
    monkeypatch.setattr(tagging, "CHUNK_POINTS", 3)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator=line_end).writerows(PLAIN_THEN_TRICKY)
    source = tmp_path / "in.csv"
    source.write_bytes(buffer.getvalue().encode())
    chunks = list(tagging.open_table(source).line_chunks(3))
    kinds = [type(chunk).__name__ for chunk in chunks]
    report = tag_file(source, tmp_path / "out.csv", columns, workers=1)
    expected = tag_row_by_row(source, tmp_path / "expected.csv", columns)
    assert (tmp_path / "out.csv").read_bytes() == expected.read_bytes()
    if line_end == "\r":  # a lone CR ends a line: the csv module reads the whole file
        # (the csv module of Python 3.11 writes "ligne\nsur deux" unquoted there: two rows)
        assert "Lines" not in kinds and report.rows == 19
        return
    assert kinds == ["Lines", "list", "list", "Lines", "Lines", "list", "list"]
    assert (chunks[0].formulas, chunks[3].formulas, chunks[4].formulas) == ([], [0, 1, 2], [0, 1])
    assert (report.rows, report.empty) == (18, 1)
    out = read_csv(expected)
    assert [row["note"] for row in out[2:4]] == ["+3,5", "'-"]
    assert (out[8]["n"], out[9]["x"], out[10]["note"], out[11]["note"], out[12]["note"]) == (
        "'@9",
        "'-1e-05",
        "'\tz",
        "'--4",
        "'=1+2",
    )
    assert out[15]["note"] == "ligne\nsur deux" and out[16]["note"] == "a;b"


def test_code_index_file_is_read_back_until_the_data_changes(
    real_data, tmp_path, settings, django_assert_max_num_queries
):
    from django.utils import timezone

    from territories.services.tagging import joining

    settings.MEDIA_ROOT = tmp_path
    phase = Phase.objects.get(code="2023-2027")
    built = joining.CodeIndex.of(phase)
    path = joining.index_path(phase)
    assert path.exists()
    with django_assert_max_num_queries(3):  # the data version and the geography's stamp: no index
        read = joining.CodeIndex.of(phase)
    assert (read.communes, read.sirens) == (built.communes, built.sirens)
    assert read.commune("77284") == (MEAUX, "")
    assert read.commune(FILAIN)[0][0] == "ti-3214"  # former codes, from the COG, still found
    assert read.siren(MEAUX_EPCI)[0][0].split("|").count(MEAUX[0]) == 1
    path.write_bytes(b"\x00garbage")  # a damaged file is built again
    assert joining.CodeIndex.of(phase).communes == built.communes
    Phase.objects.filter(pk=phase.pk).update(imported_at=timezone.now())  # a phase import
    assert joining.index_path(phase) != path
    joining.CodeIndex.of(phase)
    assert [p.name for p in path.parent.iterdir()] == [joining.index_path(phase).name]


def test_points_with_no_contour_loaded_are_outside_france_not_an_error():
    """A phase or a geography not loaded yet (no polygon at all) answers, it does not fail."""
    import numpy as np

    result = PointTagger([], []).tag(np.array([2.878]), np.array([48.96]))
    assert result["pairs"].shape == (2, 0)
    assert result["outside_france"].tolist() == [True] and result["nearest"].tolist() == [-1]
