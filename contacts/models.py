"""Whom to call: the teams that cover each part of France, and the requests routed to them by commune.

A team covers one territory, one département, one région, or the whole country (its ``level``), which
is also the key of the import (niveau, code, phase, equipe; docs/contacts.md). What the public may see
of a member is decided member by member (``public``): pages, API, exports, sitemap and search show
nothing else.

Requests hold the requester's personal data: they are not journalled with django-simple-history (its
copies would outlive the purge of docs/contacts.md); their dated events are their journal.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans.models import Axis


class Level(models.TextChoices):
    # Ordered from the most local: routing and pages list teams in this order.
    TERRITOIRE = "territoire", "Territoire"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    NATIONAL = "national", "National"


LEVEL_ORDER = [code for code, _ in Level.choices]
PRIORITY_DEFAULT = 100
PRIORITY_MAX = 999


class Team(models.Model):
    level = models.CharField("niveau", max_length=12, choices=Level.choices)
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_teams",
        verbose_name="territoire",
    )
    departement = models.ForeignKey(
        "geo.Departement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_teams",
        verbose_name="département",
    )
    region = models.ForeignKey(
        "geo.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_teams",
        verbose_name="région",
    )
    name = models.CharField(
        "équipe",
        max_length=200,
        help_text="Par exemple « Mission développement économique » ou « Équipe projet ».",
    )
    organisation = models.CharField(
        "organisation", max_length=200, help_text="Par exemple « Département de Seine-et-Marne »."
    )
    # Within a level, routing takes the lowest first, then the name: a territory's project team
    # before its binôme (« Binôme… » came first by name alone). Every team gets the default, so
    # teams nobody ordered keep the order by name.
    priority = models.PositiveSmallIntegerField(
        "ordre de priorité",
        default=PRIORITY_DEFAULT,
        validators=[MaxValueValidator(PRIORITY_MAX)],
        help_text=(
            "Parmi les équipes d'un même niveau qui couvrent une commune, la demande va d'abord à "
            f"celle dont le nombre est le plus petit (0 à {PRIORITY_MAX} ; {PRIORITY_DEFAULT} par "
            "défaut), puis par ordre alphabétique."
        ),
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["level", "priority", "name"]
        verbose_name = "équipe"
        indexes = [
            models.Index(fields=["level", "departement"]),
            models.Index(fields=["level", "region"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.organisation}"


class TeamMember(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="members", verbose_name="équipe"
    )
    name = models.CharField("nom", max_length=200)
    role_title = models.CharField("fonction", max_length=200, blank=True)
    # The member's account (to work the team's inbox) is the user with this address, if any.
    email = models.EmailField("adresse électronique professionnelle")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    public = models.BooleanField(
        "public",
        default=False,
        help_text="Nom, fonction, adresse et téléphone affichés sur le site public.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "name"]
        verbose_name = "membre d'équipe"
        verbose_name_plural = "membres d'équipe"
        constraints = [
            models.UniqueConstraint(fields=["team", "email"], name="member_email_unique_in_team")
        ]

    def __str__(self) -> str:
        return self.name


class RequesterKind(models.TextChoices):
    ENTREPRISE = "entreprise", "Entreprise"
    COLLECTIVITE = "collectivite", "Collectivité"
    PARTICULIER = "particulier", "Particulier"


class Subject(models.TextChoices):
    TRANSITION_ECOLOGIQUE = Axis.TRANSITION_ECOLOGIQUE.value, Axis.TRANSITION_ECOLOGIQUE.label
    INNOVATION = Axis.INNOVATION.value, Axis.INNOVATION.label
    COMPETENCES = Axis.COMPETENCES.value, Axis.COMPETENCES.label
    FONCIER = Axis.FONCIER.value, Axis.FONCIER.label
    OFFRE = "offre-de-services", "L'offre de services des opérateurs"
    AUTRE = "autre", "Autre"


class RequestState(models.TextChoices):
    NOUVELLE = "nouvelle", "Nouvelle"
    PRISE = "prise", "Prise en charge"
    REPONDUE = "repondue", "Répondue"
    CLOSE = "close", "Close"


class ContactRequest(models.Model):
    reference = models.CharField("référence", max_length=20, unique=True)
    requester_kind = models.CharField("vous êtes", max_length=12, choices=RequesterKind.choices)
    organisation = models.CharField("entreprise ou collectivité", max_length=200, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    name = models.CharField("nom", max_length=200)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.PROTECT,
        related_name="contact_requests",
        verbose_name="commune du projet",
    )
    subject = models.CharField("sujet", max_length=30, choices=Subject.choices)
    message = models.TextField("message")
    consent = models.BooleanField("accepte d'être recontacté", default=False)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name="équipe destinataire",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="suivie par",
    )
    state = models.CharField(
        "état", max_length=10, choices=RequestState.choices, default=RequestState.NOUVELLE
    )
    created_at = models.DateTimeField("reçue le", default=timezone.now, db_index=True)
    first_answered_at = models.DateTimeField("première réponse le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)
    escalated_at = models.DateTimeField("remontée le", null=True, blank=True)
    # Set by the purge (docs/contacts.md): the requester's personal data is gone, the figures stay.
    purged_at = models.DateTimeField("données personnelles effacées le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "demande de contact"
        verbose_name_plural = "demandes de contact"
        indexes = [models.Index(fields=["team", "state"])]

    def __str__(self) -> str:
        return f"Demande {self.reference}"


class EventKind(models.TextChoices):
    RECUE = "recue", "Reçue"
    PRISE = "prise", "Prise en charge"
    REPONSE = "reponse", "Réponse envoyée"
    TRANSFERT = "transfert", "Transférée"
    RELANCE = "relance", "Relance"
    REMONTEE = "remontee", "Remontée au niveau supérieur"
    CLOSE = "close", "Close"
    NOTE = "note", "Note interne"


class ContactRequestEvent(models.Model):
    """One dated step of a request; ``email_task_id`` tells whether the email it sent has left."""

    request = models.ForeignKey(
        ContactRequest, on_delete=models.CASCADE, related_name="events", verbose_name="demande"
    )
    kind = models.CharField("étape", max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="équipe",
    )
    text = models.TextField("texte", blank=True)
    email_task_id = models.CharField("tâche du courriel", max_length=64, blank=True)
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        ordering = ["request", "created_at", "id"]
        verbose_name = "étape d'une demande"
        verbose_name_plural = "étapes des demandes"


class ContactSubmission(models.Model):
    """One sending of the contact form by an address: the rate limit counts them (as accounts counts
    sign-in attempts), and they are deleted once out of its window (contacts/services/requests.py)."""

    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    created_at = models.DateTimeField("le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "envoi du formulaire de contact"
        verbose_name_plural = "envois du formulaire de contact"
