"""The background task of file tagging (django-tasks; docs/tasks.md, docs/tagging.md).

Retry policy: tagging a file twice gives the same file (the result is written to a temporary file and
renamed), so a task may run again. A refused file is not an error (the job fails with its French
reason, the task succeeds: trying again would refuse it again); only an unexpected error (disk full,
database gone) or a lost worker retries, three attempts in all, a minute then two apart. The lease is
an hour, not the default 15 minutes: a 200 MB file (TAG_UPLOAD_MAX_BYTES) of points takes minutes
(1,000,000 points: ~30 s here) and an XLSX of Excel's million rows more; a lease shorter than a real
run would start a second copy of a healthy job.
"""

from __future__ import annotations

from django_tasks import task

from core.tasks import retrying
from tagging.services import run_job

MAX_ATTEMPTS = 3


@retrying(max_attempts=MAX_ATTEMPTS, backoff_seconds=60, lease_seconds=60 * 60)
@task()
def run_tagging_job(job_id: str) -> str:
    return run_job(job_id)
