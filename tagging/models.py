"""A file tagged in the background at a person's request (docs/tagging.md, « Depuis le site »).

The row is what the person sees on the job page and in « Mon espace »: its state, the rows done so far,
the summary or the French reason of a failure, and the result file (in the private storage) until the
retention deletes it. Its state, summary and dates are those of every background job
(core.models.BackgroundJob, as core.models.ImportJob); a tagging job adds a result file, progress and
its columns, in its own table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import BackgroundJob


class TaggingJob(BackgroundJob):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tagging_jobs",
        verbose_name="personne",
    )
    file_name = models.CharField("fichier déposé", max_length=255)
    upload = models.CharField("fichier d'entrée stocké", max_length=300, blank=True)
    result = models.CharField("fichier étiqueté stocké", max_length=300, blank=True)
    phase = models.CharField("phase", max_length=20)
    commune_column = models.CharField("colonne du code commune", max_length=200, blank=True)
    siren_column = models.CharField("colonne du SIREN", max_length=200, blank=True)
    lon_column = models.CharField("colonne de la longitude", max_length=200, blank=True)
    lat_column = models.CharField("colonne de la latitude", max_length=200, blank=True)
    task_id = models.CharField("identifiant de la tâche", max_length=64, blank=True)
    rows_done = models.PositiveBigIntegerField("lignes traitées", default=0)
    purged_at = models.DateTimeField("fichiers supprimés le", null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = "étiquetage de fichier"
        verbose_name_plural = "étiquetages de fichiers"
        indexes = [models.Index(fields=["owner", "-created_at"], name="tagging_owner_created")]

    @property
    def result_name(self) -> str:
        return self.result.rsplit("/", 1)[-1] if self.result else ""

    @property
    def columns_label(self) -> str:
        if self.commune_column:
            return f"code commune : « {self.commune_column} »"
        if self.siren_column:
            return f"SIREN : « {self.siren_column} »"
        return f"longitude : « {self.lon_column} », latitude : « {self.lat_column} »"

    def start(self) -> None:
        self.rows_done = 0
        super().start("rows_done")

    def finish(self, summary: str, result: str, rows: int) -> None:
        self.result, self.rows_done = result, rows
        super().finish(summary, "result", "rows_done")
