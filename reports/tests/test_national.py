"""The national report: every région's figures (XLSX, PDF), the national line from stats.services."""

from __future__ import annotations

import io

import openpyxl
import pypdf

HEADERS = ("Code", "Région", "Territoires (rattachés)", "Territoires (touchant la région)")


def _rows(content: bytes) -> dict:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Régions"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "Code")
    assert tuple(rows[header][:4]) == HEADERS
    return {row[1]: dict(zip(rows[header], row, strict=True)) for row in rows[header + 1 :]}


def test_the_national_xlsx_has_every_region_and_the_national_line(client, real_data):
    response = client.get("/rapport/national.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response.content)
    idf = rows["Île-de-France"]
    assert (idf["Code"], idf["Territoires (rattachés)"]) == ("11", 11)
    assert rows["Auvergne-Rhône-Alpes"]["Territoires (touchant la région)"] == 28
    national = rows.pop("France (total national)")
    assert national["Territoires (rattachés)"] == 183  # the 2023-2027 programme
    assert national["Territoires (touchant la région)"] is None  # not additive: left empty
    # Principal attribution: each territory in one région, so the régions add up to the nation.
    assert sum(row["Territoires (rattachés)"] for row in rows.values()) == 183
    assert len(rows) == 18


def test_the_national_pdf(client, published_plan):
    response = client.get("/rapport/national.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Les Territoires d'industrie par région" in text
    assert "Île-de-France" in text and "183 territoires" in text
