"""Action plans of the Territoires d'industrie: one plan per territory (a territory belongs to one phase),
its fiches action, their financements, indicators, notes de suivi and attachments.

Validation rules live in plans/validation.py so the spreadsheet import applies the same ones.
Every model that users edit is journaled with django-simple-history (the action's history screen).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import floatformat
from simple_history.models import HistoricalRecords

from core.uploads import private_storage, validate_upload
from plans import validation
from territories.models import Territory, TerritoryCommune

# Territory fields too heavy to load with every action (contours in GeoJSON): plans queries defer them.
HEAVY_FIELDS = ("geometry", "geometry_simplified")

AMOUNT = {"max_digits": 14, "decimal_places": 2, "validators": [validation.validate_not_negative]}


class PlanState(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    SOUMIS = "soumis", "Soumis"
    VALIDE = "valide", "Validé"


class Axis(models.TextChoices):
    TRANSITION_ECOLOGIQUE = "transition-ecologique", "Transition écologique et énergétique"
    INNOVATION = "innovation", "Innovation"
    COMPETENCES = "competences", "Compétences (recrutement, formation)"
    FONCIER = "foncier", "Mobilisation du foncier industriel"


class CarrierKind(models.TextChoices):
    ENTREPRISE = "entreprise", "Entreprise"
    COLLECTIVITE = "collectivite", "Collectivité"
    EPCI = "epci", "EPCI"
    ASSOCIATION = "association", "Association"
    ETAT = "etat", "État ou opérateur"
    AUTRE = "autre", "Autre"


# Carriers whose name is never personal data: shown on the public plan. A company may be a sole
# trader (a person's name), so company and "other" carriers stay private.
PUBLIC_CARRIER_KINDS = {
    CarrierKind.COLLECTIVITE,
    CarrierKind.EPCI,
    CarrierKind.ETAT,
    CarrierKind.ASSOCIATION,
}


class Maturity(models.TextChoices):
    IDEE = "idee", "Idée"
    ETUDE = "etude", "À l'étude"
    PRET = "pret", "Prêt à démarrer"
    EN_COURS = "en-cours", "En cours"
    REALISE = "realise", "Réalisé"


class ActionStatus(models.TextChoices):
    A_VENIR = "a-venir", "À venir"
    EN_COURS = "en-cours", "En cours"
    REALISE = "realise", "Réalisé"
    EN_PAUSE = "en-pause", "En pause"
    BLOQUE = "bloque", "Bloqué"
    ABANDONNE = "abandonne", "Abandonné"


# An action in one of these states is not late even when its end date has passed.
CLOSED_STATUSES = {ActionStatus.REALISE, ActionStatus.ABANDONNE}


class Priority(models.TextChoices):
    HAUTE = "haute", "Haute"
    MOYENNE = "moyenne", "Moyenne"
    BASSE = "basse", "Basse"


class FundingState(models.TextChoices):
    SOLLICITE = "sollicite", "Sollicité"
    ACCORDE = "accorde", "Accordé"
    VERSE = "verse", "Versé"
    REFUSE = "refuse", "Refusé"


# A paid financement was granted first: both count in the amount granted. The state says whether a
# line counts, its granted_amount / paid_amount say how much (plans/validation.py keeps them agreeing).
GRANTED_STATES = {FundingState.ACCORDE, FundingState.VERSE}


def counted_granted(state: str, granted_amount: Decimal | None) -> Decimal:
    """What counts as granted: the amount granted of an « Accordé » or « Versé » line, else 0 (the one
    rule, for the financements and their published copies)."""
    if state in GRANTED_STATES and granted_amount is not None:
        return granted_amount
    return Decimal(0)


def counted_paid(state: str, paid_amount: Decimal | None) -> Decimal:
    """What counts as paid: the amount paid of a « Versé » line, else 0."""
    if state == FundingState.VERSE and paid_amount is not None:
        return paid_amount
    return Decimal(0)


class ActionPlan(models.Model):
    territory = models.OneToOneField(
        Territory, on_delete=models.CASCADE, related_name="action_plan", verbose_name="territoire"
    )
    state = models.CharField(
        "état", max_length=12, choices=PlanState.choices, default=PlanState.BROUILLON
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    submitted_at = models.DateTimeField("soumis le", null=True, blank=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["territory__phase", "territory__ti_id"]
        verbose_name = "plan d'action"
        verbose_name_plural = "plans d'action"

    def __str__(self) -> str:
        return f"Plan d'action — {self.territory.name} ({self.territory.phase_id})"


class PlanTransition(models.Model):
    """One step of the plan's workflow (submission, validation, return to draft) and its comment."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField("état précédent", max_length=12, choices=PlanState.choices)
    to_state = models.CharField("nouvel état", max_length=12, choices=PlanState.choices)
    comment = models.TextField("commentaire", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "étape du plan"
        verbose_name_plural = "étapes du plan"


class ActionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived=False)

    def publishable(self):
        """What a validation publishes: non-confidential, non-archived actions (the public site then
        reads the published snapshot, plans.PlanPublication, never these live rows)."""
        return self.filter(confidential=False, archived=False)

    def late(self, today: date | None = None):
        return self.filter(end_date__lt=today or date.today()).exclude(status__in=CLOSED_STATUSES)


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    code = models.CharField(
        "code",
        max_length=20,
        validators=[validation.validate_action_code],
        help_text="Unique dans le plan, par exemple TE-01.",
    )
    title = models.CharField("intitulé", max_length=255)
    description = models.TextField("description", blank=True)
    objectives = models.TextField("objectifs", blank=True)
    axis = models.CharField("axe", max_length=25, choices=Axis.choices)
    sub_theme = models.CharField("sous-thème", max_length=120, blank=True)
    carrier_name = models.CharField("porteur", max_length=255, blank=True)
    carrier_kind = models.CharField(
        "type de porteur", max_length=15, choices=CarrierKind.choices, blank=True
    )
    carrier_siret = models.CharField(
        "SIRET du porteur",
        max_length=14,
        blank=True,
        validators=[validation.validate_siret],
        help_text="14 chiffres, sans espace ; facultatif.",
    )
    partners = models.TextField("partenaires", blank=True)
    maturity = models.CharField(
        "maturité", max_length=10, choices=Maturity.choices, default=Maturity.IDEE
    )
    status = models.CharField(
        "statut", max_length=10, choices=ActionStatus.choices, default=ActionStatus.A_VENIR
    )
    priority = models.CharField("priorité", max_length=8, choices=Priority.choices, blank=True)
    start_date = models.DateField("date de début", null=True, blank=True)
    end_date = models.DateField("date de fin", null=True, blank=True)
    communes = models.ManyToManyField(
        TerritoryCommune, blank=True, related_name="actions", verbose_name="communes concernées"
    )
    total_cost = models.DecimalField("coût total (€ HT)", null=True, blank=True, **AMOUNT)
    industrial_investment = models.DecimalField(
        "investissement industriel annoncé (€)", null=True, blank=True, **AMOUNT
    )
    jobs_created = models.PositiveIntegerField("emplois créés", null=True, blank=True)
    jobs_maintained = models.PositiveIntegerField("emplois maintenus", null=True, blank=True)
    confidential = models.BooleanField(
        "confidentielle",
        default=False,
        help_text="Une action confidentielle n'apparaît jamais sur le site public.",
    )
    archived = models.BooleanField("archivée", default=False)
    # Optimistic locking: every save from the screens checks the version the form was loaded with and
    # increments it, so a second person's save never silently overwrites the first one's (lost update).
    version = models.PositiveIntegerField("version", default=1, editable=False)
    # The services an action mobilises are its requests to the service offer (offers.ServiceRequest,
    # related name ``service_requests``): offers sits above plans, so the link is declared there.
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "axis", "code"]
        verbose_name = "fiche action"
        verbose_name_plural = "fiches action"
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="action_code_unique_in_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def clean(self):
        error = validation.date_order_error(
            self.start_date, self.end_date, "La date de début", "La date de fin"
        )
        if error:
            raise ValidationError({"end_date": error})

    @property
    def is_late(self) -> bool:
        return bool(
            self.end_date and self.end_date < date.today() and self.status not in CLOSED_STATUSES
        )

    def amount_granted(self) -> Decimal:
        return sum((f.granted for f in self.fundings.all()), Decimal(0))

    def amount_paid(self) -> Decimal:
        return sum((f.paid for f in self.fundings.all()), Decimal(0))

    @property
    def financing_rate(self) -> float | None:
        """Share of the total cost covered by granted (or paid) financements; None without a cost."""
        if not self.total_cost:
            return None
        return float(self.amount_granted() / self.total_cost)


