"""The follow-up of an import run in the background (a large plan import; the offers and contacts to come).

The person who confirmed it sees its state on a page that refreshes itself: en attente, en cours, terminé,
échec with the reason (docs/import.md). The task backend keeps its own results, but the immediate backend
of the tests keeps none and a result is not something a person may be shown: this row is.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class BackgroundJob(models.Model):
    """What every job run in the background for a person shows them: its state, when it started and
    ended, its French summary and the problems of a failure. Abstract: each kind of job has its own
    table (core.ImportJob here, tagging.TaggingJob), with its owner and its files."""

    class State(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    # A random key: the follow-up page's address is not guessable (and is checked against its owner).
    id = models.UUIDField("identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.PENDING)
    summary = models.TextField("résultat", blank=True)
    problems = models.JSONField("problèmes", default=list, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("fini le", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def start(self, *fields: str) -> None:
        """Running from now; ``fields``: other fields the caller set, saved with the state."""
        self.state, self.started_at = self.State.RUNNING, timezone.now()
        self.save(update_fields=["state", "started_at", *fields])

    def finish(self, summary: str, *fields: str) -> None:
        self.state, self.summary, self.finished_at = self.State.DONE, summary, timezone.now()
        self.save(update_fields=["state", "summary", *fields, "finished_at"])

    def fail(self, summary: str, problems=(), *fields: str) -> None:
        self.state, self.summary, self.finished_at = self.State.FAILED, summary, timezone.now()
        self.problems = [problem.as_dict() for problem in problems]
        self.save(update_fields=["state", "summary", "problems", *fields, "finished_at"])


class ImportJob(BackgroundJob):
    kind = models.CharField("type d'import", max_length=30)
    target = models.CharField("cible", max_length=100)  # for plans: "<phase>/<ti_id>"
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name="personne",
    )
    file_name = models.CharField("fichier", max_length=255)
    upload = models.CharField("fichier déposé", max_length=200)  # name in the private storage
    rows = models.PositiveIntegerField("lignes", default=0)
    problem_count = models.PositiveIntegerField("nombre de problèmes", default=0)

    class Meta(BackgroundJob.Meta):
        verbose_name = "import en arrière-plan"
        verbose_name_plural = "imports en arrière-plan"

    def fail(self, summary: str, problems=(), total: int = 0) -> None:
        self.problem_count = max(total, len(problems))
        super().fail(summary, problems, "problem_count")
