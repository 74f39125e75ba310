"""Press summaries of a région and a département: written from the data (real 2023-2027 registry)."""

from __future__ import annotations

import io

import pypdf
from django.utils.html import escape

from reports.services.press import build_press_summary, euros

from .conftest import SECRET_ACTION


def test_the_departement_summary_states_the_principal_and_touching_counts(client, real_data):
    response = client.get("/departements/77/communique/?format=txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode("utf-8")
    # The figures: Île-de-France 11; Seine-et-Marne 4 principal, 6 touching.
    assert (
        "Parmi les 11 territoires d'industrie retenus en Île-de-France pour la phase 2023-2027 "
        "du programme, on en trouve 4 en Seine-et-Marne." in text
    )
    assert "6 territoires ont au moins une commune en Seine-et-Marne" in text
    assert "dont 2 rattachés à titre principal à un autre département" in text
    assert "Par rapport à la phase 2019-2022 : 1 nouveau territoire" in text
    assert "- Nord Est 77 – Meaux (ti-1108) : Reconduit" in text
    assert "- Marne et Brie Industries (ti-1106) : Nouveau" in text
    page = client.get("/departements/77/communique/").content.decode()
    assert escape("on en trouve 4 en Seine-et-Marne") in page
    assert 'href="/departements/77/communique.pdf"' in page
    as_html = client.get("/departements/77/communique/?format=html").content.decode()
    assert escape("on en trouve 4 en Seine-et-Marne") in as_html
    asked_pdf = client.get("/departements/77/communique/?format=pdf")
    assert (
        asked_pdf.status_code == 302 and asked_pdf["Location"] == "/departements/77/communique.pdf"
    )
    assert client.get("/departements/77/communique/?format=zzz").status_code == 404


def test_the_region_summary_and_its_prepositions(client, real_data):
    text = client.get("/regions/11/communique/?format=txt").content.decode()
    assert "11 territoires d'industrie sont retenus en Île-de-France" in text
    assert "4 en Seine-et-Marne" in text and "dans les Yvelines" in text
    assert "dans les Hauts-de-Seine" in text
    nord = build_press_summary("departement", "59").text
    assert "retenus dans les Hauts-de-France" in nord and " dans le Nord." in nord
    reunion = build_press_summary("departement", "974").text
    assert (
        "retenus à La Réunion" in reunion and "Les Territoires d'industrie de La Réunion" in reunion
    )


def test_public_actions_only_and_unknown_areas(client, published_plan):
    text = client.get("/departements/77/communique/?format=txt").content.decode()
    assert "Leurs plans d'action validés comptent 5 actions publiques" in text  # 6, 1 confidential
    assert SECRET_ACTION not in text
    for url in (
        "/departements/xx/communique/",
        "/departements/xx/communique.pdf",
        "/regions/99/communique/",
        "/regions/99/communique.pdf",
    ):
        assert client.get(url).status_code == 404, url


def test_the_pdf_summary(client, real_data):
    response = client.get("/departements/77/communique.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "on en trouve 4 en Seine-et-Marne" in text and "Nord Est 77" in text


def test_amounts_in_words():
    assert euros(9_103_457) == "9,1 millions d'euros"
    assert euros(1_400_000) == "1,4 million d'euros"
    assert euros(2_000_000) == "2 millions d'euros"
    assert euros(12_345) == "12\u202f345 €"