class Funding(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="fundings")
    position = models.PositiveSmallIntegerField("rang", default=1)
    funder = models.CharField("financeur", max_length=255)
    scheme = models.CharField(
        "dispositif",
        max_length=255,
        blank=True,
        help_text="Par exemple « Fonds vert — Territoires d'industrie en transition écologique ».",
    )
    amount = models.DecimalField("montant sollicité (€)", **AMOUNT)
    # Granted and paid amounts are separate from the amount asked (a grant is often less than asked).
    # A financement answering a service request is that request's decision (offers.ServiceRequest.funding):
    # the operator's screens and the plan's edit the same row.
    granted_amount = models.DecimalField("montant accordé (€)", null=True, blank=True, **AMOUNT)
    paid_amount = models.DecimalField("montant versé (€)", null=True, blank=True, **AMOUNT)
    state = models.CharField(
        "état", max_length=10, choices=FundingState.choices, default=FundingState.SOLLICITE
    )
    requested_on = models.DateField("sollicité le", null=True, blank=True)
    decided_on = models.DateField("décidé le", null=True, blank=True)
    paid_on = models.DateField("versé le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "position", "id"]
        verbose_name = "financement"

    def __str__(self) -> str:
        # Shown in the journal and the history: « 224 000 € », never Decimal's « 224000.00 ».
        return f"{self.funder} — {floatformat(self.amount, '-2g')} €"

    @property
    def granted(self) -> Decimal:
        return counted_granted(self.state, self.granted_amount)

    @property
    def paid(self) -> Decimal:
        return counted_paid(self.state, self.paid_amount)

    def clean(self):
        errors: dict[str, list[str]] = {}
        for start, end, start_label, end_label in (
            ("requested_on", "decided_on", "La date de sollicitation", "La date de décision"),
            ("decided_on", "paid_on", "La date de décision", "La date de versement"),
        ):
            error = validation.date_order_error(
                getattr(self, start), getattr(self, end), start_label, end_label
            )
            if error:
                errors.setdefault(end, []).append(error)
        self.granted_amount, self.paid_amount, problems = validation.complete_funding_amounts(
            self.amount, self.granted_amount, self.paid_amount, self.state
        )
        for name, message in problems:
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)


