"""The public catalogue's filters: a GET form, so that its whole state is a shareable URL."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from offers.models import Applicant, Operator, ServiceKind
from offers.selectors import SORTS, latest_phase
from plans.models import Axis
from territories.models import Territory
from territories.services import lookup


def _choices(empty: str, choices) -> list[tuple[str, str]]:
    return [("", empty), *choices]


class CatalogueFilters(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    axe = forms.ChoiceField(label="Axe", required=False, choices=_choices("Tous", Axis.choices))
    operateur = forms.ChoiceField(label="Opérateur", required=False)
    type = forms.ChoiceField(
        label="Type de service", required=False, choices=_choices("Tous", ServiceKind.choices)
    )
    demandeur = forms.ChoiceField(
        label="Demandeur", required=False, choices=_choices("Tous", Applicant.choices)
    )
    ouvert = forms.BooleanField(label="Ouvert maintenant", required=False)
    territoire = forms.ChoiceField(label="Territoire d'industrie", required=False)
    commune = forms.CharField(
        label="Ou une commune",
        required=False,
        max_length=100,
        help_text="Nom ou code INSEE : les services ouverts à ses territoires.",
    )
    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["operateur"].choices = _choices(
            "Tous",
            Operator.objects.filter(services__isnull=False).distinct().values_list("slug", "name"),
        )
        phase = latest_phase()
        territories = Territory.objects.filter(phase=phase) if phase else Territory.objects.none()
        choices = [
            (f"{phase_id}/{ti_id}", name)
            for phase_id, ti_id, name in territories.order_by("name").values_list(
                "phase_id", "ti_id", "name"
            )
        ]
        chosen = (data or {}).get("territoire", "")
        # A territory of an earlier phase (linked from its page) is a valid choice too.
        if chosen and chosen not in dict(choices) and self._territory(chosen):
            territory = self._territory(chosen)
            choices.insert(0, (chosen, f"{territory.name} ({territory.phase_id})"))
        self.fields["territoire"].choices = _choices("Tous", choices)
        self.territories: list[Territory] = []
        self.commune = None
        self.candidates: list[str] = []

    @staticmethod
    def _territory(value: str) -> Territory | None:
        phase, _, ti_id = value.rpartition("/")
        if not phase:
            return None
        return (
            Territory.objects.filter(phase_id=phase, ti_id=ti_id)
            .defer("geometry", "geometry_simplified")
            .first()
        )

    def options(self, name: str):
        """The ``<option>`` elements of a select, the chosen one marked: built here rather than by a
        template loop, which took ~8 ms for the 183 territories of a phase (now ~0.3 ms)."""
        chosen = str(self[name].value() or "")
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if str(value) == chosen else "", label)
                for value, label in self.fields[name].choices
            ),
        )

    def clean_territoire(self):
        value = self.cleaned_data["territoire"]
        if value:
            self.territories = [self._territory(value)]
        return value

    def clean_commune(self):
        value = self.cleaned_data["commune"].strip()
        if not value:
            return value
        try:
            self.commune = lookup.find_commune(value)
        except lookup.LookupError as problem:
            self.candidates = problem.candidates
            raise forms.ValidationError(str(problem)) from None
        if not self.territories:
            phase = latest_phase()
            self.territories = lookup.territories_of_commune(self.commune, phase) if phase else []
        return value

    def clean(self):
        data = super().clean()
        if data.get("territoire") and data.get("commune"):
            # The territory chosen wins; the commune only says where to look when no territory is.
            self.commune = None
        return data
