"""The territory sheet: the HTML page and the PDF (one rendering), public data only."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pypdf
import pytest
from django.test import override_settings
from django.utils.html import escape

from reports.services import documents
from reports.services.pdf import BASE_URL, FetchRefused, _fetcher, static_path
from reports.services.svgmap import territory_map

from .conftest import SECRET_ACTION, SECRET_MEMBER, public_titles

SHEET = "/territoires/2023-2027/ti-1108/fiche/"
SHEET_PDF = "/territoires/2023-2027/ti-1108/fiche.pdf"


def test_the_pdf_sheet_of_ti_1108_is_a_pdf_naming_it_and_served_from_its_file(client, ti_1108):
    response = client.get(SHEET_PDF)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "Nord Est 77" in text and "Meaux" in text and "Seine-et-Marne" in text
    # Kept as a file for this data version: the second request reads it, builds nothing.
    files = list(documents.cache_dir().glob("fiche-2023-2027-ti-1108.*.pdf"))
    assert len(files) == 1
    again = client.get(SHEET_PDF)
    assert b"".join(again.streaming_content) == body
    assert again["ETag"] == f'"{documents.current_version()}"'


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_without_a_worker_the_pdf_is_in_preparation_and_queued_once(client, ti_1108):
    from django_tasks_db.models import DBTaskResult

    for _ in range(2):
        response = client.get(SHEET_PDF)
        assert response.status_code == 202
        html = response.content.decode()
        assert "Document en préparation" in html and "reports/pending.js" in html
    queued = DBTaskResult.objects.filter(task_path="reports.tasks.build_pdf")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [
        "fiche",
        ["2023-2027", "ti-1108"],
    ]
    assert client.get("/territoires/2023-2027/ti-0000/fiche.pdf").status_code == 404
    assert queued.count() == 1


def test_the_sheet_shows_public_actions_and_contacts_only(client, published_plan, contacts_77):
    page = client.get(SHEET).content.decode()
    # The PDF's HTML, without the rendering (its text is what WeasyPrint lays out).
    pdf_html = documents.render_html(documents.Document("fiche", ("2023-2027", "ti-1108")), "v")
    for html in (page, pdf_html):
        assert "Nord Est 77" in html and "Plan d'action" in html
        for title in public_titles(published_plan):
            assert escape(title) in html
        assert SECRET_ACTION not in html
        # stats.services' public count: 6 actions, 1 confidential.
        assert "<dt>Actions publiques du plan</dt><dd>5</dd>" in html
        assert "Mission Bravo" in html and "Publique Echo" in html
        for value in SECRET_MEMBER.values():
            assert value not in html and escape(value) not in html
        assert "Seine-et-Marne" in html and "<svg" in html


def test_unknown_territory_is_404(client, real_data):
    assert client.get("/territoires/2023-2027/ti-0000/fiche/").status_code == 404
    assert client.get("/territoires/1999-2000/ti-1108/fiche/").status_code == 404


def test_the_pdf_renderer_reads_static_files_only():
    assert static_path(BASE_URL + "static/reports/pdf.css").endswith(
        "reports/static/reports/pdf.css"
    )
    assert static_path(BASE_URL + "static/dsfr/dist/fonts/Marianne-Regular.woff2")
    refused = [
        "https://example.org/static/reports/pdf.css",
        "http://pdf.invalid/static/reports/pdf.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        BASE_URL + "static/../../../etc/passwd",
        BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        BASE_URL + "media/reports/x.pdf",
        BASE_URL + "static/npm/axe-core/axe.min.js",  # not a served static file
    ]
    fetcher = _fetcher()
    for url in refused:
        assert static_path(url) is None, url
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)


def test_the_map_keeps_shapes_true_and_stays_small(ti_1108):
    # A 1° × 0.5° box at 60° N is about a square on the ground (cos 60° = 0.5): drawn square.
    square = {
        "type": "Polygon",
        "coordinates": [[[10, 60], [11, 60], [11, 60.5], [10, 60.5], [10, 60]]],
    }
    drawn = ET.fromstring(territory_map(square, label="Carré").svg)
    outline = drawn.findall("{http://www.w3.org/2000/svg}path")[-1].get("d")
    numbers = [float(n) for n in re.findall(r"-?[0-9.]+", outline)]
    xs, ys = numbers[0::2], numbers[1::2]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert abs(width - height) <= 0.015 * height  # the box is 1 % narrower at 60.5° than at 60°
    sheet_map = territory_map(
        ti_1108.geometry, [d.geometry for d in ti_1108.departements.all()], "Nord Est 77"
    )
    root = ET.fromstring(sheet_map.svg)
    assert root.get("viewBox") == f"0 0 {sheet_map.width} {sheet_map.height}"
    assert root.get("role") == "img" and "Nord Est 77" in root.get("aria-label")
    assert len(sheet_map.svg) < 40_000  # simplified: the source polygon has thousands of vertices
    assert territory_map(None) is None
