"""One built file of the open data page: a dataset (its file name) at one version of the data."""

from django.db import models


class BuildState(models.TextChoices):
    PENDING = "en-attente", "En préparation"
    READY = "pret", "Prêt"
    FAILED = "echec", "Échec"


class Build(models.Model):
    """The file of ``dataset`` built from the data at ``version`` (core/datastamp.py, the parts the
    dataset is made of), kept in the media storage at ``path`` once ``state`` is « prêt »."""

    dataset = models.CharField("jeu de données (nom du fichier)", max_length=100)
    version = models.CharField("version des données", max_length=32)
    state = models.CharField(
        "état", max_length=12, choices=BuildState.choices, default=BuildState.PENDING
    )
    requested_at = models.DateTimeField("demandé le")
    built_at = models.DateTimeField("construit le", null=True, blank=True)
    path = models.CharField("chemin dans le stockage", max_length=255, blank=True)
    size = models.PositiveBigIntegerField("taille (octets)", default=0)
    rows = models.PositiveIntegerField("nombre de lignes ou d'objets", default=0)
    task_id = models.CharField("identifiant de la tâche", max_length=64, blank=True)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "fichier de données ouvertes"
        verbose_name_plural = "fichiers de données ouvertes"
        ordering = ["dataset", "-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"], name="opendata_build_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} ({self.version}, {self.get_state_display()})"
