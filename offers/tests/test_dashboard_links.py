"""« Mon espace » links to the service offer's pages (slot accounts.dashboard, offers/blocks_dashboard.py):
in the walk of 2026-12-04 an operator's member had no way from the header or « Mon espace » to the
requests, the ledger or the catalogue's management."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from offers.tests.factories_requests import make_operator, make_person

pytestmark = pytest.mark.django_db

LEDGER = 'href="/registre/"'
REQUESTS = 'href="/demandes-de-service/"'
FITTING = 'href="/registre/actions-a-accompagner/"'
MANAGE = 'href="/offre/gestion/"'


def dashboard(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/compte/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_operator_member_finds_requests_ledger_fitting_actions_and_catalogue():
    html = dashboard(make_person(Role.OPERATEUR, operator=make_operator()))
    assert "<h2>Offre de services</h2>" in html
    for link in (REQUESTS, LEDGER, FITTING, MANAGE):
        assert link in html


def test_the_national_team_finds_every_offer_page():
    html = dashboard(make_person(Role.EQUIPE_NATIONALE))
    for link in (REQUESTS, LEDGER, FITTING, MANAGE):
        assert link in html


def test_a_person_without_role_sees_no_offer_block():
    html = dashboard(make_person())
    assert "Offre de services</h2>" not in html
    for link in (REQUESTS, LEDGER, FITTING, MANAGE):
        assert link not in html
