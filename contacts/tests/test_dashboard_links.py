"""« Mon espace » links to the contacts' pages (slot accounts.dashboard, contacts/blocks_dashboard.py):
in the walk of 2026-12-04 a team member had no way from the header or « Mon espace » to the inbox."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from accounts.services.roles import grant_role
from contacts.models import Level
from contacts.tests import factories_requests as f

pytestmark = pytest.mark.django_db

INBOX = 'href="/contacts/demandes/"'
TEAMS = 'href="/contacts/equipes/"'
COVERAGE = 'href="/contacts/couverture/"'


def dashboard(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/compte/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_team_member_without_role_finds_the_inbox_only():
    f.team(Level.NATIONAL, None, members=["membre@example.org"])
    html = dashboard(f.user("membre@example.org"))
    assert INBOX in html
    assert TEAMS not in html and COVERAGE not in html


def test_the_national_team_finds_inbox_teams_and_coverage():
    user = f.user("nationale@example.org")
    grant_role(user, Role.EQUIPE_NATIONALE)
    html = dashboard(user)
    for link in (INBOX, TEAMS, COVERAGE):
        assert link in html


def test_a_person_without_role_nor_team_sees_no_contacts_block():
    html = dashboard(f.user("personne@example.org"))
    assert "Contacts et demandes</h2>" not in html
    assert INBOX not in html
