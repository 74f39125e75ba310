"""File tagging from the site: store the upload, check it, queue the job, run it, purge old files.

The tagging itself is territories.services.tagging (the `territoires tag` command's service); this
module only adds what the site needs around it: the private storage, the job row, its progress.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from core.imports import ImportRefused, refuse
from core.uploads import private_storage
from tagging.models import TaggingJob
from territories.services.tagging import Columns, tag_file
from territories.services.tagging.reading import open_table

logger = logging.getLogger(__name__)

# Under the private storage (MEDIA_ROOT/private): tagging/<job id>/ holds the input and the result.
FOLDER = "tagging"
# A person has at most this many jobs waiting or running: the queue is shared by every person and a
# large file takes minutes (docs/tagging.md); a fourth waits until one finishes.
MAX_ACTIVE_JOBS = 3
# The result stays downloadable this long after the job finished; then `territoires purge-uploads`
# deletes the job's files (the row stays, saying so). A week covers a file asked on Friday and
# fetched on Monday; the person can tag it again at any time.
RESULT_RETENTION = timedelta(days=7)
# The progress written to the job's row at most once per this many seconds (besides tag_rows' own
# step of 100,000 rows): a few writes a minute, whatever the file's size.
PROGRESS_INTERVAL = 2.0


FAILED_SUMMARY = "Étiquetage impossible : aucun fichier n'a été écrit."


def job_folder(job: TaggingJob) -> str:
    return f"{FOLDER}/{job.pk}"


def _safe_stem(file_name: str) -> str:
    stem = Path(file_name).stem
    kept = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-")
    return kept[:80] or "fichier"


def active_jobs(user):
    return TaggingJob.objects.filter(
        owner=user, state__in=[TaggingJob.State.PENDING, TaggingJob.State.RUNNING]
    )


def columns_of(job: TaggingJob) -> Columns:
    return Columns(
        commune=job.commune_column or None,
        siren=job.siren_column or None,
        lon=job.lon_column or None,
        lat=job.lat_column or None,
    )


def check_header(path: Path, file_name: str, columns: Columns) -> None:
    """Refuse (ImportRefused, in French) a file the task could not tag: unreadable, binary, or
    without the chosen columns. Reads the header only (a CSV's bytes are decoded once to pick the
    encoding, ~0.1 s for 50 MB)."""
    from territories.services.tagging import column_positions

    table = open_table(path, file_name)
    try:
        column_positions(table.header, columns, file_name)
    finally:
        table.close()


def create_job(user, upload, file_name: str, phase: str, columns: Columns) -> TaggingJob:
    """Store the uploaded file, check it and queue its tagging; raises ImportRefused (no job, no
    file left) when the file or the columns are refused."""
    from tagging.tasks import run_tagging_job

    for waiting in active_jobs(user):
        task_of(waiting)  # a task failed for good marks its job failed: it no longer counts
    if active_jobs(user).count() >= MAX_ACTIVE_JOBS:
        raise refuse(
            file_name,
            f"vous avez déjà {MAX_ACTIVE_JOBS} fichiers en attente ou en cours d'étiquetage",
            expected="qu'un de ces étiquetages soit terminé avant d'en lancer un autre",
        )
    storage = private_storage()
    job = TaggingJob(
        owner=user,
        file_name=file_name[:255],
        phase=phase,
        commune_column=columns.commune or "",
        siren_column=columns.siren or "",
        lon_column=columns.lon or "",
        lat_column=columns.lat or "",
    )
    extension = Path(file_name).suffix.lower()
    name = storage.save(f"{job_folder(job)}/entree{extension}", upload)
    try:
        check_header(Path(storage.path(name)), file_name, columns)
    except BaseException:
        delete_files(job)
        raise
    job.upload = name
    job.save()
    result = run_tagging_job.enqueue(str(job.pk))
    TaggingJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def delete_files(job: TaggingJob) -> None:
    shutil.rmtree(Path(private_storage().location) / job_folder(job), ignore_errors=True)


def run_job(job_id: str) -> str:
    """Tag a queued job's file into its folder; the row says how it went (the task's body).

    Run again (a retry, a worker lost mid-way), it starts over: the result is written to a temporary
    file renamed at the end, so a half-written result is never served.
    """
    job = TaggingJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return "déjà traité"
    storage = private_storage()
    if not job.upload or not storage.exists(job.upload):
        job.fail("Le fichier déposé n'est plus disponible : déposez-le de nouveau.")
        return job.state
    job.start()
    extension = Path(job.upload).suffix.lower()
    result = f"{job_folder(job)}/{_safe_stem(job.file_name)}-etiquete{extension}"
    last = [time.monotonic()]

    def progress(rows: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            TaggingJob.objects.filter(pk=job.pk).update(rows_done=rows)

    try:
        report = tag_file(
            storage.path(job.upload),
            storage.path(result),
            columns_of(job),
            phase=job.phase,
            progress=progress,
            name=job.file_name,  # not the stored « entree.csv »: the name the person knows
        )
    except ImportRefused as refused:
        job.fail(FAILED_SUMMARY, refused.problems[:50])
    else:
        job.finish(report.summary(), result, report.rows)
    if job.finished:
        storage.delete(job.upload)  # the input is no longer needed; the result stays
        TaggingJob.objects.filter(pk=job.pk).update(upload="")
    return job.state


def purge_old_results(now=None) -> int:
    """Delete the files of the jobs finished more than RESULT_RETENTION ago; returns how many jobs."""
    now = now or timezone.now()
    old = TaggingJob.objects.filter(finished_at__lt=now - RESULT_RETENTION, purged_at__isnull=True)
    count = 0
    for job in old.iterator():
        delete_files(job)
        TaggingJob.objects.filter(pk=job.pk).update(upload="", result="", purged_at=now)
        count += 1
    return count


def task_of(job: TaggingJob):
    """The queued task's state (core.tasks.task_state) while the job is not finished: says a retry is
    planned, or that the task failed after its attempts (the job is then marked failed, never left
    « en cours »). None once finished, or with a backend that keeps no results (the tests')."""
    if job.finished or not job.task_id:
        return None
    from django_tasks import TaskResultStatus

    from core.tasks import task_state

    try:
        state = task_state(job.task_id)
    except Exception:  # DoesNotExist, or a backend without the database table
        return None
    if state.status == TaskResultStatus.FAILED:
        job.fail(
            "Erreur inattendue pendant l'étiquetage, après "
            f"{state.attempts} tentative{'s' if state.attempts > 1 else ''} : aucun fichier "
            "n'a été écrit. Réessayez plus tard ou signalez-le à l'équipe nationale."
        )
        return None
    return state
