"""« Étiqueter un fichier » in chromium: choose a file, the columns, send; follow; download."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_data")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_upload_follow_and_download(browser_context, client, tmp_path):
    person = get_user_model().objects.create_user(
        username="banque@example.org", email="banque@example.org", password="x" * 16
    )
    client.force_login(person)
    source = tmp_path / "projets.csv"
    source.write_text("Intitulé,Code INSEE\nUsine A,77284\nUsine B,02311\n", encoding="cp1252")

    def answer(client, method, path, request):
        """Chromium leaves a file's bytes out of the body it hands to a route (the part is sent
        empty): put them back where the browser named the file, and post the rest as it was."""
        if method != "POST" or path != "/etiquetage/":
            return None
        body = request.post_data_buffer
        part = b'filename="projets.csv"\r\nContent-Type: text/csv\r\n\r\n'
        assert part + b"\r\n" in body  # the browser sent the chosen file's name, empty
        body = body.replace(part, part + source.read_bytes(), 1)
        return client.generic("POST", path, body, request.headers["content-type"])

    page = browser_context(answer=answer).new_page()
    page.goto("/compte/")
    page.get_by_role("link", name="Étiqueter un fichier").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Étiqueter un fichier"

    page.get_by_label("Fichier à étiqueter").set_input_files(str(source))
    # The header's columns are offered (read in the browser, Windows-1252 here).
    options = page.locator("#colonnes-du-fichier option")
    options.nth(1).wait_for(state="attached")
    assert options.evaluate_all("os => os.map(o => o.value)") == ["Intitulé", "Code INSEE"]
    page.get_by_label("Phase du programme").select_option("2023-2027")
    page.get_by_label("Code commune (code INSEE, actuel ou ancien)").check()
    page.get_by_label("Colonne du code commune ou du SIREN").fill("Code INSEE")
    page.get_by_role("button", name="Lancer l'étiquetage").click()

    page.wait_for_selector("text=Terminé")
    assert page.get_by_role("heading", level=1).inner_text() == "Suivi de l'étiquetage"
    status = page.get_by_role("status").inner_text()
    assert "2 lignes lues, 2 dans un territoire" in status
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le fichier étiqueté").click()
    download = info.value
    assert download.suggested_filename == "projets-etiquete.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert [(r["Intitulé"], r["id_ti"]) for r in rows] == [
        ("Usine A", "ti-1108"),
        ("Usine B", "ti-3214"),
    ]
