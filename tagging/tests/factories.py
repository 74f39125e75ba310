"""Tagging jobs for the tests (the permission matrix, the accessibility pages)."""

from __future__ import annotations

import uuid

from django.utils import timezone

from core.uploads import private_storage
from tagging.models import TaggingJob

RESULT_CSV = "nom;insee;id_ti;lib_ti;phase;id_ti_proche;distance_km;motif\r\n"


def done_job(owner, pk=None, content: str = RESULT_CSV) -> TaggingJob:
    """A finished job whose result file exists in the private storage."""
    job = TaggingJob(
        pk=pk or uuid.uuid4(),
        owner=owner,
        file_name="communes.csv",
        phase="2023-2027",
        commune_column="insee",
        state=TaggingJob.State.DONE,
        summary="Phase 2023-2027 : 1 ligne lue, 1 dans un territoire, 0 hors de tout territoire, "
        "0 non étiquetée.",
        rows_done=1,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    job.result = f"tagging/{job.pk}/communes-etiquete.csv"
    storage = private_storage()
    if storage.exists(job.result):
        storage.delete(job.result)
    from django.core.files.base import ContentFile

    storage.save(job.result, ContentFile(content.encode()))
    job.save()
    return job
