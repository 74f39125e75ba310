"""Test factories for the contact requests (teams, members, accounts, requests)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts.models import ContactRequest, Level, RequestState, Team, TeamMember
from geo.models import Commune
from territories.models import Territory

MEAUX = "77284"
MEAUX_TERRITORY = ("2023-2027", "ti-1108")


def user(email: str, **fields):
    account = get_user_model().objects.create_user(username=email, email=email, **fields)
    return account


def team(level: str, area=None, name: str | None = None, members=()) -> Team:
    """A team of ``level`` covering ``area`` (a Territory, Departement or Region; None: national),
    with members given by email."""
    fields = {}
    if level == Level.TERRITOIRE:
        fields["territory"] = area
    elif level == Level.DEPARTEMENT:
        fields["departement"] = area
    elif level == Level.REGION:
        fields["region"] = area
    item = Team.objects.create(
        level=level,
        name=name or f"Équipe {level} {getattr(area, 'code', '') or getattr(area, 'ti_id', '')}",
        organisation="[Exemple] Organisation",
        **fields,
    )
    for email in members:
        TeamMember.objects.create(team=item, name=f"[Exemple] {email}", email=email)
    return item


def meaux() -> Commune:
    return Commune.objects.select_related("departement", "region").get(code=MEAUX)


def meaux_territory() -> Territory:
    return Territory.objects.get(phase_id=MEAUX_TERRITORY[0], ti_id=MEAUX_TERRITORY[1])


def teams_around(
    commune: Commune,
    territory=None,
    *,
    territoire=True,
    departement=True,
    region=True,
    national=True,
) -> dict[str, Team]:
    """One team per level covering ``commune``, each with one member (equipe-<level>@example.org)."""
    made = {}
    if territoire and territory is not None:
        made["territoire"] = team(
            Level.TERRITOIRE, territory, members=["equipe-territoire@example.org"]
        )
    if departement:
        made["departement"] = team(
            Level.DEPARTEMENT, commune.departement, members=["equipe-departement@example.org"]
        )
    if region:
        made["region"] = team(Level.REGION, commune.region, members=["equipe-region@example.org"])
    if national:
        made["national"] = team(Level.NATIONAL, None, members=["equipe-nationale@example.org"])
    return made


def contact_request(
    team: Team, commune: Commune | None = None, created_at: datetime | None = None, **fields
) -> ContactRequest:
    values = {
        "reference": fields.pop("reference", None)
        or f"DC-TEST-{ContactRequest.objects.count() + 1:06d}",
        "requester_kind": "entreprise",
        "organisation": "[Exemple] Usine",
        "name": "[Exemple] Camille Martin",
        "email": "demandeur@example.org",
        "phone": "01 23 45 67 89",
        "commune": commune or meaux(),
        "subject": "foncier",
        "message": "Nous cherchons un terrain de 2 hectares pour une nouvelle ligne.",
        "consent": True,
        "team": team,
        "state": RequestState.NOUVELLE,
        "created_at": created_at or timezone.now(),
    }
    values.update(fields)
    return ContactRequest.objects.create(**values)


def form_data(**overrides) -> dict:
    data = {
        "requester_kind": "entreprise",
        "organisation": "[Exemple] Usine de Meaux",
        "siret": "732 829 320 00074",
        "name": "[Exemple] Camille Martin",
        "commune": "Meaux (77284)",
        "subject": "foncier",
        "message": "Nous cherchons un terrain de 2 hectares pour une nouvelle ligne.",
        "email": "demandeur@example.org",
        "phone": "01 23 45 67 89",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def request_page_url() -> str:
    """The inbox page of one example request (for the accessibility test)."""
    existing = ContactRequest.objects.filter(reference="DC-2026-AXE001").first()
    if existing is None:
        national = team(Level.NATIONAL, None, members=["equipe-nationale@example.org"])
        existing = contact_request(national, reference="DC-2026-AXE001")
    return f"/contacts/demandes/{existing.reference}/"
