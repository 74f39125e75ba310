"""The press summary (« communiqué ») of a région or a département: sentences written from the data,
never typed. Every number comes from reports.services.figures (stats.services); the prepositions
from the COG's typeLiaison (geo.models: ``name_in``, ``name_of``).

Counts are those of the *principal* attribution (a territory counts in the région and the
département holding most of its population), as the programme's own announcements count; the
number of territories *touching* the area is stated beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.french import quantity
from geo.models import Departement, Region
from stats.definitions import counts_definition
from territories.models import Phase, Territory

from . import figures


@dataclass
class PressSummary:
    kind: str  # "region" or "departement"
    area: Region | Departement
    phase: Phase
    title: str
    paragraphs: list[str]
    territories: list[tuple[Territory, str]]  # (territory, its lineage label), principal ones
    touching_only: list[Territory]  # touching the area, principal elsewhere
    axes: list[dict] = field(default_factory=list)  # {"libelle", "total"}, public actions
    money: dict = field(default_factory=dict)  # {"sollicite", "accorde", "verse"}
    definitions: list[str] = field(default_factory=list)

    @property
    def touching_title(self) -> str:
        other = "un autre département" if self.kind == "departement" else "une autre région"
        return f"Territoires ayant des communes {self.area.name_in}, rattachés à {other}"

    @property
    def text(self) -> str:
        """The plain-text version (``?format=txt``)."""
        lines = [self.title, "=" * len(self.title), ""]
        for paragraph in self.paragraphs:
            lines += [paragraph, ""]
        if self.territories:
            lines.append(f"Territoires d'industrie {self.area.name_of} (phase {self.phase.code}) :")
            lines += [f"- {t.name} ({t.ti_id}) : {label}" for t, label in self.territories]
            lines.append("")
        if self.touching_only:
            lines.append(self.touching_title + " :")
            lines += [f"- {t.name} ({t.ti_id})" for t in self.touching_only]
            lines.append("")
        lines.append("Définitions :")
        lines += [f"- {d}" for d in self.definitions]
        return "\n".join(lines).rstrip() + "\n"


def euros(amount) -> str:
    """12345678.9 → « 12,3 millions d'euros »; below a million, to the euro."""
    amount = Decimal(amount or 0)
    if amount >= 1_000_000:
        millions = f"{amount / 1_000_000:.1f}".replace(".", ",").replace(",0", "")
        return f"{millions} million{'s' if amount >= 2_000_000 else ''} d'euros"
    return f"{int(amount):,} €".replace(",", "\u202f")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def get_area(kind: str, code: str) -> Region | Departement:
    model = Region if kind == "region" else Departement
    return get_object_or_404(model.objects.defer("geometry"), code=code.upper())


def _territories(ids: list[str], phase: Phase) -> dict[str, Territory]:
    return {
        t.ti_id: t
        for t in Territory.objects.filter(phase=phase, ti_id__in=ids)
        .only("ti_id", "name", "phase_id", "lineage_status")
        .order_by("name")
    }


