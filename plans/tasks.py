"""Background tasks of the plans app (django-tasks; docs/tasks.md)."""

from __future__ import annotations

import logging

from django_tasks import task

from core.imports import ImportRefused
from core.models import ImportJob
from plans.services import pending
from plans.services.importing import import_plans

logger = logging.getLogger(__name__)


@task()
def run_plan_import(job_id: str) -> str:
    """Run a confirmed plan import recorded as an ImportJob; its row tells the person how it went.

    Idempotent: a job already finished is left alone (a task run twice, a retry after a lost worker).
    """
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.finished:
        return "déjà traité"
    job.start()
    phase, ti_id = job.target.split("/", 1)
    token = job.upload.rsplit("/", 1)[-1]
    path = pending.path_of(token)
    try:
        if path is None:
            job.fail("Le fichier déposé n'est plus disponible : déposez-le de nouveau.")
        else:
            report = import_plans(
                path, phase, territory_id=ti_id, user=job.owner, file_name=job.file_name
            )
            job.finish(report.summary())
    except ImportRefused as refused:
        job.fail(
            refused.headline,
            refused.problems,
            refused.total,
        )
    except Exception:
        # The person sees a failure rather than an import "en cours" for ever; the log keeps the cause.
        logger.exception("Import de plan %s en échec", job_id)
        job.fail("Erreur inattendue pendant l'import : rien n'a été modifié. Réessayez plus tard.")
    finally:
        pending.discard(token)
    return job.state
