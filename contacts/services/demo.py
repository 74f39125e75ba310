"""`territoires demo-contacts`: example teams for the demonstration (part of `make run DEMO=1`).

Deterministic and idempotent (teams keyed as by the import, members by email): the demo territory
ti-1108 (Nord Est 77), Seine-et-Marne, Île-de-France, the national team and one team per mainland
région. Every team and person is marked « [Exemple] », every address is on example.org (reserved,
RFC 2606): never a real person. Some members are public, some not, to show both on the pages.
"""

from __future__ import annotations

from django.db import transaction

from contacts.models import Level, Team, TeamMember
from contacts.services.routing import latest_phase
from geo.models import Departement, Region
from territories.models import Territory

DEMO_TERRITORY = "ti-1108"
DEMO_DEPARTEMENT = "77"
DEMO_REGION = "11"
# Mainland régions (Corse included), outside the overseas ones (codes 01 to 06).
MAINLAND_REGIONS = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")
FIRST_NAMES = ("Camille", "Dominique", "Claude", "Alix", "Sacha", "Maxime", "Morgan", "Lou")
LAST_NAMES = ("Exemple", "Fictif", "Modèle", "Démo", "Essai", "Specimen", "Témoin", "Prototype")

# (key, team, organisation, members: (role, public))
LOCAL = [
    (
        "territoire",
        "[Exemple] Équipe projet",
        "[Exemple] Territoire d'industrie Nord Est 77",
        [("Cheffe de projet", True), ("Chargé de mission industrie", False)],
    ),
    (
        "territoire",
        "[Exemple] Binôme élu et industriel",
        "[Exemple] Territoire d'industrie Nord Est 77",
        [("Élue référente", True), ("Industriel référent", False)],
    ),
    (
        "departement",
        "[Exemple] Mission développement économique",
        "[Exemple] Département de Seine-et-Marne",
        [("Chargée de mission entreprises", True), ("Directeur", False)],
    ),
    (
        "departement",
        "[Exemple] Sous-préfecture, développement économique",
        "[Exemple] Préfecture de Seine-et-Marne",
        [("Sous-préfet chargé du développement économique", False)],
    ),
    (
        "region",
        "[Exemple] Service industrie",
        "[Exemple] Région Île-de-France",
        [("Responsable du service industrie", True)],
    ),
    (
        "national",
        "[Exemple] Équipe nationale Territoires d'industrie",
        "[Exemple] Agence nationale de la cohésion des territoires",
        [("Chargée de mission nationale", True), ("Directeur de programme", False)],
    ),
]

# The territory's project team receives Meaux's requests before its binôme (both level
# « territoire »): by name alone « Binôme… » came first, and the demo's requests landed with the
# elected member and the industrialist (walk of 2026-12-04). The others keep the default.
PRIORITIES = {"[Exemple] Équipe projet": 10}


def _person(index: int) -> tuple[str, str]:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    slug = f"{first}.{last}.{index}".lower().translate(str.maketrans("éèô", "eeo"))
    return f"[Exemple] {first} {last}", f"{slug}@example.org"


def _team(area: dict, name: str, organisation: str, members, start: int) -> int:
    team, _ = Team.objects.update_or_create(
        **area,
        name=name,
        defaults={
            "organisation": organisation,
            "priority": PRIORITIES.get(name, Team._meta.get_field("priority").default),
        },
    )
    for offset, (role, public) in enumerate(members):
        person, email = _person(start + offset)
        TeamMember.objects.update_or_create(
            team=team,
            email=email,
            defaults={
                "name": person,
                "role_title": role,
                "phone": f"01 00 00 {(start + offset) // 100 % 100:02d} {(start + offset) % 100:02d}",
                "public": public,
            },
        )
    return start + len(members)


@transaction.atomic
def load_demo_contacts() -> list[str]:
    """Create or update the example teams; returns the lines of the command's summary."""
    phase = latest_phase()
    territory = (
        Territory.objects.filter(phase=phase, ti_id=DEMO_TERRITORY).only("pk").first()
        if phase
        else None
    )
    areas = {
        "territoire": {"level": Level.TERRITOIRE, "territory": territory},
        "departement": {
            "level": Level.DEPARTEMENT,
            "departement": Departement.objects.filter(code=DEMO_DEPARTEMENT).first(),
        },
        "region": {
            "level": Level.REGION,
            "region": Region.objects.filter(code=DEMO_REGION).first(),
        },
        "national": {"level": Level.NATIONAL},
    }
    lines, index, count = [], 0, 0
    for level, name, organisation, members in LOCAL:
        area = areas[level]
        if level != "national" and not any(v for k, v in area.items() if k != "level"):
            lines.append(f"Ignoré (référentiel non chargé) : {name}")
            index += len(members)
            continue
        index = _team(area, name, organisation, members, index)
        count += 1
    for position, region in enumerate(Region.objects.filter(code__in=MAINLAND_REGIONS)):
        if region.code == DEMO_REGION:
            continue
        index = _team(
            {"level": Level.REGION, "region": region},
            "[Exemple] Service développement économique",
            f"[Exemple] Région {region.name}",
            [("Chargé de mission industrie", position % 2 == 0)],
            index,
        )
        count += 1
    lines.append(f"{count} équipes d'exemple créées ou mises à jour (adresses sur example.org).")
    return lines
