"""The "Contactez-nous" form and the inbox's forms. Thin: the work is in contacts/services/requests.py."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from contacts.models import RequesterKind, RequestState, Subject, Team
from contacts.siret import compact, siret_problem
from contacts.validators import PHONE_VALIDATOR
from territories.services.lookup import LookupError, find_commune

# Size limits: a request is a few paragraphs (the longest of Place des Entreprises' published examples
# is ~1,500 characters); 5,000 leaves room, and bounds what a script can store per request.
MESSAGE_MAX_LENGTH = 5000
MESSAGE_MIN_LENGTH = 10
ANSWER_MAX_LENGTH = 10000
REASON_MAX_LENGTH = 1000
# "Meaux (77284)": what the autocomplete puts in the field, and what a person may type.
COMMUNE_WITH_CODE = re.compile(r"\((?P<code>[0-9][0-9AB][0-9]{3})\)\s*$", re.IGNORECASE)
HONEYPOT_FIELD = "site_web"


class ContactRequestForm(DsfrBaseForm):
    requester_kind = forms.ChoiceField(
        label="Vous êtes", choices=RequesterKind.choices, widget=forms.RadioSelect
    )
    organisation = forms.CharField(
        label="Entreprise ou collectivité",
        max_length=200,
        required=False,
        help_text="Obligatoire pour une entreprise ou une collectivité : sa raison sociale ou son nom.",
    )
    siret = forms.CharField(
        label="SIRET de l'entreprise",
        max_length=20,
        required=False,
        help_text="Facultatif : 14 chiffres, par exemple 732 829 320 00074.",
    )
    name = forms.CharField(label="Vos nom et prénom", max_length=200)
    commune = forms.CharField(
        label="Commune du projet",
        max_length=200,
        help_text="Son nom ou son code INSEE, par exemple « Meaux » ou « 77284 ».",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    subject = forms.ChoiceField(
        label="Sujet", choices=[("", "Choisissez un sujet")] + Subject.choices
    )
    message = forms.CharField(
        label="Votre message",
        min_length=MESSAGE_MIN_LENGTH,
        max_length=MESSAGE_MAX_LENGTH,
        help_text="Votre projet et votre question, en 5 000 caractères au plus.",
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MESSAGE_MAX_LENGTH}),
    )
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Téléphone",
        max_length=30,
        required=False,
        validators=[PHONE_VALIDATOR],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    consent = forms.BooleanField(
        label="J'accepte d'être recontacté par l'équipe qui recevra ma demande, et que mes données "
        "soient conservées le temps de la traiter (voir les mentions ci-dessous).",
        error_messages={
            "required": "Cochez cette case : sans votre accord, personne ne peut vous répondre."
        },
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled by robots that fill every field.
    site_web = forms.CharField(label="Ne pas remplir ce champ", required=False)

    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def clean_siret(self) -> str:
        value = self.cleaned_data.get("siret", "")
        if not value.strip():
            return ""
        problem = siret_problem(value)
        if problem:
            raise ValidationError(problem)
        return compact(value)

    def clean_commune(self):
        text = self.cleaned_data["commune"].strip()
        match = COMMUNE_WITH_CODE.search(text)
        try:
            return find_commune(match.group("code") if match else text)
        except LookupError as problem:
            message = str(problem)
            if problem.candidates:
                shown = problem.candidates[:10]
                message += " Par exemple : " + " ; ".join(shown) + "."
            raise ValidationError(message) from problem

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("requester_kind")
        if kind in (RequesterKind.ENTREPRISE, RequesterKind.COLLECTIVITE) and not cleaned.get(
            "organisation"
        ):
            self.add_error("organisation", "Indiquez le nom de votre entreprise ou collectivité.")
        if kind != RequesterKind.ENTREPRISE and cleaned.get("siret"):
            self.add_error("siret", "Le SIRET ne se renseigne que pour une entreprise.")
        return cleaned


class InboxFilterForm(DsfrBaseForm):
    state = forms.ChoiceField(
        label="État", choices=[("", "Tous")] + RequestState.choices, required=False
    )
    team = forms.ModelChoiceField(
        label="Équipe", queryset=Team.objects.none(), required=False, empty_label="Toutes"
    )
    since = forms.DateField(
        label="Reçues depuis le", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Reçues jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()


class AnswerForm(DsfrBaseForm):
    text = forms.CharField(
        label="Votre réponse",
        max_length=ANSWER_MAX_LENGTH,
        help_text="Envoyée par courriel au demandeur, en texte brut ; gardée dans le journal de la demande.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class TransferForm(DsfrBaseForm):
    team = forms.ModelChoiceField(
        label="Équipe destinataire",
        queryset=Team.objects.all(),
        empty_label="Choisissez une équipe",
    )
    reason = forms.CharField(
        label="Motif du transfert",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, exclude_team=None, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.select_related("territory", "departement", "region").order_by(
            "level", "name", "pk"
        )
        if exclude_team is not None:
            teams = teams.exclude(pk=exclude_team.pk)
        self.fields["team"].queryset = teams
