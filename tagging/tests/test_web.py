"""« Étiqueter un fichier »: upload, background task (immediate in tests), follow-up, download, refusals,
retention (docs/tagging.md « Depuis le site »)."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from accounts.models import Role
from accounts.services.roles import grant_role
from tagging import services
from tagging.models import TaggingJob
from tagging.tests.factories import done_job

ADDED = ["id_ti", "lib_ti", "phase", "id_ti_proche", "distance_km", "motif"]
COMMUNES_CSV = "nom;insee\r\nMeaux;77284\r\nInconnue;99999\r\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def _user(email: str, role=None):
    user = get_user_model().objects.create_user(username=email, email=email, password="x" * 16)
    if role:
        grant_role(user, role)
        user.refresh_from_db()
    return user


@pytest.fixture
def person(real_data):
    return _user("personne@example.org")


def _post(client, content: bytes, name="communes.csv", **fields):
    data = {"phase": "2023-2027", "mode": "commune", "column": "insee", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post("/etiquetage/", data)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _files(media: Path) -> list[str]:
    root = media / "private" / "tagging"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_upload_page_asks_to_sign_in(real_data, client):
    response = client.get("/etiquetage/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_a_person_without_role_tags_a_csv_and_downloads_it(person, client, media):
    client.force_login(person)
    page = client.get("/etiquetage/")
    assert "Étiqueter un fichier" in page.content.decode()
    response = _post(client, COMMUNES_CSV.encode())
    job = TaggingJob.objects.get(owner=person)
    assert response.status_code == 302 and response["Location"] == f"/etiquetage/{job.pk}/"
    assert job.state == TaggingJob.State.DONE
    assert job.rows_done == 2

    follow_up = _text(client.get(f"/etiquetage/{job.pk}/"))
    assert "Terminé" in follow_up
    assert "2 lignes lues, 1 dans un territoire" in follow_up
    assert "code commune inconnu : 1 ligne" in follow_up
    assert f'href="/etiquetage/{job.pk}/fichier/"' in follow_up
    assert "hx-get" not in follow_up  # finished: the page stops asking

    download = client.get(f"/etiquetage/{job.pk}/fichier/")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Cache-Control"] == "private, no-store"
    assert "communes-etiquete.csv" in download["Content-Disposition"]
    body = b"".join(download.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert list(rows[0]) == ["nom", "insee", *ADDED]
    assert (rows[0]["nom"], rows[0]["id_ti"], rows[0]["phase"]) == ("Meaux", "ti-1108", "2023-2027")
    assert rows[1]["id_ti"] == "" and rows[1]["motif"] == "code commune inconnu"
    # The input is deleted once tagged; the result stays until the retention.
    assert _files(media) == ["communes-etiquete.csv"]


def test_xlsx_of_points_gives_an_xlsx(person, client):
    import xlsxwriter

    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream)
    sheet = book.add_worksheet()
    for r, row in enumerate([["site", "lon", "lat"], ["Usine de Meaux", 2.878, 48.96]]):
        sheet.write_row(r, 0, row)
    book.close()
    client.force_login(person)
    _post(
        client,
        stream.getvalue(),
        name="sites.xlsx",
        mode="point",
        column="",
        lon_column="lon",
        lat_column="lat",
    )
    job = TaggingJob.objects.get(owner=person)
    assert job.state == TaggingJob.State.DONE, job.summary
    download = client.get(f"/etiquetage/{job.pk}/fichier/")
    path = Path(services.private_storage().path(job.result))
    assert path.name == "sites-etiquete.xlsx"
    assert b"".join(download.streaming_content) == path.read_bytes()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["site", "lon", "lat", *ADDED]
    assert rows[1][3] == "ti-1108"


def test_another_person_gets_403_an_administrator_may_help(person, client):
    job = done_job(person)
    client.force_login(_user("autre@example.org"))
    assert client.get(f"/etiquetage/{job.pk}/").status_code == 403
    assert client.get(f"/etiquetage/{job.pk}/fichier/").status_code == 403
    client.force_login(_user("admin@example.org", Role.ADMINISTRATEUR))
    assert client.get(f"/etiquetage/{job.pk}/fichier/").status_code == 200
    client.logout()
    assert client.get(f"/etiquetage/{job.pk}/fichier/").status_code == 302  # to sign in


def test_unknown_job_is_404(person, client):
    client.force_login(person)
    assert client.get("/etiquetage/3f2a8c1e-0000-4000-8000-000000000000/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "fields", "message"),
    [
        (
            "binaire.csv",
            b"\x00\x01\x02\x03PK\xff\xfe\x00" * 50,
            {},
            "fichier binaire",
        ),
        ("communes.csv", COMMUNES_CSV.encode(), {"column": "code"}, "colonne « code » absente"),
        ("communes.pdf", b"%PDF-1.4", {}, "n'est ni un CSV (.csv) ni un classeur XLSX"),
        ("vide.csv", b"", {}, "est vide"),
        (
            "points.csv",
            b"lon;lat\n2.8;48.9\n",
            {"mode": "point", "lon_column": "lon", "lat_column": ""},
            "Indiquez la colonne de la latitude",
        ),
        ("communes.csv", COMMUNES_CSV.encode(), {"phase": "1999-2000"}, "choix valide"),
    ],
    ids=["binaire", "colonne-absente", "extension", "vide", "latitude-manquante", "phase"],
)
def test_a_refused_file_says_why_in_french_and_makes_no_job(
    person, client, media, name, content, fields, message
):
    client.force_login(person)
    response = _post(client, content, name=name, **fields)
    assert response.status_code == 400
    assert message in _text(response)
    assert not TaggingJob.objects.exists()
    assert _files(media) == []


def test_too_big_a_file_is_refused(person, client, settings, media):
    settings.TAG_UPLOAD_MAX_BYTES = 20
    client.force_login(person)
    response = _post(client, COMMUNES_CSV.encode())
    assert response.status_code == 400
    text = _text(response)
    size = len(COMMUNES_CSV.encode())
    assert f"« communes.csv » pèse {size} octets : la taille maximale est de 20 octets." in text
    assert not TaggingJob.objects.exists()
    assert _files(media) == []


def test_a_file_refused_while_tagging_fails_with_its_reason(person, client, media):
    client.force_login(person)
    _post(client, b"nom;insee\nMeaux;77284\nTrop;77284;en trop\n")
    job = TaggingJob.objects.get(owner=person)
    assert job.state == TaggingJob.State.FAILED
    page = _text(client.get(f"/etiquetage/{job.pk}/"))
    assert "Échec" in page and "aucun fichier n'a été écrit" in page
    assert "3 cellules pour 2 colonnes" in page
    # The file is named as it was sent, not as it was stored (« entree.csv », walk of 2026-12-04).
    assert "communes.csv" in page and "entree" not in page
    assert client.get(f"/etiquetage/{job.pk}/fichier/").status_code == 404
    assert _files(media) == []


def test_at_most_three_jobs_waiting(person, client):
    for _ in range(services.MAX_ACTIVE_JOBS):
        TaggingJob.objects.create(owner=person, file_name="x.csv", phase="2023-2027")
    client.force_login(person)
    response = _post(client, COMMUNES_CSV.encode())
    assert response.status_code == 400
    assert "vous avez déjà 3 fichiers en attente" in _text(response)
    assert TaggingJob.objects.count() == services.MAX_ACTIVE_JOBS


def test_a_running_job_shows_its_progress_and_keeps_asking(person, client):
    job = TaggingJob.objects.create(
        owner=person,
        file_name="gros.csv",
        phase="2023-2027",
        commune_column="insee",
        state=TaggingJob.State.RUNNING,
        started_at=timezone.now(),
        rows_done=1_200_000,
    )
    client.force_login(person)
    page = _text(client.get(f"/etiquetage/{job.pk}/"))
    assert "En cours" in page and "lignes traitées" in page
    assert "1\u00a0200\u00a0000" in page or "1 200 000" in page
    assert 'hx-get="/etiquetage/' in page
    fragment = client.get(f"/etiquetage/{job.pk}/", headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="etat-etiquetage"')


def test_results_are_purged_after_the_retention(person, client, media):
    old = done_job(person)
    recent = done_job(person)
    TaggingJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - services.RESULT_RETENTION - timedelta(hours=1)
    )
    out = io.StringIO()
    call_command("purge-uploads", stdout=out)
    assert "1 étiquetage expiré (fichiers supprimés)." in out.getvalue()
    assert _files(media) == ["communes-etiquete.csv"]  # the recent one's
    old.refresh_from_db()
    assert old.result == "" and old.purged_at is not None
    client.force_login(person)
    assert client.get(f"/etiquetage/{old.pk}/fichier/").status_code == 404
    assert "a été supprimé le" in _text(client.get(f"/etiquetage/{old.pk}/"))
    assert client.get(f"/etiquetage/{recent.pk}/fichier/").status_code == 200


def test_my_space_lists_my_recent_jobs(person, client):
    job = done_job(person)
    done_job(_user("autre@example.org"), content="x")
    client.force_login(person)
    page = client.get("/compte/").content.decode()
    assert "Étiquetage de fichiers" in page
    assert f'href="/etiquetage/{job.pk}/"' in page
    assert page.count('href="/etiquetage/') == 2  # my job, and the link to the upload page


# --- the task: retries, a lost worker, a task failed for good -------------------------------------------


def _queued(person, media, content=COMMUNES_CSV) -> TaggingJob:
    """A job whose file is stored but whose task has not run (as with the database backend)."""
    job = TaggingJob.objects.create(
        owner=person, file_name="communes.csv", phase="2023-2027", commune_column="insee"
    )
    job.upload = f"tagging/{job.pk}/entree.csv"
    path = media / "private" / job.upload
    path.parent.mkdir(parents=True)
    path.write_text(content)
    job.save()
    return job


def test_the_task_retries_three_times_with_a_long_lease():
    from core.tasks import policy_for

    policy = policy_for("tagging.tasks.run_tagging_job")
    assert (policy.max_attempts, policy.backoff_seconds) == (3, 60)
    assert policy.lease_seconds == 3600


def test_a_job_taken_up_after_a_lost_worker_starts_over_and_a_finished_one_is_left(person, media):
    job = _queued(person, media)
    TaggingJob.objects.filter(pk=job.pk).update(
        state=TaggingJob.State.RUNNING, rows_done=123, started_at=timezone.now()
    )
    assert services.run_job(str(job.pk)) == TaggingJob.State.DONE
    job.refresh_from_db()
    assert job.rows_done == 2 and job.upload == ""
    result = (media / "private" / job.result).read_text()
    assert "ti-1108" in result
    # Run again (a duplicate delivery): nothing changes, the result stays.
    assert services.run_job(str(job.pk)) == "déjà traité"
    assert (media / "private" / job.result).read_text() == result


def test_a_task_failed_after_its_attempts_shows_the_job_failed(person, client, media):
    from django_tasks_db.models import DBTaskResult, get_date_max

    job = _queued(person, media)
    task = DBTaskResult.objects.create(
        task_path="tagging.tasks.run_tagging_job",
        args_kwargs={"args": [str(job.pk)], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
        status="FAILED",
        worker_ids=["a", "b", "c"],
        exception_class_path="builtins.OSError",
    )
    TaggingJob.objects.filter(pk=job.pk).update(state=TaggingJob.State.RUNNING, task_id=task.pk)
    client.force_login(person)
    page = _text(client.get(f"/etiquetage/{job.pk}/"))
    assert "Échec" in page and "après 3 tentatives" in page
    job.refresh_from_db()
    assert job.state == TaggingJob.State.FAILED
