"""Forms of the request screens; the rules are in offers/services/requests.py, never repeated here."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from offers.models import Operator, RequestState, Service
from offers.selectors import services_for_request
from plans.forms import DATE_WIDGET, FrenchDecimalField
from plans.models import Axis

MESSAGE_WIDGET = forms.Textarea(attrs={"rows": 4})


class RequestCreateForm(DsfrBaseForm):
    service = forms.ChoiceField(label="Service demandé")
    message = forms.CharField(
        label="Message à l'opérateur",
        widget=MESSAGE_WIDGET,
        max_length=5000,
        help_text="Ce que vous attendez du service, le calendrier, les personnes à contacter.",
    )
    amount_requested = FrenchDecimalField(
        label="Montant demandé (€)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="Pour un financement, un prêt ou une subvention ; vide sinon.",
    )

    def __init__(self, *args, confidential: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {}
        choices: list = [("", "Choisissez un service")]
        for group, services in services_for_request():
            if services:
                choices.append(
                    (group, [(str(s.pk), f"{s.title} — {s.operator.name}") for s in services])
                )
            self.services.update({str(s.pk): s for s in services})
        self.fields["service"].choices = choices
        if confidential:
            self.fields["message"].help_text = (
                "Cette action est confidentielle : l'opérateur ne verra ni son intitulé ni ce "
                "premier message, seulement le service, le territoire, le montant demandé et les "
                "messages échangés ensuite."
            )

    def clean_service(self) -> Service:
        service = self.services.get(self.cleaned_data["service"])
        if service is None:
            raise forms.ValidationError("Choisissez un service de la liste.")
        return service


class RequestFilterForm(DsfrBaseForm):
    state = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous")] + RequestState.choices
    )
    service = forms.ModelChoiceField(
        label="Service",
        required=False,
        queryset=Service.objects.order_by("title"),
        empty_label="Tous",
    )
    operator = forms.ModelChoiceField(
        label="Opérateur",
        required=False,
        queryset=Operator.objects.order_by("name"),
        empty_label="Tous",
    )
    territory = forms.CharField(
        label="Territoire",
        required=False,
        max_length=100,
        help_text="Nom ou identifiant (ti-1108).",
    )
    axis = forms.ChoiceField(label="Axe", required=False, choices=[("", "Tous")] + Axis.choices)
    since = forms.DateField(label="Envoyée à partir du", required=False, widget=DATE_WIDGET)
    until = forms.DateField(label="Envoyée jusqu'au", required=False, widget=DATE_WIDGET)

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class _OnePageForm(DsfrBaseForm):
    """Several forms share a request's page: each one's ids get its own prefix (no duplicate id)."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class TransitionForm(_OnePageForm):
    """Take in charge, refuse or close. ``expected`` is the state the person saw (concurrency)."""

    id_prefix = "refus"

    expected = forms.ChoiceField(choices=RequestState.choices, widget=forms.HiddenInput)
    new = forms.ChoiceField(choices=RequestState.choices, widget=forms.HiddenInput)
    body = forms.CharField(label="Message", required=False, widget=MESSAGE_WIDGET, max_length=5000)


class AcceptForm(_OnePageForm):
    id_prefix = "acceptation"
    expected = forms.ChoiceField(choices=RequestState.choices, widget=forms.HiddenInput)
    granted_amount = FrenchDecimalField(
        label="Montant accordé (€)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="Vide pour un service sans montant (ingénierie, accompagnement…).",
    )
    decided_on = forms.DateField(label="Date de la décision", widget=DATE_WIDGET)
    scheme = forms.CharField(
        label="Dispositif",
        required=False,
        max_length=255,
        help_text="Vide : l'intitulé du service.",
    )
    body = forms.CharField(label="Message", required=False, widget=MESSAGE_WIDGET, max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()


class MessageForm(_OnePageForm):
    id_prefix = "message"

    body = forms.CharField(label="Votre message", widget=MESSAGE_WIDGET, max_length=5000)


class PaymentForm(_OnePageForm):
    id_prefix = "versement"

    paid_amount = FrenchDecimalField(
        label="Montant versé (€)", min_value=0, max_digits=14, decimal_places=2
    )
    paid_on = forms.DateField(label="Date du versement", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
