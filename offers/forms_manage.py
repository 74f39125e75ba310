"""Forms of the catalogue management screens. A service is edited as the spreadsheet's record
(offers/spreadsheet/records.py), checked by the import's own rules and saved by its own write."""

from __future__ import annotations

from pathlib import Path

from django import forms
from dsfr.forms import DsfrBaseForm

from offers.models import Applicant, Operator, ScopeKind, ServiceKind, ServiceStatus
from offers.services.catalogue import Lookups, record_problems
from offers.spreadsheet.columns import Codes
from offers.spreadsheet.files import FORMATS
from plans.forms import DATE_WIDGET, IMPORT_MAX_SIZE, FrenchDecimalField
from plans.models import Axis
from territories.models import Phase

# The form's fields and the record's keys are the same names (the spreadsheet's columns).
RULE_FIELDS = {"operator", "slug", "phase", "codes", "closes_on"}


class ServiceForm(DsfrBaseForm):
    slug = forms.SlugField(
        label="Identifiant",
        max_length=80,
        help_text="Lettres minuscules, chiffres et tirets ; il ne change plus ensuite.",
    )
    title = forms.CharField(label="Intitulé", max_length=255)
    operator = forms.ModelChoiceField(
        label="Opérateur",
        queryset=Operator.objects.none(),
        to_field_name="slug",
        empty_label="Choisissez un opérateur",
    )
    axes = forms.MultipleChoiceField(
        label="Axes", choices=Axis.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label="Type de service", choices=ServiceKind.choices)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    applicants = forms.MultipleChoiceField(
        label="Demandeurs éligibles",
        choices=Applicant.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope = forms.ChoiceField(label="Périmètre géographique", choices=ScopeKind.choices)
    codes = forms.CharField(
        label="Codes du périmètre",
        required=False,
        help_text="Régions (11; 32), départements (59; 2A) ou territoires (ti-1108; ti-1103) séparés "
        "par « ; » ; vide pour un périmètre national.",
    )
    phase = forms.ModelChoiceField(
        label="Phase",
        queryset=Phase.objects.all(),
        required=False,
        empty_label="Toutes les phases",
    )
    opens_on = forms.DateField(label="Ouvert à partir du", required=False, widget=DATE_WIDGET)
    closes_on = forms.DateField(label="Clôture le", required=False, widget=DATE_WIDGET)
    envelope = FrenchDecimalField(
        label="Enveloppe (€)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    amount_or_rate = forms.CharField(
        label="Montant ou taux",
        max_length=255,
        required=False,
        help_text="Vide quand il n'est pas public.",
    )
    link = forms.URLField(
        label="Lien pour candidater ou s'informer",
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    source = forms.URLField(
        label="Source",
        max_length=500,
        assume_scheme="https",
        help_text="Adresse de la page publique dont la fiche est tirée.",
    )
    status = forms.ChoiceField(label="Statut", choices=ServiceStatus.choices)

    def __init__(self, *args, operators=None, service=None, **kwargs):
        """``operators``: ids the person manages (None: all); ``service``: the one edited."""
        self.allowed = operators
        self.service = service
        if service is not None:
            from offers.spreadsheet.records import service_record

            record = service_record(service)
            kwargs.setdefault("initial", {**record, "codes": "; ".join(record["codes"])})
        super().__init__(*args, **kwargs)
        queryset = Operator.objects.order_by("name")
        if operators is not None:
            queryset = queryset.filter(pk__in=operators)
        self.fields["operator"].queryset = queryset
        if service is not None:
            self.fields["slug"].disabled = True

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if self.service is None:
            from offers.models import Service

            if Service.objects.filter(slug=slug).exists():
                raise forms.ValidationError("Un service porte déjà cet identifiant.")
        return slug

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.record = {
            "slug": data["slug"],
            "title": data["title"],
            "operator": data["operator"].slug,
            "axes": tuple(code for code, _ in Axis.choices if code in data["axes"]),
            "kind": data["kind"],
            "description": data["description"].replace("\r\n", "\n"),
            "applicants": tuple(
                code for code, _ in Applicant.choices if code in data["applicants"]
            ),
            "scope": data["scope"],
            "codes": Codes().parse(data["codes"]) if data["codes"].strip() else (),
            "phase": data["phase"].code if data["phase"] else "",
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "envelope": None if data["envelope"] is None else data["envelope"].normalize() + 0,
            "amount_or_rate": data["amount_or_rate"],
            "link": data["link"],
            "source": data["source"],
            "status": data["status"],
        }
        for name, message, _value, expected in record_problems(
            self.record, Lookups.load(), self.allowed, self.service
        ):
            self.add_error(
                name if name in self.fields else None,
                f"{message.capitalize()} (attendu : {expected}).",
            )
        return data


class CatalogueImportForm(DsfrBaseForm):
    file = forms.FileField(
        label="Catalogue (.xlsx ou .csv)",
        help_text="Au format de l'export du catalogue (feuille « Catalogue ») ; 20 Mo au plus.",
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
