"""In chromium: the « Contacts » block of a commune page reads top-down, team first, then its people.

A DSFR tile orders its title and description with CSS flex ``order``: the members' list, which has
none, was drawn above the team's name (seen in the walk of 2026-12-04)."""

from __future__ import annotations

import pytest

from contacts.models import Level, TeamMember
from contacts.tests import factories_requests as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_team_name_is_shown_above_its_members(real_data, browser_context):
    team = f.team(Level.TERRITOIRE, f.meaux_territory(), name="[Exemple] Équipe projet")
    TeamMember.objects.create(
        team=team, name="[Exemple] Camille Publique", email="camille@example.org", public=True
    )
    page = browser_context(locale="fr-FR").new_page()
    page.goto("/communes/77284/")
    heading = page.get_by_role("heading", name="[Exemple] Équipe projet").bounding_box()
    member = page.get_by_text("[Exemple] Camille Publique").bounding_box()
    assert heading["y"] + heading["height"] <= member["y"]
