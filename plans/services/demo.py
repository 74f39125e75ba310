"""Deterministic example plans (``territoires demo-plans``, tests, benchmark).

Same seed, same territory → same actions, so re-running the command changes nothing. Every title starts
with « [Exemple] » and every carrier is fictional: these plans must never pass for real data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from plans.models import (
    HEAVY_FIELDS,
    ActionStatus,
    Axis,
    CarrierKind,
    FundingState,
    Maturity,
    Priority,
)
from plans.services.importing import PlanImportReport, upsert_records
from plans.validation import luhn_is_valid
from territories.models import Phase, Territory

EXAMPLE_PREFIX = "[Exemple] "

AXIS_CODES = {
    Axis.TRANSITION_ECOLOGIQUE: "TE",
    Axis.INNOVATION: "IN",
    Axis.COMPETENCES: "CO",
    Axis.FONCIER: "FO",
}

TITLES = {
    Axis.TRANSITION_ECOLOGIQUE: [
        "Réseau de chaleur alimenté par la chaleur fatale de la zone industrielle",
        "Écologie industrielle territoriale : mutualisation des déchets des entreprises",
        "Décarbonation des fours de la fonderie",
        "Centrale photovoltaïque sur les toitures de la zone d'activités",
        "Boucle d'hydrogène renouvelable pour la logistique",
        "Récupération et réutilisation des eaux de process",
    ],
    Axis.INNOVATION: [
        "Plateforme d'essais pour la robotique collaborative",
        "Accélérateur industriel des PME du territoire",
        "Démonstrateur de fabrication additive métallique",
        "Diagnostics « industrie du futur » pour les PME",
        "Laboratoire commun entreprises-université sur les matériaux biosourcés",
    ],
    Axis.COMPETENCES: [
        "Campus des métiers de la maintenance industrielle",
        "Découverte des métiers de l'industrie pour les collégiens",
        "Groupement d'employeurs pour l'insertion et la qualification",
        "Formation des opérateurs à la conduite de lignes automatisées",
        "Logements temporaires pour les alternants et saisonniers de l'industrie",
    ],
    Axis.FONCIER: [
        "Requalification d'une friche industrielle",
        "Extension de la zone d'activités économiques",
        "Inventaire du foncier économique disponible",
        "Densification de la zone industrielle",
        "Portage foncier d'un site clé en main",
    ],
}
SUB_THEMES = {
    Axis.TRANSITION_ECOLOGIQUE: ["Énergie", "Économie circulaire", "Eau", ""],
    Axis.INNOVATION: ["Robotique", "Numérique", "Recherche partenariale", ""],
    Axis.COMPETENCES: ["Formation", "Attractivité des métiers", "Logement", ""],
    Axis.FONCIER: ["Friches", "Zones d'activités", "Sobriété foncière", ""],
}
CARRIERS = [
    (CarrierKind.ENTREPRISE, "Forges de l'Exemple SAS"),
    (CarrierKind.ENTREPRISE, "Plasturgie Fictive SA"),
    (CarrierKind.EPCI, "Communauté de communes (exemple)"),
    (CarrierKind.COLLECTIVITE, "Commune (exemple)"),
    (CarrierKind.ASSOCIATION, "Association industrielle (exemple)"),
    (CarrierKind.ETAT, "Opérateur de l'État (exemple)"),
]
FUNDERS = [
    ("État — ANCT", "Fonds vert — Territoires d'industrie en transition écologique"),
    ("État — ANCT", "Ingénierie Territoires d'industrie"),
    ("Banque des Territoires", "Ingénierie et prêts aux collectivités"),
    ("Région", "Aide à l'immobilier d'entreprise"),
    ("Département", "Fonds départemental d'investissement"),
    ("Bpifrance", "France 2030 — Industrialisation"),
    ("ADEME", "Fonds chaleur"),
    ("Union européenne", "FEDER"),
    ("État — préfecture", "Fonds friches"),
]
INDICATORS = [
    ("Emplois créés", "emplois"),
    ("Entreprises accompagnées", "entreprises"),
    ("Surface requalifiée", "ha"),
    ("Émissions évitées", "tCO2e/an"),
    ("Personnes formées", "personnes"),
]


def demo_siret(rng: random.Random) -> str:
    """A 14-digit number with a valid Luhn key (fictional, for the examples only)."""
    base = "".join(str(rng.randint(0, 9)) for _ in range(13))
    return next(base + str(key) for key in range(10) if luhn_is_valid(base + str(key)))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 500))


def demo_records(territory: Territory, count: int, seed: int = 0) -> list[dict]:
    """``count`` plausible action records for ``territory``, always the same for the same seed."""
    rng = random.Random(f"{seed}-{territory.phase_id}-{territory.ti_id}")
    communes = sorted(territory.territory_communes.values_list("commune__code", flat=True))
    phase = territory.phase
    span = max((phase.end_date - phase.start_date).days, 1)
    width = max(3, len(str(count)))
    axes = list(Axis)
    records = []
    for number in range(1, count + 1):
        axis = axes[(number - 1) % len(axes)]
        kind, carrier = rng.choice(CARRIERS)
        start = phase.start_date + timedelta(days=rng.randrange(0, span))
        end = start + timedelta(days=rng.randrange(90, 1500))
        status = rng.choice(list(ActionStatus))
        cost = _money(rng, 20_000, 5_000_000)
        fundings = []
        for _position in range(rng.randint(0, 3)):
            funder, scheme = rng.choice(FUNDERS)
            state = rng.choice(list(FundingState))
            requested = start - timedelta(days=rng.randrange(30, 200))
            decided = (
                requested + timedelta(days=rng.randrange(30, 120))
                if state != FundingState.SOLLICITE
                else None
            )
            paid = (
                decided + timedelta(days=rng.randrange(30, 300))
                if state == FundingState.VERSE
                else None
            )
            amount = (cost * rng.randint(5, 40) / 100).quantize(Decimal("1"))
            # A grant is often less than asked, a payment often a first instalment.
            granted = (
                (amount * rng.choice((50, 80, 100, 100)) / 100).quantize(Decimal("1"))
                if state in (FundingState.ACCORDE, FundingState.VERSE)
                else None
            )
            fundings.append(
                {
                    "funder": funder,
                    "scheme": scheme,
                    "amount": amount,
                    "state": state.value,
                    "granted_amount": granted,
                    "paid_amount": (
                        (granted * rng.choice((30, 100)) / 100).quantize(Decimal("1"))
                        if state == FundingState.VERSE
                        else None
                    ),
                    "requested_on": requested,
                    "decided_on": decided,
                    "paid_on": paid,
                }
            )
        indicators = []
        for name, unit in rng.sample(INDICATORS, rng.randint(0, 2)):
            target = Decimal(rng.randint(5, 200))
            values = tuple(
                sorted(
                    {
                        date(start.year + i, 12, 31): Decimal(rng.randint(0, int(target)))
                        for i in range(rng.randint(0, 2))
                    }.items()
                )
            )
            indicators.append({"name": name, "unit": unit, "target": target, "values": values})
        records.append(
            {
                "territory": territory.ti_id,
                "code": f"{AXIS_CODES[axis]}-{number:0{width}d}",
                "title": EXAMPLE_PREFIX + rng.choice(TITLES[axis]),
                "axis": axis.value,
                "sub_theme": rng.choice(SUB_THEMES[axis]),
                "description": "Action fictive générée pour la démonstration de la plateforme.",
                "objectives": "Illustrer le suivi des actions et de leurs financements.",
                "carrier_name": carrier,
                "carrier_kind": kind.value,
                "carrier_siret": demo_siret(rng) if kind == CarrierKind.ENTREPRISE else "",
                "partners": "Région ; CCI ; France Travail" if rng.random() < 0.5 else "",
                "maturity": rng.choice(list(Maturity)).value,
                "status": status.value,
                "priority": rng.choice([p.value for p in Priority] + [""]),
                "start_date": start,
                "end_date": end,
                "communes": tuple(
                    sorted(rng.sample(communes, min(len(communes), rng.randint(0, 3))))
                ),
                "total_cost": cost,
                "industrial_investment": _money(rng, 0, 20_000_000)
                if axis != Axis.COMPETENCES
                else None,
                "jobs_created": rng.randint(0, 120) if rng.random() < 0.6 else None,
                "jobs_maintained": rng.randint(0, 300) if rng.random() < 0.4 else None,
                "confidential": rng.random() < 0.1,
                "archived": False,
                "notes": ((start + timedelta(days=30), "Comité de pilotage : lancement confirmé."),)
                if rng.random() < 0.3
                else (),
                "fundings": tuple(fundings),
                "indicators": tuple(indicators),
            }
        )
    return records


def demo_territories(phase_code: str, count: int) -> list[Territory]:
    """The first ``count`` territories of the phase (by identifier) that have communes: a stable choice."""
    return list(
        Territory.objects.filter(phase_id=phase_code, commune_count__gt=0)
        .defer(*HEAVY_FIELDS)
        .select_related("phase")
        .order_by("ti_id")[:count]
    )


# The showcase: ti-1108 (the walkthrough's project lead) and the first territory, by identifier, of each
# of these mainland régions (Auvergne-Rhône-Alpes, Hauts-de-France, Occitanie, Bretagne, Nouvelle-
# Aquitaine, Grand Est, Normandie, Bourgogne-Franche-Comté, Centre-Val de Loire, Pays de la Loire,
# Provence-Alpes-Côte d'Azur, Corse, Île-de-France), each plan in one state of the workflow.
SHOWCASE_FIRST = "ti-1108"
SHOWCASE_REGIONS = ["84", "32", "76", "53", "75", "44", "28", "27", "24", "52", "93", "94", "11"]
VALIDATED_THEN_MODIFIED = "valide-modifie"
SENT_BACK = "renvoye"
SHOWCASE_STATES = [VALIDATED_THEN_MODIFIED, "valide", "soumis", "brouillon", SENT_BACK]
# The steps (plans/services/workflow.py) that lead to each state, with the comments shown.
STATE_STEPS = {
    "brouillon": [],
    "soumis": [("soumettre", "[Exemple] Plan prêt pour validation.")],
    "valide": [
        ("soumettre", "[Exemple] Plan prêt pour validation."),
        ("valider", "[Exemple] Plan conforme au cadre du programme."),
    ],
    VALIDATED_THEN_MODIFIED: [
        ("soumettre", "[Exemple] Plan prêt pour validation."),
        ("valider", "[Exemple] Plan conforme au cadre du programme."),
    ],
    SENT_BACK: [
        ("soumettre", "[Exemple] Plan prêt pour validation."),
        ("renvoyer", "[Exemple] Merci de compléter les financements sollicités."),
    ],
}
UPDATED_SUFFIX = " (mise à jour après validation)"


def showcase_territories(phase_code: str, count: int) -> list[Territory]:
    """ti-1108 (when in the phase), then one territory per mainland région: a stable choice."""
    territories = (
        Territory.objects.filter(phase_id=phase_code, commune_count__gt=0)
        .defer(*HEAVY_FIELDS)
        .select_related("phase")
        .order_by("ti_id")
    )
    chosen = list(territories.filter(ti_id=SHOWCASE_FIRST))
    used_regions = {t.principal_region_id for t in chosen}
    for region in SHOWCASE_REGIONS:
        if len(chosen) >= count:
            break
        if region in used_regions:
            continue
        first = territories.filter(principal_region_id=region).first()
        if first is not None:
            chosen.append(first)
            used_regions.add(region)
    if len(chosen) < count:  # phases with fewer régions: complete by identifier
        seen = {t.pk for t in chosen}
        chosen += [t for t in territories.exclude(pk__in=seen)[: count - len(chosen)]]
    return chosen[:count]


def _state_of(index: int) -> str:
    return SHOWCASE_STATES[index] if index < len(SHOWCASE_STATES) else "brouillon"


def _with_update(records: list[dict]) -> list[dict]:
    """The records once the first action was updated after the validation (an import would do it)."""
    first = {**records[0], "title": records[0]["title"] + UPDATED_SUFFIX}
    first["status"] = ActionStatus.EN_COURS.value
    return [first, *records[1:]]


def create_demo_plans(
    phase_code: str = "2023-2027",
    territories: int = 5,
    actions: int = 24,
    seed: int = 0,
    dry_run: bool = False,
) -> PlanImportReport:
    """Example plans in every state of the workflow (brouillon, soumis, validé, validé puis modifié,
    renvoyé en brouillon); run again, changes nothing."""
    from plans.models import ActionPlan
    from plans.services import workflow

    if not Phase.objects.filter(code=phase_code).exists():
        raise ValueError(
            f"Phase « {phase_code} » inconnue : chargez d'abord les territoires (make load)."
        )
    chosen = showcase_territories(phase_code, territories)
    plans = {p.territory_id: p for p in ActionPlan.objects.filter(territory__in=chosen)}
    pending_updates, pending_steps, records = [], [], []
    for index, territory in enumerate(chosen):
        state = _state_of(index)
        final = demo_records(territory, actions, seed)
        plan = plans.get(territory.pk)
        started = plan is not None and plan.transitions.exists()
        if state == VALIDATED_THEN_MODIFIED and final:
            final = _with_update(final)
            if not started:  # first run: validate the original, then update it
                records += demo_records(territory, actions, seed)
                pending_updates += final
            else:
                records += final
        else:
            records += final
        if not started:
            pending_steps.append((territory, STATE_STEPS[state]))
    report = PlanImportReport("démonstration", phase_code, dry_run)
    upsert_records(records, {t.ti_id: t for t in chosen}, report, reason="Plans de démonstration")
    if dry_run:
        return report
    for territory, steps in pending_steps:
        plan = ActionPlan.objects.filter(territory=territory).first()
        for name, comment in steps if plan else []:
            workflow.apply_step(plan, workflow.STEPS[name], None, comment, notify=False)
    if pending_updates:
        upsert_records(
            pending_updates,
            {t.ti_id: t for t in chosen},
            PlanImportReport("démonstration", phase_code, dry_run=False),
            reason="Plans de démonstration : mise à jour après validation",
        )
    return report
