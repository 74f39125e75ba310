"""The programme's phases and their Territoires d'industrie, as published by ANCT."""

from django.db import models

from geo.models import Commune, Departement, Groupement, Region


class Phase(models.Model):
    code = models.CharField("code", max_length=9, primary_key=True)  # "2019-2022"
    number = models.PositiveSmallIntegerField("numéro", unique=True)
    label = models.CharField("libellé", max_length=100)
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    cog_year = models.PositiveSmallIntegerField(
        "millésime du COG des données", null=True, blank=True
    )
    source_name = models.CharField("fichier importé", max_length=255, blank=True)
    imported_at = models.DateTimeField("importé le", null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "phase"

    def __str__(self) -> str:
        return self.label

    def previous(self) -> "Phase | None":
        return Phase.objects.filter(number=self.number - 1).first()

    def next(self) -> "Phase | None":
        return Phase.objects.filter(number=self.number + 1).first()


class LineageStatus(models.TextChoices):
    NOUVEAU = "nouveau", "Nouveau"
    RECONDUIT = "reconduit", "Reconduit"
    ETENDU = "etendu", "Étendu"
    REDUIT = "reduit", "Réduit"
    RECOMPOSE = "recompose", "Recomposé"
    NON_RECONDUIT = "non-reconduit", "Non reconduit"


class Territory(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="territories")
    ti_id = models.CharField(
        "identifiant ANCT", max_length=20
    )  # "ti-1103"; unique within a phase only
    name = models.CharField("nom", max_length=255)
    search_name = models.CharField(
        "nom de recherche", max_length=255, db_index=True, editable=False
    )
    population = models.PositiveIntegerField("population", default=0)
    commune_count = models.PositiveIntegerField("nombre de communes", default=0)
    principal_departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        related_name="principal_territories",
        verbose_name="département principal",
    )
    principal_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        related_name="principal_territories",
        verbose_name="région principale",
    )
    departements = models.ManyToManyField(
        Departement, related_name="territories", verbose_name="départements"
    )
    regions = models.ManyToManyField(Region, related_name="territories", verbose_name="régions")
    communes = models.ManyToManyField(
        Commune, through="TerritoryCommune", related_name="territories"
    )
    geometry = models.JSONField("contour (GeoJSON, précision d'origine)", null=True, blank=True)
    geometry_simplified = models.JSONField("contour simplifié (cartes)", null=True, blank=True)
    # Against the previous phase (empty in the first phase), and what became of it in the next phase
    # (empty in the last phase). See territories/services/lineage.py for the rule.
    lineage_status = models.CharField(
        "statut", max_length=20, choices=LineageStatus.choices, blank=True
    )
    outcome_status = models.CharField(
        "devenir", max_length=20, choices=LineageStatus.choices, blank=True
    )
    # Hash of what the source file said (name, members, communes, polygon): re-importing an unchanged
    # territory writes nothing.
    source_fingerprint = models.CharField(
        "empreinte du fichier source", max_length=64, blank=True, editable=False
    )

    class Meta:
        ordering = ["phase", "ti_id"]
        verbose_name = "territoire d'industrie"
        verbose_name_plural = "territoires d'industrie"
        constraints = [
            models.UniqueConstraint(fields=["phase", "ti_id"], name="territory_unique_id_in_phase")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ti_id}, {self.phase_id})"


class TerritoryMember(models.Model):
    """A member as listed by ANCT: an EPCI, an EPT or a commune, by SIREN."""

    class Kind(models.TextChoices):
        GROUPEMENT = "groupement", "Intercommunalité (EPCI ou EPT)"
        COMMUNE = "commune", "Commune"

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="members", verbose_name="territoire"
    )
    siren = models.CharField("SIREN", max_length=9)
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    legal_nature = models.CharField(
        "nature juridique", max_length=10
    )  # CC, CA, CU, METRO, MET69, EPT, COM
    groupement = models.ForeignKey(Groupement, on_delete=models.SET_NULL, null=True, blank=True)
    population = models.PositiveIntegerField("population", default=0)

    class Meta:
        ordering = ["territory", "name"]
        verbose_name = "membre"
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "siren"], name="member_unique_in_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.siren})"


class TerritoryCommune(models.Model):
    """A current commune of a territory, with the code the source file gave (older COG vintage)."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="territory_communes",
        verbose_name="territoire",
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="territory_links")
    source_code = models.CharField("code dans le fichier source", max_length=5)

    class Meta:
        verbose_name = "commune d'un territoire"
        verbose_name_plural = "communes des territoires"
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "commune"], name="territory_commune_unique"
            ),
        ]


class UnmappedCommune(models.Model):
    """A commune code of the source vintage with no current commune (merged without a commune déléguée)."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="unmapped_communes",
        verbose_name="territoire",
    )
    source_code = models.CharField("code dans le fichier source", max_length=5)
    source_name = models.CharField("nom dans le fichier source", max_length=200)

    class Meta:
        verbose_name = "commune sans équivalent actuel"
        verbose_name_plural = "communes sans équivalent actuel"


class Lineage(models.Model):
    """A successor territory of phase N+1 sharing communes with a predecessor of phase N."""

    successor = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name="successeur",
    )
    predecessor = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name="prédécesseur",
    )
    shared_communes = models.PositiveIntegerField("communes en commun")
    successor_share = models.FloatField("part des communes du successeur")
    predecessor_share = models.FloatField("part des communes du prédécesseur")

    class Meta:
        ordering = ["-shared_communes"]
        verbose_name = "filiation"
        constraints = [
            models.UniqueConstraint(fields=["successor", "predecessor"], name="lineage_unique_pair")
        ]
