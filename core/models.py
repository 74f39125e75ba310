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


class ImportJob(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    # A random key: the follow-up page's address is not guessable (and is checked against its owner).
    id = models.UUIDField("identifiant", primary_key=True, default=uuid.uuid4, editable=False)
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
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.PENDING)
    summary = models.TextField("résultat", blank=True)
    problems = models.JSONField("problèmes", default=list, blank=True)
    problem_count = models.PositiveIntegerField("nombre de problèmes", default=0)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("fini le", null=True, blank=True)

    class Meta:
        verbose_name = "import en arrière-plan"
        verbose_name_plural = "imports en arrière-plan"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def start(self) -> None:
        self.state, self.started_at = self.State.RUNNING, timezone.now()
        self.save(update_fields=["state", "started_at"])

    def finish(self, summary: str) -> None:
        self.state, self.summary, self.finished_at = self.State.DONE, summary, timezone.now()
        self.save(update_fields=["state", "summary", "finished_at"])

    def fail(self, summary: str, problems=(), total: int = 0) -> None:
        self.state, self.summary, self.finished_at = self.State.FAILED, summary, timezone.now()
        self.problems = [problem.as_dict() for problem in problems]
        self.problem_count = max(total, len(self.problems))
        self.save(update_fields=["state", "summary", "problems", "problem_count", "finished_at"])
