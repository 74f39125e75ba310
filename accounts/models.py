"""Who may do what, for which part of France: roles stored as data, not as code."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history import register
from simple_history.models import HistoricalRecords

from territories.models import Phase

INVITATION_VALIDITY = timedelta(days=7)


class Role(models.TextChoices):
    ADMINISTRATEUR = "administrateur", "Administrateur"
    EQUIPE_NATIONALE = "equipe-nationale", "Équipe nationale"
    COORDINATEUR = "coordinateur", "Coordinateur régional ou départemental"
    CHEF_DE_PROJET = "chef-de-projet", "Chef de projet"
    BINOME = "binome", "Binôme (élu ou industriel)"
    OPERATEUR = "operateur", "Opérateur"


# Which scope field each role needs; the others must stay empty.
ROLE_SCOPES: dict[str, set[str]] = {
    Role.ADMINISTRATEUR: set(),
    Role.EQUIPE_NATIONALE: set(),
    Role.COORDINATEUR: {"region", "departement"},  # exactly one of the two
    Role.CHEF_DE_PROJET: {"territory"},
    Role.BINOME: {"territory"},
    Role.OPERATEUR: {"operator"},
}
SCOPE_FIELDS = ("territory", "departement", "region", "operator")


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name="personne",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    # A coordinator's scope may be limited to one phase; a territory already belongs to one phase.
    phase = models.ForeignKey(
        "territories.Phase", on_delete=models.CASCADE, null=True, blank=True, verbose_name="phase"
    )
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="territoire",
        related_name="role_assignments",
    )
    departement = models.ForeignKey(
        "geo.Departement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="département",
    )
    region = models.ForeignKey(
        "geo.Region", on_delete=models.CASCADE, null=True, blank=True, verbose_name="région"
    )
    # The operator lives in offers (above accounts): named by its label, never imported here.
    operator = models.ForeignKey(
        "offers.Operator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="opérateur",
        related_name="members",
    )
    active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "role"]
        verbose_name = "rôle attribué"
        verbose_name_plural = "rôles attribués"
        indexes = [models.Index(fields=["user", "role", "active"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.scope_label}"

    @property
    def scope_label(self) -> str:
        for field in SCOPE_FIELDS:
            value = getattr(self, field)
            if value is not None:
                label = str(value)
                return (
                    f"{label} ({self.phase})" if self.phase_id and field != "territory" else label
                )
        return "toute la plateforme"

    def clean(self) -> None:
        expected = ROLE_SCOPES.get(self.role)
        if expected is None:
            raise ValidationError({"role": "Rôle inconnu."})
        filled = {field for field in SCOPE_FIELDS if getattr(self, f"{field}_id") is not None}
        if self.role == Role.COORDINATEUR:
            if len(filled) != 1 or not filled <= expected:
                raise ValidationError(
                    "Un coordinateur suit exactement une région ou un département."
                )
        elif filled != expected:
            wanted = ", ".join(sorted(expected)) or "aucun périmètre"
            raise ValidationError(f"Le rôle « {self.get_role_display()} » attend : {wanted}.")
        if self.phase_id and self.role != Role.COORDINATEUR:
            raise ValidationError({"phase": "Seul un rôle de coordinateur se limite à une phase."})


class Invitation(models.Model):
    """An emailed link (valid 7 days) that creates or reactivates an account with one role."""

    email = models.EmailField("adresse électronique")
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name="invité par",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    phase = models.ForeignKey(
        "territories.Phase", on_delete=models.CASCADE, null=True, blank=True, verbose_name="phase"
    )
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="territoire",
    )
    departement = models.ForeignKey(
        "geo.Departement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="département",
    )
    region = models.ForeignKey(
        "geo.Region", on_delete=models.CASCADE, null=True, blank=True, verbose_name="région"
    )
    operator = models.ForeignKey(
        "offers.Operator", on_delete=models.CASCADE, null=True, blank=True, verbose_name="opérateur"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "invitation"

    def __str__(self) -> str:
        return f"Invitation de {self.email}"

    @property
    def expires_at(self):
        return self.created_at + INVITATION_VALIDITY

    def is_usable(self, now=None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


class LoginAttempt(models.Model):
    """One sign-in attempt, kept to slow down password guessing (per account and per address)."""

    email = models.CharField("adresse électronique", max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, db_index=True)
    succeeded = models.BooleanField("réussie", default=False)
    created_at = models.DateTimeField("créée le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "tentative de connexion"
        verbose_name_plural = "tentatives de connexion"


class PasswordResetRequest(models.Model):
    """One password-reset request, kept to cap the emails sent per account and per address."""

    email = models.CharField("adresse électronique", max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, db_index=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "demande de réinitialisation"
        verbose_name_plural = "demandes de réinitialisation"


class UserSession(models.Model):
    """The sessions opened by a person, so that "log out everywhere" works with any session backend."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="open_sessions",
        verbose_name="personne",
    )
    session_key = models.CharField("clé de session", max_length=40, unique=True)
    created_at = models.DateTimeField("ouverte le", default=timezone.now)

    class Meta:
        verbose_name = "session ouverte"
        verbose_name_plural = "sessions ouvertes"


# Accounts are Django's users; their changes are journalled too (never the password hash).
register(get_user_model(), app="accounts", excluded_fields=["password", "last_login"])
# Programme-level data edited in the admin by the national team (territories/admin.py): journalled here
# because the territories app itself has no journal of its own (its import writes only differences).
register(Phase, app="accounts")


class ApiToken(models.Model):
    """A personal API token (« Mon espace », docs/api.md « Jetons d'API et écriture »): it acts as
    its person, with the same permissions as the screens; only a keyed hash of its secret is kept
    (accounts/services/tokens.py says why HMAC-SHA256 rather than a password hash)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="personne",
    )
    name = models.CharField("nom", max_length=100)
    # Public part of the token, shown in lists and used to find its row (unique, indexed).
    prefix = models.CharField("préfixe", max_length=16, unique=True, editable=False)
    token_hash = models.CharField("empreinte du jeton", max_length=64, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    # Creation and revocation are journalled; each use is not (last_used_at is written by an
    # UPDATE that bypasses the journal, at most once a minute).
    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"Jeton « {self.name} » ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at
