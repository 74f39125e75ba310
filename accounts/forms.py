from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from dsfr.forms import DsfrBaseForm

from accounts.models import Invitation, Role, RoleAssignment
from accounts.selectors import MAX_INTEGER_PK, territories_followed_by
from accounts.services.ratelimit import (
    allow_password_reset,
    client_address,
    lockout_for,
    purge_old_attempts,
    record_attempt,
)
from core.emails import queue_email
from geo.models import Departement, Region
from territories.models import Phase, Territory


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A choice by identifier that refuses one too large for the database with the usual "invalid
    choice" message (``99999999999999999999999`` raised OverflowError on SQLite: a 500)."""

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        too_large = text.lstrip("-").isdigit() and abs(int(text)) > MAX_INTEGER_PK
        if too_large or "\x00" in text:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
            )
        return super().to_python(value)


class LoginForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if not email or not password:
            return cleaned
        ip_address = client_address(self.request)
        purge_old_attempts()
        lockout = lockout_for(email, ip_address)
        if lockout:
            raise ValidationError(lockout.message, code="locked")
        self.user = authenticate(self.request, email=email, password=password)
        record_attempt(email, ip_address, succeeded=self.user is not None)
        if self.user is None:
            raise ValidationError(
                "Adresse électronique ou mot de passe incorrect (ou compte désactivé).",
                code="invalid_login",
            )
        return cleaned

    def get_user(self):
        """What Django's LoginView signs in (``authenticate`` set the backend on it)."""
        return self.user


class EmailPasswordResetForm(DsfrBaseForm, PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args, request=None, **kwargs):
        # Over the quota the page answers as usual (it reveals nothing) but no email leaves.
        if allow_password_reset(self.cleaned_data["email"], client_address(request)):
            super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        queue_email(subject, render_to_string(email_template_name, context), [to_email])


class DsfrSetPasswordForm(DsfrBaseForm, SetPasswordForm):
    pass


class InvitationForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "territory", "departement", "region", "operator", "phase"]
        field_classes = {
            name: BoundedModelChoiceField
            for name in ("territory", "departement", "region", "operator", "phase")
        }
        help_texts = {
            "territory": "Pour un chef de projet ou un binôme.",
            "departement": "Pour un coordinateur départemental.",
            "region": "Pour un coordinateur régional.",
            "operator": "Pour un opérateur.",
            "phase": "Facultatif : limite un coordinateur à une phase du programme.",
        }

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = None
        self.fields["territory"].queryset = Territory.objects.select_related("phase")
        self.fields["departement"].queryset = Departement.objects.all()
        self.fields["region"].queryset = Region.objects.all()
        if not inviter.has_perm("accounts.view_user_list"):
            # A coordinator is offered only what it may grant (chefs de projet and binômes of its area).
            # The posted scope is still validated against every territory, so that the view's permission
            # check answers 403 for a territory outside the area rather than a vague form error.
            self.fields["role"].choices = [
                (r.value, r.label) for r in (Role.CHEF_DE_PROJET, Role.BINOME)
            ]
            # Only the latest phase's territories are offered: a chef de projet for a territory of
            # an ended phase (2019-2022) has nothing to lead, and 149 extra names buried the list.
            latest = Phase.objects.order_by("-number").first()
            area = (
                territories_followed_by(inviter)
                .filter(phase=latest)
                .select_related("phase")
                .order_by("name")
            )
            self.fields["territory"].widget.choices = [("", "---------")] + [
                (t.pk, str(t)) for t in area
            ]
            for name in ("departement", "region", "operator", "phase"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.instance.email = cleaned["email"].strip().lower()
        scope = {
            name: cleaned.get(name)
            for name in ("territory", "departement", "region", "operator", "phase")
        }
        self.proposal = RoleAssignment(role=cleaned["role"], **scope)
        self.proposal.clean()  # the role's scope, with a French message
        return cleaned


class AcceptInvitationForm(DsfrBaseForm):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 12 caractères, pas uniquement des chiffres, ni un mot de passe courant.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
            else:
                from django.contrib.auth import get_user_model

                candidate = get_user_model()(
                    email=self.email,
                    first_name=cleaned.get("first_name", ""),
                    last_name=cleaned.get("last_name", ""),
                )
                try:
                    password_validation.validate_password(password1, candidate)
                except ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class JournalFilterForm(DsfrBaseForm):
    model = forms.ChoiceField(label="Type d'objet", required=False)
    user = BoundedModelChoiceField(
        label="Auteur", required=False, queryset=None, empty_label="Tous"
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Toutes"), ("+", "Création"), ("~", "Modification"), ("-", "Suppression")],
    )
    since = forms.DateField(
        label="Depuis le", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    # Dates far from the platform's life (0001-01-01 overflowed when made timezone-aware: a 500).
    EARLIEST, LATEST = 2000, 2100

    def _bounded(self, name):
        value = self.cleaned_data.get(name)
        if value and not self.EARLIEST <= value.year <= self.LATEST:
            raise ValidationError(f"Choisissez une date entre {self.EARLIEST} et {self.LATEST}.")
        return value

    def clean_since(self):
        return self._bounded("since")

    def clean_until(self):
        return self._bounded("until")

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from accounts.services.journal import model_choices

        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "Tous")] + model_choices()
        self.fields["user"].queryset = get_user_model().objects.order_by("email")