def _join(parts: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    return ", ".join(parts[:-1]) + (" et " if len(parts) > 1 else "") + parts[-1]


LINEAGE_WORDS = {
    "nouveau": ("nouveau", "nouveaux"),
    "reconduit": ("reconduit à l'identique", "reconduits à l'identique"),
    "etendu": ("étendu", "étendus"),
    "reduit": ("réduit", "réduits"),
    "recompose": ("recomposé", "recomposés"),
}


def lineage_sentence(lineage: dict, count: int, phase: Phase) -> str:
    """« Par rapport à la phase 2019-2022, on compte 1 nouveau et 3 reconduits à l'identique… »."""
    previous = phase.previous()
    if previous is None or not count:
        return ""
    parts = []
    for status, (singular, plural) in LINEAGE_WORDS.items():
        number = lineage.get(status)
        if not number:
            continue
        if not parts:  # the first names what is counted
            if status == "nouveau":
                singular, plural = "nouveau territoire", "nouveaux territoires"
            else:
                singular, plural = f"territoire {singular}", f"territoires {plural}"
        parts.append(quantity(number, singular, plural))
    if not parts:
        return ""
    renewed = count - lineage.get("nouveau", 0)
    sentence = f"Par rapport à la phase {previous.code} : {_join(parts)}"
    if renewed:
        sentence += (
            f" ; {quantity(renewed, 'territoire prolonge', 'territoires prolongent')} "
            "donc un territoire de la phase précédente"
        )
    sentence += "."
    gone = lineage.get("non_reconduits") or 0
    if gone == 1:
        sentence += f" 1 territoire de la phase {previous.code} n'est pas reconduit."
    elif gone > 1:
        sentence += f" {gone} territoires de la phase {previous.code} ne sont pas reconduits."
    return sentence


def _first_sentence(kind: str, area, phase: Phase, m: int) -> str:
    where = area.name_in
    during = f"pour la phase {phase.code} du programme"
    if kind == "region":
        if m == 0:
            return f"Aucun territoire d'industrie n'est retenu {where} {during}."
        if m == 1:
            return f"Un territoire d'industrie est retenu {where} {during}."
        return f"{m} territoires d'industrie sont retenus {where} {during}."
    region = area.region
    if (
        region.departements.count() == 1
    ):  # Guadeloupe, La Réunion…: the same sentence as the région's
        return _first_sentence("region", area, phase, m)
    n = figures.area_counts(phase, "region", region.code)["principal"]["nombre"]
    if n == 0:
        return f"Aucun territoire d'industrie n'est retenu {region.name_in} {during}."
    if n == 1:
        verb = "se trouve" if m else "ne se trouve pas"
        return f"Le seul territoire d'industrie retenu {region.name_in} {during} {verb} {where}."
    found = f"on en trouve {m} {where}" if m else f"on n'en trouve aucun {where}"
    return f"Parmi les {n} territoires d'industrie retenus {region.name_in} {during}, {found}."


def _touching_sentence(kind: str, area, m: int, t: int) -> str:
    if t == m:
        return ""
    other = "un autre département" if kind == "departement" else "une autre région"
    several = "plusieurs départements" if kind == "departement" else "plusieurs régions"
    extra = t - m
    return (
        f"En comptant les territoires à cheval sur {several}, "
        f"{quantity(t, 'territoire a', 'territoires ont')} au moins une commune {area.name_in}, "
        f"dont {quantity(extra, 'rattaché', 'rattachés')} à titre principal à {other}."
    )


def build_press_summary(kind: str, code: str) -> PressSummary:
    if kind not in ("region", "departement"):
        raise Http404("Communiqué inconnu.")
    area = get_area(kind, code)
    phase = figures.latest_phase()
    if phase is None:
        raise Http404("Aucune phase n'est encore importée.")
    scope = (
        figures.Scope.region(area.code)
        if kind == "region"
        else figures.Scope.departement(area.code)
    )
    counts = figures.area_counts(phase, kind, area.code)
    principal, touching = counts["principal"], counts["touching"]
    m, t = principal["nombre"], touching["nombre"]
    principal_ids = [x["id"] for x in principal["territoires"]]
    found = _territories(principal_ids + [x["id"] for x in touching["territoires"]], phase)
    listed = sorted(
        ((found[i], found[i].get_lineage_status_display()) for i in principal_ids if i in found),
        key=lambda item: item[0].name,
    )
    touching_only = sorted(
        (found[x["id"]] for x in touching["territoires"] if x["id"] not in set(principal_ids)),
        key=lambda item: item.name,
    )
    data = figures.scope_figures(phase, scope)
    paragraphs = [_first_sentence(kind, area, phase, m), _touching_sentence(kind, area, m, t)]
    paragraphs.append(lineage_sentence(data["lineage"], m, phase))
    if kind == "region" and m:
        by_departement = figures.principal_counts(phase, "departement")
        shares = [
            f"{by_departement[d.code]} {d.name_in}"
            for d in area.departements.defer("geometry").order_by("code")
            if by_departement.get(d.code)
        ]
        if shares:
            paragraphs.append(f"Par département principal : {_join(shares)}.")
    actions = data["actions"]
    axes = [row for row in actions["par_axe_statut"] if row["total"]]
    if actions["total"]:
        detail = _join(
            [
                f"{quantity(row['total'], 'action', 'actions')} sur l'axe "
                f"« {_lower_first(row['libelle'])} »"
                for row in axes
            ]
        )
        total = quantity(actions["total"], "action publique", "actions publiques")
        paragraphs.append(f"Leurs plans d'action validés comptent {total} : {detail}.")
    elif m:
        paragraphs.append("Aucun de leurs plans d'action n'a encore été validé et publié.")
    money = data["money"]["total"]
    if money.get("sollicite"):
        paragraphs.append(
            f"Ces actions ont obtenu {euros(money['accorde'])} de financements accordés, "
            f"dont {euros(money['verse'])} déjà versés, pour {euros(money['sollicite'])} sollicités."
        )
    return PressSummary(
        kind=kind,
        area=area,
        phase=phase,
        title=f"Les Territoires d'industrie {area.name_of} (phase {phase.code})",
        paragraphs=[p for p in paragraphs if p],
        territories=listed,
        touching_only=touching_only,
        axes=axes,
        money=money,
        definitions=[counts_definition("principal"), counts_definition("touching")],
    )
