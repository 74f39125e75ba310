"""The operators' service offer (catalogue), the requests territories make against it, and the decisions.

A decision on a request is recorded once, in the action's financement (``plans.Funding``: amount asked,
granted and paid, decision and payment dates, dispositif) that the request points to
(``ServiceRequest.funding``): the plan's financements and the operators' ledger read the same row, so
they never drift apart. Every model that people edit is journalled (django-simple-history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans.models import AMOUNT, Axis

AXIS_CODES = [code for code, _ in Axis.choices]


class OperatorKind(models.TextChoices):
    AGENCE_ETAT = "agence-etat", "Agence de l'État"
    BANQUE_PUBLIQUE = "banque-publique", "Banque publique"
    OPERATEUR = "operateur", "Opérateur public"
    ETAT = "etat", "Administration de l'État"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    AUTRE = "autre", "Autre"


class Operator(models.Model):
    """A service operator (Banque des Territoires, Bpifrance, ADEME...) whose members answer requests."""

    slug = models.SlugField("identifiant", max_length=60, unique=True)
    name = models.CharField("nom", max_length=200)
    acronym = models.CharField("sigle", max_length=30, blank=True)
    kind = models.CharField(
        "type d'opérateur", max_length=20, choices=OperatorKind.choices, blank=True
    )
    website = models.URLField("site internet", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "opérateur"

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    INGENIERIE = "ingenierie", "Ingénierie"
    FINANCEMENT = "financement", "Financement"
    PRET = "pret", "Prêt"
    SUBVENTION = "subvention", "Subvention"
    ACCOMPAGNEMENT = "accompagnement", "Accompagnement"
    DONNEES = "donnees-outil", "Données ou outil"
    FORMATION = "formation", "Formation"


class Applicant(models.TextChoices):
    TERRITOIRE = "territoire", "Territoire d'industrie"
    ENTREPRISE = "entreprise", "Entreprise"
    COLLECTIVITE = "collectivite", "Collectivité"


class ScopeKind(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONS = "regions", "Régions"
    DEPARTEMENTS = "departements", "Départements"
    TERRITOIRES = "territoires", "Territoires"


class ServiceStatus(models.TextChoices):
    OUVERT = "ouvert", "Ouvert"
    FERME = "ferme", "Fermé"


class ServiceQuerySet(models.QuerySet):
    # Axes and applicants are short lists of codes kept in JSON. No code is a substring of another
    # one, and the quotes are part of the pattern, so this text match is exact on SQLite and
    # PostgreSQL alike (JSON "contains" is not available on SQLite).
    def with_axis(self, axis: str) -> ServiceQuerySet:
        return self.filter(axes__icontains=f'"{axis}"')

    def for_applicant(self, applicant: str) -> ServiceQuerySet:
        return self.filter(applicants__icontains=f'"{applicant}"')

    def open_on(self, day) -> ServiceQuerySet:
        return self.filter(status=ServiceStatus.OUVERT).filter(
            Q(opens_on__isnull=True) | Q(opens_on__lte=day),
            Q(closes_on__isnull=True) | Q(closes_on__gte=day),
        )

    def open_now(self) -> ServiceQuerySet:
        return self.open_on(timezone.localdate())


class Service(models.Model):
    """One entry of the catalogue: what an operator offers, to whom, where, when, and from which source."""

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    title = models.CharField("intitulé", max_length=255)
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="services", verbose_name="opérateur"
    )
    axes = models.JSONField("axes", default=list, help_text="Codes des axes des plans d'action.")
    kind = models.CharField("type de service", max_length=20, choices=ServiceKind.choices)
    description = models.TextField("description", blank=True)
    applicants = models.JSONField("demandeurs éligibles", default=list)
    scope = models.CharField(
        "périmètre géographique", max_length=15, choices=ScopeKind.choices, default="national"
    )
    regions = models.ManyToManyField(
        "geo.Region", blank=True, related_name="+", verbose_name="régions couvertes"
    )
    departements = models.ManyToManyField(
        "geo.Departement", blank=True, related_name="+", verbose_name="départements couverts"
    )
    territories = models.ManyToManyField(
        "territories.Territory", blank=True, related_name="+", verbose_name="territoires couverts"
    )
    phase = models.ForeignKey(
        "territories.Phase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="phase",
        help_text="Vide : toutes les phases.",
    )
    opens_on = models.DateField("ouvert à partir du", null=True, blank=True)
    closes_on = models.DateField("clôture le", null=True, blank=True)
    envelope = models.DecimalField("enveloppe (€)", null=True, blank=True, **AMOUNT)
    amount_or_rate = models.CharField(
        "montant ou taux", max_length=255, blank=True, help_text="Vide quand il n'est pas public."
    )
    link = models.URLField("lien pour candidater ou s'informer", max_length=500, blank=True)
    source = models.URLField(
        "source", max_length=500, help_text="Page publique dont la fiche est tirée."
    )
    status = models.CharField(
        "statut", max_length=10, choices=ServiceStatus.choices, default=ServiceStatus.OUVERT
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "service"
        indexes = [models.Index(fields=["status", "closes_on"])]

    def __str__(self) -> str:
        return self.title


class RequestState(models.TextChoices):
    ENVOYEE = "envoyee", "Envoyée"
    EN_COURS = "en-cours", "En cours d'examen"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    CLOSE = "close", "Close"


# A request in one of these states has been decided (its decision date counts in the ledger).
DECIDED_STATES = {RequestState.ACCEPTEE, RequestState.REFUSEE}


class ServiceRequest(models.Model):
    """A territory's request for a service, from one of its actions or from its plan as a whole."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="requests", verbose_name="service"
    )
    # Denormalised from the service at creation: the operator's ledger and inbox filter on it.
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="requests", verbose_name="opérateur"
    )
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        related_name="service_requests",
        verbose_name="territoire",
    )
    action = models.ForeignKey(
        "plans.Action",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name="fiche action",
    )
    message = models.TextField("message")
    amount_requested = models.DecimalField("montant demandé (€)", null=True, blank=True, **AMOUNT)
    state = models.CharField(
        "état", max_length=10, choices=RequestState.choices, default=RequestState.ENVOYEE
    )
    # The decision: the action's financement holding the amounts granted and paid (see module doc).
    funding = models.OneToOneField(
        "plans.Funding",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_request",
        verbose_name="financement (décision)",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="demandée par",
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "demande de service"
        verbose_name_plural = "demandes de service"
        indexes = [
            models.Index(fields=["operator", "state"]),
            models.Index(fields=["territory", "state"]),
        ]

    def __str__(self) -> str:
        return f"Demande n° {self.pk} — {self.service}"


class RequestMessage(models.Model):
    """A dated message on a request, from either side; a change of state carries its own message."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="messages", verbose_name="demande"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    body = models.TextField("message")
    state = models.CharField("nouvel état", max_length=10, choices=RequestState.choices, blank=True)
    created_at = models.DateTimeField("écrit le", default=timezone.now)

    class Meta:
        ordering = ["request", "created_at", "id"]
        verbose_name = "message sur une demande"
        verbose_name_plural = "messages sur les demandes"


class SuggestionDismissal(models.Model):
    """A service the project lead does not want suggested again for one action."""

    action = models.ForeignKey(
        "plans.Action",
        on_delete=models.CASCADE,
        related_name="dismissed_suggestions",
        verbose_name="fiche action",
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="+", verbose_name="service"
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="écartée par",
    )
    dismissed_at = models.DateTimeField("écartée le", default=timezone.now)

    class Meta:
        verbose_name = "suggestion écartée"
        verbose_name_plural = "suggestions écartées"
        constraints = [
            models.UniqueConstraint(fields=["action", "service"], name="dismissal_unique")
        ]
