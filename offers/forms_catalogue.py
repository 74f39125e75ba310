"""The public catalogue's filters: a GET form, so that its whole state is a shareable URL."""

from __future__ import annotations

import re

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from geo.text import normalize_search
from offers.models import Applicant, Operator, ServiceKind
from offers.selectors import SORTS, latest_phase
from plans.models import Axis
from territories.models import Phase, Territory
from territories.services import lookup

# « 2023-2027/ti-7701 »: the URL's form (the territory pages' links, the autocomplete).
PHASE_AND_ID = re.compile(r"^(?P<phase>[^/\s]+)/(?P<ti_id>ti-[\w-]+)$", re.I)
TI_ID = re.compile(r"^ti-[\w-]+$", re.I)
# « Pays de Meaux (2019-2022) »: how the field shows a territory of an earlier phase.
NAME_AND_PHASE = re.compile(r"^(?P<name>.+?)\s*\((?P<phase>[^()]+)\)$")
MAX_CANDIDATES = 10
COMMUNE_WITH_CODE = re.compile(r"^.+\((?P<code>[0-9][0-9AB][0-9]{3})\)$", re.I)


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
    # A text field rather than a list: the list of every territory weighed 160 of the page's 181 kB
    # with the 2,000 territories of benchmarks/generate.py (docs/performance.md). With JavaScript it
    # is a combobox that sends the territory's code; without, the server resolves what was typed.
    territoire = forms.CharField(
        label="Territoire d'industrie",
        required=False,
        max_length=200,
        help_text="Son nom ou son identifiant (ti-…) : les services qu'il peut demander.",
    )
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
        self.territories: list[Territory] = []
        self.territory: Territory | None = None
        self.commune = None
        self.candidates: list[str] = []  # communes of the name typed
        self.territory_candidates: list[str] = []

    def options(self, name: str):
        """The ``<option>`` elements of a select, the chosen one marked: built here rather than by a
        template loop, which took ~8 ms for the 183 territories of a phase when the territory was a
        list (now ~0.3 ms)."""
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
        value = self.cleaned_data["territoire"].strip()
        if value:
            try:
                self.territory = find_territory(value)
            except lookup.LookupError as problem:
                self.territory_candidates = problem.candidates
                raise forms.ValidationError(str(problem)) from None
            self.territories = [self.territory]
        return value

    def territory_text(self) -> str:
        """What the territory field shows: the chosen territory's name (with its phase when it is not
        the latest, so that sending the form again keeps it), else what was typed."""
        territory = self.territory
        if territory is None:
            return str(self["territoire"].value() or "")
        latest = latest_phase()
        if latest is not None and territory.phase_id == latest.pk:
            return territory.name
        return f"{territory.name} ({territory.phase_id})"

    def territory_code(self) -> str:
        territory = self.territory
        return f"{territory.phase_id}/{territory.ti_id}" if territory is not None else ""

    def clean_commune(self):
        value = self.cleaned_data["commune"].strip()
        if not value:
            return value
        # « Meaux (77284) »: what the autocomplete writes; the code decides.
        chosen = COMMUNE_WITH_CODE.match(value)
        try:
            self.commune = lookup.find_commune(chosen["code"] if chosen else value)
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


def _territories():
    return Territory.objects.defer("geometry", "geometry_simplified").select_related("phase")


def find_territory(text: str) -> Territory:
    """A territory from what the catalogue's field received: « PHASE/ti-XXXX » (the URL's form),
    « ti-XXXX » (latest phase first), or its name, accents and case ignored (latest phase first;
    « Nom (PHASE) » for another phase). Raises lookup.LookupError with a French message, and the
    candidates when the name is ambiguous or only part of some territories' names."""
    text = text.strip()
    by_code = PHASE_AND_ID.match(text)
    if by_code:
        territory = (
            _territories().filter(phase_id=by_code["phase"], ti_id__iexact=by_code["ti_id"]).first()
        )
        if territory is None:
            raise lookup.LookupError(
                f"Aucun Territoire d'industrie n'a l'identifiant « {text} » "
                "(attendu : phase/ti-…, par exemple 2023-2027/ti-7701)."
            )
        return territory
    if TI_ID.match(text):
        territory = _territories().filter(ti_id__iexact=text).order_by("-phase__number").first()
        if territory is None:
            raise lookup.LookupError(f"Aucun Territoire d'industrie n'a l'identifiant « {text} ».")
        return territory
    name, phases = text, Phase.objects.order_by("-number")
    with_phase = NAME_AND_PHASE.match(text)
    if with_phase and Phase.objects.filter(pk=with_phase["phase"].strip()).exists():
        name, phases = with_phase["name"], phases.filter(pk=with_phase["phase"].strip())
    wanted = normalize_search(name)
    for phase in phases:
        # Names are unique within a phase (the ANCT files); the latest phase's namesake wins.
        territory = _territories().filter(phase=phase, search_name=wanted).first()
        if territory is not None:
            return territory
    latest = phases.first()
    near = (
        list(
            _territories()
            .filter(phase=latest, search_name__contains=wanted)
            .order_by("name")[: MAX_CANDIDATES + 1]
        )
        if wanted and latest
        else []
    )
    if len(near) == 1:
        return near[0]
    if near:
        shown = near[:MAX_CANDIDATES]
        more = " (les dix premiers)" if len(near) > MAX_CANDIDATES else ""
        raise lookup.LookupError(
            f"Plusieurs Territoires d'industrie ont « {name.strip()} » dans leur nom : "
            f"choisissez-en un dans la liste{more}.",
            candidates=[f"{t.name} ({t.ti_id})" for t in shown],
        )
    raise lookup.LookupError(
        f"Aucun Territoire d'industrie ne s'appelle « {name.strip()} » : vérifiez son nom ou "
        "indiquez son identifiant (ti-…)."
    )
