"""Forms of the plan screens. Business rules come from the models (plans/validation.py), never repeated here."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django import forms
from dsfr.forms import DsfrBaseForm

from geo.models import Departement, Region
from plans import validation
from plans.models import Action, ActionStatus, Axis, FollowUpNote, Funding, Indicator, Maturity
from plans.spreadsheet import cells
from plans.spreadsheet.files import FORMATS
from territories.models import Phase, TerritoryCommune

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FrenchDecimalField(forms.DecimalField):
    """An amount typed the French way: « 750000,50 », « 750 000,50 », « 750 000,50 € ».

    A text input with ``inputmode="decimal"`` (a number input in an English-locale browser turned
    « 750000,50 » into 75 000 050); the parsing is plans.validation.parse_french_decimal.
    """

    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        if isinstance(value, str):
            try:
                value = validation.parse_french_decimal(value)
            except ValueError:
                raise forms.ValidationError(
                    "Montant invalide : tapez par exemple « 750 000,50 » (chiffres, une virgule "
                    "pour les centimes).",
                    code="invalid",
                ) from None
        return super().to_python(value)

    def prepare_value(self, value):
        """Shown back with a decimal comma, as typed."""
        value = super().prepare_value(value)
        if isinstance(value, Decimal):
            return format(value, "f").replace(".", ",")
        return value


class CommuneChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.commune.name} ({obj.commune.code})"


class ActionForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = Action
        fields = [
            "code",
            "title",
            "axis",
            "sub_theme",
            "description",
            "objectives",
            "carrier_name",
            "carrier_kind",
            "carrier_siret",
            "partners",
            "maturity",
            "status",
            "priority",
            "start_date",
            "end_date",
            "communes",
            "total_cost",
            "industrial_investment",
            "jobs_created",
            "jobs_maintained",
            "confidential",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {
            "communes": CommuneChoiceField,
            "total_cost": FrenchDecimalField,
            "industrial_investment": FrenchDecimalField,
        }

    # The version the form was loaded with (Action.version), checked on save against lost updates.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        self.fields["communes"].queryset = (
            TerritoryCommune.objects.filter(territory=plan.territory)
            .select_related("commune")
            .order_by("commune__name")
        )
        self.fields["communes"].widget.attrs["size"] = 8
        self.fields[
            "communes"
        ].help_text = "Communes du territoire ; Ctrl ou Cmd pour en choisir plusieurs."

    def clean_code(self):
        code = self.cleaned_data["code"]
        taken = Action.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"Le code « {code} » est déjà utilisé dans ce plan.")
        return code


class FundingForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = Funding
        fields = [
            "funder",
            "scheme",
            "amount",
            "state",
            "granted_amount",
            "paid_amount",
            "requested_on",
            "decided_on",
            "paid_on",
        ]
        widgets = {"requested_on": DATE_WIDGET, "decided_on": DATE_WIDGET, "paid_on": DATE_WIDGET}
        field_classes = {
            "amount": FrenchDecimalField,
            "granted_amount": FrenchDecimalField,
            "paid_amount": FrenchDecimalField,
        }
        help_texts = {
            "granted_amount": "Vide pour un financement accordé : le montant sollicité.",
            "paid_amount": "Vide pour un financement versé : le montant accordé.",
        }


class IndicatorForm(forms.ModelForm, DsfrBaseForm):
    measures = forms.CharField(
        label="Valeurs datées",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=cells.DatedValues.expected.capitalize() + ".",
    )

    class Meta:
        model = Indicator
        fields = ["name", "unit", "target"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["measures"] = cells.DatedValues().format(
                tuple((v.date, v.value) for v in self.instance.values.all())
            )

    def clean_measures(self):
        text = self.cleaned_data["measures"]
        try:
            return cells.DatedValues().parse(text) if text.strip() else ()
        except cells.CellError as error:
            raise forms.ValidationError(f"{error.message} : attendu {error.expected}.") from None


FundingFormSet = forms.inlineformset_factory(
    Action, Funding, form=FundingForm, extra=1, can_delete=True
)
IndicatorFormSet = forms.inlineformset_factory(
    Action, Indicator, form=IndicatorForm, extra=1, can_delete=True
)


class NoteForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = FollowUpNote
        fields = ["date", "text"]
        widgets = {"date": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 3})}

    def clean_text(self):
        return self.cleaned_data["text"].strip()


class AttachmentForm(DsfrBaseForm):
    title = forms.CharField(label="Titre", max_length=255)
    file = forms.FileField(
        label="Fichier", help_text="PDF, image, document bureautique ou tableur."
    )


class TransitionForm(DsfrBaseForm):
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanFilterForm(DsfrBaseForm):
    """The filters of a plan's page (GET)."""

    axe = forms.ChoiceField(label="Axe", required=False, choices=[("", "Tous")] + Axis.choices)
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous")] + ActionStatus.choices
    )
    maturite = forms.ChoiceField(
        label="Maturité", required=False, choices=[("", "Toutes")] + Maturity.choices
    )
    financeur = forms.ChoiceField(label="Financeur", required=False)
    archivees = forms.BooleanField(label="Afficher les actions archivées", required=False)

    def __init__(self, *args, funders: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].choices = [("", "Tous")] + [(f, f) for f in funders]

    def filter(self, actions):
        if not self.is_valid():
            return actions.filter(archived=False)
        data = self.cleaned_data
        if not data["archivees"]:
            actions = actions.filter(archived=False)
        if data["axe"]:
            actions = actions.filter(axis=data["axe"])
        if data["statut"]:
            actions = actions.filter(status=data["statut"])
        if data["maturite"]:
            actions = actions.filter(maturity=data["maturite"])
        if data["financeur"]:
            actions = actions.filter(fundings__funder=data["financeur"]).distinct()
        return actions


IMPORT_MAX_SIZE = 20 * 1024 * 1024


class ImportForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier du plan (.xlsx ou .csv)",
        help_text="Au format du modèle téléchargeable ; 20 Mo au plus.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower().lstrip(".") not in FORMATS:
            raise forms.ValidationError(
                f"« {upload.name} » n'est ni un fichier .xlsx ni un fichier .csv."
            )
        if upload.size > IMPORT_MAX_SIZE:
            raise forms.ValidationError(f"« {upload.name} » dépasse 20 Mo.")
        return upload


class ExportForm(DsfrBaseForm):
    """What to export; the view checks the permission on the chosen scope."""

    phase = forms.ModelChoiceField(
        label="Phase", queryset=Phase.objects.all(), required=False, empty_label="Toutes les phases"
    )
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="Toutes",
    )
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label="Tous",
    )
    format = forms.ChoiceField(
        label="Format", choices=[("xlsx", "Tableur XLSX"), ("csv", "CSV (séparateur « ; »)")]
    )

    def clean(self):
        data = super().clean()
        if data.get("region") and data.get("departement"):
            raise forms.ValidationError("Choisissez une région ou un département, pas les deux.")
        return data

    @property
    def scope(self):
        return self.cleaned_data.get("departement") or self.cleaned_data.get("region")


class PlanOverviewForm(DsfrBaseForm):
    """The filter of the plans overview (GET)."""

    etat = forms.ChoiceField(label="Afficher", required=False)

    def __init__(self, *args, **kwargs):
        from plans.selectors import OVERVIEW_FILTERS

        super().__init__(*args, **kwargs)
        self.fields["etat"].choices = [("", "Tous les plans"), *OVERVIEW_FILTERS.items()]


class NotificationPreferenceForm(forms.Form):
    workflow_emails = forms.BooleanField(required=False)
