"""A file tagged in the background at a person's request (docs/tagging.md, « Depuis le site »).

The row is what the person sees on the job page and in « Mon espace »: its state, the rows done so far,
the summary or the French reason of a failure, and the result file (in the private storage) until the
retention deletes it. core.models.ImportJob follows imports; a tagging job has a result file, progress
and its columns, hence its own table.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class TaggingJob(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    # A random key: the job's address is not guessable (and is checked against its owner anyway).
    id = models.UUIDField("identifiant", primary_key=True, default=uuid.uuid4, editable=False)
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
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.PENDING)
    rows_done = models.PositiveBigIntegerField("lignes traitées", default=0)
    summary = models.TextField("résultat", blank=True)
    problems = models.JSONField("problèmes", default=list, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("fini le", null=True, blank=True)
    purged_at = models.DateTimeField("fichiers supprimés le", null=True, blank=True)

    class Meta:
        verbose_name = "étiquetage de fichier"
        verbose_name_plural = "étiquetages de fichiers"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="tagging_owner_created")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

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
        self.state, self.started_at, self.rows_done = self.State.RUNNING, timezone.now(), 0
        self.save(update_fields=["state", "started_at", "rows_done"])

    def finish(self, summary: str, result: str, rows: int) -> None:
        self.state, self.summary, self.result = self.State.DONE, summary, result
        self.rows_done, self.finished_at = rows, timezone.now()
        self.save(update_fields=["state", "summary", "result", "rows_done", "finished_at"])

    def fail(self, summary: str, problems=()) -> None:
        self.state, self.summary, self.finished_at = self.State.FAILED, summary, timezone.now()
        self.problems = [problem.as_dict() for problem in problems]
        self.save(update_fields=["state", "summary", "problems", "finished_at"])
