"""API v1's writing operations with a personal token: what a script sees, and what an attacker sends.

Who may call each operation is the permission matrix's (api/tests/matrix_write.py): here, that each
one writes through the screens' services, refuses bad input in French without writing, and tells a
stale or finished object with a 409.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import Role
from accounts.services.tokens import create_token
from contacts.models import Level
from contacts.models import RequestState as ContactState
from contacts.tests import factories_requests as contacts
from offers.models import RequestState, ServiceRequest
from offers.tests.factories_requests import make_action, make_operator, make_person, make_service
from plans.models import Action, ActionPlan, PlanState, PlanTransition
from territories.models import Territory

pytestmark = pytest.mark.django_db

PLAN = "/api/v1/plans/2023-2027/ti-1108"


@pytest.fixture
def meaux():
    return Territory.objects.defer("geometry", "geometry_simplified").get(
        phase_id="2023-2027", ti_id="ti-1108"
    )


def _token(user) -> dict:
    return {"Authorization": f"Bearer {create_token(user, 'essai', 30)[1]}"}


def _send(client, method, url, headers, data=None):
    body = json.dumps(data) if data is not None else ""
    return client.generic(method, url, body, content_type="application/json", headers=headers)


def test_lead_writes_actions_and_submits_the_plan(client, meaux):
    lead = _token(make_person(Role.CHEF_DE_PROJET, "chef", territory=meaux))

    created = _send(
        client,
        "POST",
        f"{PLAN}/actions",
        lead,
        {
            "code": "API-01",
            "titre": "[Exemple] Requalifier la friche",
            "axe": "innovation",
            "communes": ["77284"],
            "cout_total": "750 000,50",
        },
    )
    assert created.status_code == 201, created.content
    action = Action.objects.get(plan__territory=meaux, code="API-01")
    assert action.total_cost == Decimal("750000.50")
    assert [tc.commune.code for tc in action.communes.all()] == ["77284"]
    assert created.json()["version"] == 1 and created.json()["statut"] == action.status
    # A person's answer: kept by no browser or proxy; an anonymous read stays cacheable.
    assert created["Cache-Control"] == "private, no-store"
    read = client.get(f"{PLAN}/actions", headers=lead)
    assert read.status_code == 200 and "no-store" in read["Cache-Control"]
    public = client.get("/api/v1/phases")
    assert "no-store" not in public.get("Cache-Control", "")
    assert "Cookie" not in public.get("Vary", "")  # the session is not even read for a visitor

    changed = _send(
        client, "PATCH", f"{PLAN}/actions/API-01", lead, {"titre": "Nouveau titre", "version": 1}
    )
    assert changed.status_code == 200
    action.refresh_from_db()
    assert (action.title, action.version, action.total_cost) == (
        "Nouveau titre",
        2,
        Decimal("750000.50"),  # what was not sent is kept
    )
    # The version read is now stale: 409, nothing written.
    stale = _send(client, "PATCH", f"{PLAN}/actions/API-01", lead, {"titre": "X", "version": 1})
    assert stale.status_code == 409 and "modifiée" in stale.json()["detail"]
    assert Action.objects.get(pk=action.pk).title == "Nouveau titre"

    listed = _send(client, "GET", f"{PLAN}/actions", lead).json()
    assert [a["code"] for a in listed["actions"]] == ["API-01"]
    assert listed["plan"]["modifiable"] is True
    mine = _send(client, "GET", "/api/v1/moi/plans", lead).json()
    assert [(p["id"], p["actions"]) for p in mine["resultats"]] == [("ti-1108", 1)]

    submitted = _send(client, "POST", f"{PLAN}/soumission", lead, {"commentaire": "Prêt"})
    assert submitted.status_code == 200 and submitted.json()["etat"] == PlanState.SOUMIS
    transition = PlanTransition.objects.get(plan__territory=meaux)
    assert transition.comment == "Prêt" and transition.author.email.startswith("chef")
    again = _send(client, "POST", f"{PLAN}/soumission", lead, {})
    assert again.status_code == 409


def test_bad_input_is_refused_in_french_and_writes_nothing(client, meaux):
    lead = _token(make_person(Role.CHEF_DE_PROJET, "chef", territory=meaux))
    cases = [
        ("pas du json", 400, "JSON"),
        ([1, 2], 400, "objet JSON"),
        ({"code": "A", "titre": "T", "axe": "innovation", "pirate": 1}, 400, "pirate"),
        ({"code": "A", "titre": "T", "axe": "innovation", "communes": ["77\x00"]}, 400, "nul"),
        ({"code": "A", "titre": {"x": 1}, "axe": "innovation"}, 422, "titre :"),
        ({"code": "A", "titre": "T", "axe": "nulle-part"}, 422, "axe :"),
        ({"code": "A", "axe": "innovation"}, 422, "titre :"),
        ({"code": "A", "titre": "T", "axe": "innovation", "communes": ["75056"]}, 422, "75056"),
        (
            {"code": "A", "titre": "T", "axe": "innovation", "cout_total": "beaucoup"},
            422,
            "Montant",
        ),
    ]
    for body, status, said in cases:
        raw = body if isinstance(body, str) else json.dumps(body)
        response = client.post(
            f"{PLAN}/actions", raw, content_type="application/json", headers=lead
        )
        assert response.status_code == status, (body, response.content)
        assert said in response.json()["detail"]
    assert not Action.objects.filter(plan__territory=meaux).exists()
    missing = _send(client, "PATCH", f"{PLAN}/actions/NOPE", lead, {"titre": "X"})
    assert missing.status_code == 404
    unknown = _send(client, "GET", "/api/v1/plans/2023-2027/ti-9999/actions", lead)
    assert unknown.status_code == 404


def test_other_roles_get_403_and_learn_nothing(client, meaux):
    other = Territory.objects.filter(phase_id="2023-2027").exclude(pk=meaux.pk).order_by("ti_id")[0]
    action = make_action(meaux, code="SECRET-1", confidential=True)
    outsiders = [
        make_person(Role.CHEF_DE_PROJET, "chef-ailleurs", territory=other),
        make_person(Role.BINOME, "binome", territory=meaux),  # reads, never writes
    ]
    for person in outsiders:
        headers = _token(person)
        refused = _send(client, "PATCH", f"{PLAN}/actions/SECRET-1", headers, {"titre": "Pirate"})
        assert refused.status_code == 403
        assert refused.json() == {
            "detail": "Vous n'avez pas les droits nécessaires pour cette action."
        }
        # A code that does not exist answers the same 404 to everyone, after the territory's 403:
        # the territory (public) is checked first, so a refused person never learns an action exists.
        ghost = _send(client, "PATCH", f"{PLAN}/actions/NOPE", headers, {"titre": "Pirate"})
        assert ghost.status_code == 403
    action.refresh_from_db()
    assert action.title == "[Exemple] Friche"


def test_service_request_from_an_action_then_the_operators_decision(client, meaux):
    operator = make_operator()
    service = make_service(operator)
    action = make_action(meaux, code="EX-1", confidential=True)
    lead = _token(make_person(Role.CHEF_DE_PROJET, "chef", territory=meaux))
    member = _token(make_person(Role.OPERATEUR, "operateur", operator=operator))
    stranger = _token(
        make_person(Role.OPERATEUR, "autre", operator=make_operator("autre", "[Exemple] Autre"))
    )

    created = _send(
        client,
        "POST",
        "/api/v1/demandes-de-service",
        lead,
        {
            "phase": "2023-2027",
            "territoire": "ti-1108",
            "action": "EX-1",
            "service": service.pk,
            "message": "Un prêt pour la friche",
            "montant_demande": 100000,
        },
    )
    assert created.status_code == 201, created.content
    item = ServiceRequest.objects.get()
    assert created.json()["action"] == "EX-1" and item.amount_requested == Decimal("100000")
    assert any("Nouvelle demande" in m.subject for m in mail.outbox)  # the operator is told
    url = f"/api/v1/demandes-de-service/{item.pk}/decision"

    # The lead may not answer; another operator may not even read it.
    assert (
        _send(client, "POST", url, lead, {"attendu": "envoyee", "etat": "en-cours"}).status_code
        == 403
    )
    assert (
        _send(client, "POST", url, stranger, {"attendu": "envoyee", "etat": "en-cours"}).status_code
        == 403
    )
    assert (
        _send(
            client,
            "POST",
            "/api/v1/demandes-de-service/999999/decision",
            member,
            {"attendu": "envoyee", "etat": "en-cours"},
        ).status_code
        == 404
    )

    listed = _send(client, "GET", "/api/v1/demandes-de-service?etat=envoyee", member).json()
    assert [(r["id"], r["action"]) for r in listed["resultats"]] == [(item.pk, None)]
    assert _send(client, "GET", "/api/v1/demandes-de-service", stranger).json()["nombre"] == 0
    taken = _send(client, "POST", url, member, {"attendu": "envoyee", "etat": "en-cours"})
    assert taken.status_code == 200
    assert taken.json()["action"] is None  # a confidential action stays hidden from the operator
    stale = _send(
        client, "POST", url, member, {"attendu": "envoyee", "etat": "refusee", "message": "Non"}
    )
    assert stale.status_code == 409
    no_reason = _send(client, "POST", url, member, {"attendu": "en-cours", "etat": "refusee"})
    assert no_reason.status_code == 422 and "refus" in no_reason.json()["detail"]
    accepted = _send(
        client,
        "POST",
        url,
        member,
        {"attendu": "en-cours", "etat": "acceptee", "montant_accorde": "80000"},
    )
    assert accepted.status_code == 200 and accepted.json()["etat"] == RequestState.ACCEPTEE
    item.refresh_from_db()
    assert item.funding.granted_amount == Decimal("80000")
    assert item.funding.action_id == action.pk


def test_a_script_asks_for_a_service_by_the_id_the_catalogue_api_gives(client, meaux):
    """GET /api/v1/services names a service by its slug: POST takes that id as it is."""
    make_service(make_operator(), slug="pret-exemple")
    lead = _token(make_person(Role.CHEF_DE_PROJET, "chef", territory=meaux))
    listed = client.get("/api/v1/services?territoire=2023-2027/ti-1108").json()["resultats"]
    service_id = next(s["id"] for s in listed if s["id"] == "pret-exemple")

    body = {"phase": "2023-2027", "territoire": "ti-1108", "message": "Un prêt"}
    created = _send(
        client, "POST", "/api/v1/demandes-de-service", lead, {**body, "service": service_id}
    )
    assert created.status_code == 201, created.content
    assert ServiceRequest.objects.get().service.slug == "pret-exemple"

    unknown = _send(
        client, "POST", "/api/v1/demandes-de-service", lead, {**body, "service": "pas-un-service"}
    )
    assert unknown.status_code == 422
    assert "aucun service « pas-un-service »" in unknown.json()["detail"]
    assert ServiceRequest.objects.count() == 1


def test_contact_inbox_list_take_answer_close(client, meaux):
    commune = contacts.meaux()
    team = contacts.team(Level.TERRITOIRE, meaux, members=["membre@example.org"])
    other_team = contacts.team(Level.NATIONAL, None, members=["ailleurs@example.org"])
    item = contacts.contact_request(team, commune)
    contacts.contact_request(other_team, commune, reference="DC-AUTRE-1")
    member = _token(contacts.user("membre@example.org"))
    outsider = _token(contacts.user("ailleurs@example.org"))

    listed = _send(client, "GET", "/api/v1/demandes-de-contact", member).json()
    assert [r["reference"] for r in listed["resultats"]] == [item.reference]
    assert _send(client, "GET", "/api/v1/demandes-de-contact?etat=bidon", member).status_code == 400

    base = f"/api/v1/demandes-de-contact/{item.reference}"
    assert _send(client, "POST", f"{base}/prise", outsider).status_code == 403
    taken = _send(client, "POST", f"{base}/prise", member)
    assert taken.status_code == 200 and taken.json()["suivie_par"] == "membre@example.org"
    empty = _send(client, "POST", f"{base}/reponse", member, {"texte": ""})
    assert empty.status_code == 422
    mail.outbox.clear()
    answered = _send(client, "POST", f"{base}/reponse", member, {"texte": "Voici un terrain."})
    assert answered.status_code == 200 and answered.json()["etat"] == ContactState.REPONDUE
    assert [m.to for m in mail.outbox] == [["demandeur@example.org"]]
    assert _send(client, "POST", f"{base}/cloture", member).status_code == 200
    closed_again = _send(client, "POST", f"{base}/cloture", member)
    assert closed_again.status_code == 409 and "close" in closed_again.json()["detail"]
    assert (
        _send(client, "POST", "/api/v1/demandes-de-contact/DC-NOPE/cloture", member).status_code
        == 404
    )


def test_every_write_without_a_token_is_401(client, meaux):
    ActionPlan.objects.create(territory=meaux)
    for method, url in [
        ("GET", "/api/v1/moi/plans"),
        ("GET", f"{PLAN}/actions"),
        ("POST", f"{PLAN}/actions"),
        ("PATCH", f"{PLAN}/actions/X"),
        ("POST", f"{PLAN}/soumission"),
        ("POST", "/api/v1/demandes-de-service"),
        ("POST", "/api/v1/demandes-de-service/1/decision"),
        ("GET", "/api/v1/demandes-de-contact"),
        ("POST", "/api/v1/demandes-de-contact/X/prise"),
        ("POST", "/api/v1/demandes-de-contact/X/reponse"),
        ("POST", "/api/v1/demandes-de-contact/X/cloture"),
    ]:
        response = _send(client, method, url, {}, {})
        assert response.status_code == 401, url
        assert "Jeton d'API manquant" in response.json()["detail"]