class Indicator(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField("rang", default=1)
    name = models.CharField("indicateur", max_length=255)
    unit = models.CharField("unité", max_length=50, blank=True)
    target = models.DecimalField("cible", max_digits=16, decimal_places=4, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "position", "id"]
        verbose_name = "indicateur"

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="indicateur"
    )
    date = models.DateField("date")
    value = models.DecimalField("valeur", max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["indicator", "date"]
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateur"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"], name="indicator_value_unique_date"
            )
        ]


class FollowUpNote(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField("date")
    text = models.TextField("note")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "date", "id"]
        verbose_name = "note de suivi"
        verbose_name_plural = "notes de suivi"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"plans/{instance.action.plan_id}/{instance.action_id}/{filename}"


class Attachment(models.Model):
    """A document attached to an action; served only through the plan's permission check."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField("titre", max_length=255)
    file = models.FileField(
        "fichier", upload_to=attachment_path, storage=private_storage, validators=[validate_upload]
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "uploaded_at", "id"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self) -> str:
        return self.title


class PlanPublication(models.Model):
    """What the public sees of a plan: a snapshot of its public actions taken when it was validated.

    Edits made after the validation stay off the public site (territory page, public plan, API) until
    the plan is validated again, which writes a new publication. ``actions`` holds plain JSON (codes,
    labels' keys, amounts as strings), built by plans/services/publication.py.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="publications")
    published_at = models.DateTimeField("publié le", db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="publié par",
    )
    actions = models.JSONField("actions publiées", default=list)

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = ["published_at", "id"]
        verbose_name = "publication du plan"
        verbose_name_plural = "publications des plans"

    def __str__(self) -> str:
        return f"Publication du {self.published_at:%d/%m/%Y %H:%M}"


class PlanNotificationPreference(models.Model):
    """Whether a person receives the plan workflow emails (on by default: no row means yes)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="plan_notification_preference",
        verbose_name="personne",
    )
    workflow_emails = models.BooleanField(
        "recevoir les courriels des plans d'action",
        default=True,
        help_text="Soumission, validation ou renvoi en brouillon d'un plan de votre périmètre.",
    )

    class Meta:
        verbose_name = "préférence de notification des plans"
        verbose_name_plural = "préférences de notification des plans"
