"""The data version (core/datastamp.py, parts registered in public/apps.py) moves with every kind of
published data, so that every server's caches follow a change made elsewhere."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from contacts.models import Team, TeamMember
from offers.models import Operator
from public.services.versioning import data_version, territories_version
from territories.models import Phase

pytestmark = pytest.mark.django_db


def test_the_public_contacts_move_the_data_version_not_the_territories_one():
    before, territories = data_version(), territories_version()
    team = Team.objects.create(level="national", name="Équipe nationale", organisation="ANCT")
    after_team = data_version()
    TeamMember.objects.create(
        team=team, name="Dominique Exemple", email="d@example.org", public=True
    )
    assert len({before, after_team, data_version()}) == 3
    assert territories_version() == territories
    team.delete()
    assert data_version() not in {before, after_team}


def test_an_operator_moves_the_data_version():
    before = data_version()
    Operator.objects.create(name="[Exemple] Banque", slug="exemple-banque")
    assert data_version() != before


def test_a_phase_import_moves_both_versions():
    before, territories = data_version(), territories_version()
    phase = Phase.objects.order_by("-number").first()
    phase.imported_at = timezone.now()
    phase.save()
    assert data_version() != before
    assert territories_version() != territories


def test_a_rolled_back_write_never_lends_its_version_to_the_next_one():
    """SQLite gives a rolled-back insert's id back: the journal's date keeps the versions apart (a page
    cached during the rolled-back transaction must not be served after the next write)."""
    team = Team.objects.create(level="national", name="Équipe nationale", organisation="ANCT")
    with pytest.raises(RuntimeError), transaction.atomic():
        TeamMember.objects.create(team=team, name="Annulé", email="a@example.org")
        seen_inside = data_version()
        raise RuntimeError("annulation")
    TeamMember.objects.create(team=team, name="Gardé", email="g@example.org")
    assert data_version() != seen_inside
