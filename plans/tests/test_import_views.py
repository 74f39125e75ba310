"""The plan import on the web: upload → paginated preview → confirmation (in the request, or as a
background task followed on its own page), cancellation, conflicts, and the purge of uploaded files."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from core.imports import ImportRefused, Problem
from core.models import ImportJob
from plans import views_spreadsheet
from plans.models import Action
from plans.services import importing
from plans.services.exporting import export_actions
from plans.tests.conftest import fill_plan


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / "private" / "imports" / "plans"


def url(name, territory, *args):
    return reverse(f"plans:{name}", args=[territory.phase_id, territory.ti_id, *args])


def exported(plan, retitle: dict[str, str] | None = None, name: str = "plan.csv") -> io.BytesIO:
    """The plan exported as CSV, with some titles changed in the file."""
    stream = io.BytesIO()
    export_actions(Action.objects.filter(plan=plan), stream, "csv")
    text = stream.getvalue().decode("utf-8-sig")
    for code, title in (retitle or {}).items():
        old = Action.objects.get(plan=plan, code=code).title
        text = text.replace(f";{old};", f";{title};", 1)
    upload = io.BytesIO(text.encode("utf-8-sig"))
    upload.name = name
    return upload


@pytest.fixture
def editor(client, plan, person):
    user = person(Role.CHEF_DE_PROJET, territory=plan.territory)
    client.force_login(user)
    return user


def first_code(plan) -> str:
    return plan.actions.order_by("code").first().code


def test_preview_then_confirm_then_no_replay(client, plan, editor, private_media):
    code = first_code(plan)
    answer = client.post(
        url("import", plan.territory), {"file": exported(plan, {code: "Titre du fichier"})}
    )
    assert answer.status_code == 302
    token = answer.url.rstrip("/").rsplit("/", 1)[-1]
    assert answer.url == url("import_preview", plan.territory, token)
    preview = client.get(answer.url).content.decode()
    assert "Actions modifiées : 1" in preview and "Titre du fichier" in preview
    assert (
        Action.objects.get(plan=plan, code=code).title != "Titre du fichier"
    )  # nothing written yet
    assert (private_media / token).exists()
    confirmed = client.post(url("import_confirm", plan.territory), {"token": token})
    assert confirmed.url == url("detail", plan.territory)
    assert Action.objects.get(plan=plan, code=code).title == "Titre du fichier"
    assert not list(private_media.iterdir())  # the file and its preview are deleted
    again = client.post(url("import_confirm", plan.territory), {"token": token}, follow=True)
    assert "Ce fichier n&#x27;est plus disponible" in again.content.decode()


def test_cancel_deletes_the_file(client, plan, editor, private_media):
    code = first_code(plan)
    answer = client.post(url("import", plan.territory), {"file": exported(plan, {code: "Autre"})})
    token = answer.url.rstrip("/").rsplit("/", 1)[-1]
    cancelled = client.post(url("import_cancel", plan.territory), {"token": token}, follow=True)
    assert "Import annulé : le fichier déposé est supprimé." in cancelled.content.decode()
    assert not list(private_media.iterdir())
    assert client.get(url("import_preview", plan.territory, token)).status_code == 302
    assert Action.objects.get(plan=plan, code=code).title != "Autre"


def test_errors_are_listed_and_the_file_deleted(client, plan, editor, private_media):
    upload = io.BytesIO("Code de l'action;Intitulé;Axe\nA-1;Titre;Axe inconnu\n".encode())
    upload.name = "casse.csv"
    response = client.post(url("import", plan.territory), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "valeur hors liste" in html and "Axe inconnu" in html
    assert not list(private_media.iterdir())


def test_a_file_beyond_the_row_cap_is_refused(client, plan, editor, settings):
    settings.IMPORT_MAX_ROWS = 5
    response = client.post(url("import", plan.territory), {"file": exported(plan)})  # 12 actions
    assert response.status_code == 400
    assert "trop de lignes : un import en compte 5 au plus" in response.content.decode()


def test_preview_is_paginated(client, territory, person):
    plan = fill_plan(territory, 250)
    client.force_login(person(Role.CHEF_DE_PROJET, territory=territory))
    answer = client.post(
        url("import", territory), {"file": exported(plan, {first_code(plan): "Neuf"})}
    )
    first = client.get(answer.url)
    html = first.content.decode()
    assert "lignes 1 à 100 sur 250" in html and html.count("<td>inchangée</td>") == 99
    last = client.get(answer.url + "?page=3").content.decode()
    assert "lignes 201 à 250 sur 250" in last
    assert len(html) < 200_000


def test_a_large_import_runs_as_a_background_task(client, plan, editor, person, monkeypatch):
    monkeypatch.setattr(views_spreadsheet, "BACKGROUND_ROWS", 5)
    code = first_code(plan)
    answer = client.post(
        url("import", plan.territory), {"file": exported(plan, {code: "En tâche"})}
    )
    assert "l'import se fait en arrière-plan" in client.get(answer.url).content.decode()
    token = answer.url.rstrip("/").rsplit("/", 1)[-1]
    confirmed = client.post(url("import_confirm", plan.territory), {"token": token})
    job = ImportJob.objects.get()
    assert confirmed.url == url("import_job", plan.territory, job.pk)
    # The immediate backend of the tests has run the task.
    assert Action.objects.get(plan=plan, code=code).title == "En tâche"
    page = client.get(confirmed.url).content.decode()
    assert "Terminé" in page and "1 modifiée ;" in page
    assert "hx-trigger" not in page  # finished: no more polling
    assert job.owner == editor
    # Another editor of the plan does not see someone else's import.
    client.force_login(person(Role.CHEF_DE_PROJET, territory=plan.territory))
    assert client.get(confirmed.url).status_code == 404


def test_job_page_polls_while_pending_and_shows_a_failure(client, plan, editor):
    job = ImportJob.objects.create(
        kind="plans",
        target=f"{plan.territory.phase_id}/{plan.territory.ti_id}",
        owner=editor,
        file_name="gros.xlsx",
        upload="imports/plans/" + "a" * 32 + ".xlsx",
        rows=5000,
    )
    page_url = url("import_job", plan.territory, job.pk)
    waiting = client.get(page_url).content.decode()
    assert "En attente" in waiting and 'hx-trigger="every 2s"' in waiting
    fragment = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="etat-import"') and "<html" not in fragment
    views_spreadsheet.run_plan_import.enqueue(str(job.pk))  # its file is gone
    failed = client.get(page_url).content.decode()
    assert "Échec" in failed and "Le fichier déposé n&#x27;est plus disponible" in failed


def test_a_refused_background_import_lists_its_problems(client, plan, editor, monkeypatch):
    monkeypatch.setattr(views_spreadsheet, "BACKGROUND_ROWS", 5)
    code = first_code(plan)
    answer = client.post(
        url("import", plan.territory), {"file": exported(plan, {code: "Plus tard"})}
    )
    token = answer.url.rstrip("/").rsplit("/", 1)[-1]

    def plan_changed(*args, **kwargs):
        raise ImportRefused([Problem("plan.csv", "le plan a changé entre-temps")])

    monkeypatch.setattr(importing, "apply_changes", plan_changed)
    page = client.post(url("import_confirm", plan.territory), {"token": token}, follow=True)
    html = page.content.decode()
    assert "Échec" in html and "Import refusé : 1 problème ;" in html and "le plan a changé" in html


# --- concurrent confirmations ----------------------------------------------------------------------------


def new_actions_csv(territory, name="nouvelles.csv") -> io.BytesIO:
    rows = "".join(f"{territory.ti_id};N-{n};Nouvelle {n};Innovation\r\n" for n in range(3))
    upload = io.BytesIO(
        ("Territoire (identifiant);Code de l'action;Intitulé;Axe\r\n" + rows).encode()
    )
    upload.name = name
    return upload


def test_two_confirmations_creating_the_same_codes_give_a_conflict_message(
    client, plan, editor, monkeypatch
):
    """Both previews say « 3 créées »; the second confirmation finds the codes taken by the first."""
    territory = plan.territory
    first = client.post(url("import", territory), {"file": new_actions_csv(territory)})
    second = client.post(url("import", territory), {"file": new_actions_csv(territory)})
    tokens = [answer.url.rstrip("/").rsplit("/", 1)[-1] for answer in (first, second)]
    real_compare = importing._compare

    def concurrent(*args, **kwargs):
        # The other confirmation writes between this one's comparison and its own write.
        stale = real_compare(*args, **kwargs)
        monkeypatch.setattr(importing, "_compare", real_compare)
        importing.import_plans(
            new_actions_csv(territory),
            territory.phase_id,
            territory_id=territory.ti_id,
            file_name="autre.csv",
        )
        return stale

    monkeypatch.setattr(importing, "_compare", concurrent)
    response = client.post(url("import_confirm", territory), {"token": tokens[0]}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "conflit : une autre personne ou un autre import a créé entre-temps" in html
    assert plan.actions.filter(code__startswith="N-").count() == 3  # the other import's, once
    # Confirming the second preview now: the codes exist, the import updates nothing and creates none.
    client.post(url("import_confirm", territory), {"token": tokens[1]})
    assert plan.actions.filter(code__startswith="N-").count() == 3


# --- purge -------------------------------------------------------------------------------------------------


def age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_purge_uploads_deletes_old_unconfirmed_files_only(plan, editor, private_media, capsys):
    private_media.mkdir(parents=True)
    old, recent, queued = (private_media / f"{c * 32}.csv" for c in "abc")
    for path in (old, recent, queued):
        path.write_text("x")
    age(old, 25)
    age(queued, 48)
    ImportJob.objects.create(
        kind="plans",
        target="x/y",
        owner=editor,
        file_name="q.csv",
        upload=f"imports/plans/{queued.name}",
    )
    call_command("purge-uploads")
    assert "1 fichier d'import supprimé." in capsys.readouterr().out
    assert not old.exists() and recent.exists() and queued.exists()
    call_command("purge-uploads", "--heures", "0")
    assert not recent.exists() and queued.exists()


def test_each_upload_purges_stale_files(client, plan, editor, private_media):
    private_media.mkdir(parents=True)
    stale = private_media / ("d" * 32 + ".csv")
    stale.write_text("x")
    age(stale, 30)
    client.post(url("import", plan.territory), {"file": exported(plan, {first_code(plan): "Z"})})
    assert not stale.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("octet.csv", b"Code de l'action;Intitul\x81\r\n", "l&#x27;octet 0x81 (ligne 1"),
        ("binaire.csv", bytes(range(256)), "fichier binaire (octets nuls)"),
        ("classeur.csv", b"PK\x03\x04" + bytes(100), "ce fichier est un classeur"),
    ],
)
def test_malformed_uploads_get_a_french_refusal_not_a_500(
    client, plan, editor, private_media, name, content, expected
):
    upload = io.BytesIO(content)
    upload.name = name
    response = client.post(url("import", plan.territory), {"file": upload})
    assert response.status_code == 400 and expected in response.content.decode()
    assert not list(private_media.iterdir())


def test_the_9_kb_workbook_is_refused_on_the_web(client, plan, editor, tmp_path):
    from plans.tests.test_bounded_reading import far_cell

    path = far_cell(tmp_path / "bombe.xlsx", "XFD1048576")
    with path.open("rb") as upload:
        response = client.post(url("import", plan.territory), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400 and "la limite est de 300 colonnes" in html


def test_a_file_full_of_errors_lists_the_first_500_and_counts_them_all(client, plan, editor):
    rows = "".join(f"{plan.territory.ti_id};E-{n};Titre;Axe inconnu\r\n" for n in range(600))
    upload = io.BytesIO(
        ("Territoire (identifiant);Code de l'action;Intitulé;Axe\r\n" + rows).encode()
    )
    upload.name = "erreurs.csv"
    response = client.post(url("import", plan.territory), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le fichier contient 600 erreurs" in html and "Seules les 500 premières" in html
    assert html.count("valeur hors liste") == 500
