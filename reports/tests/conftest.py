"""Fixtures of the reports tests: the PDFs are written in a temporary MEDIA_ROOT."""

from __future__ import annotations

import pytest

from contacts.models import Level, Team, TeamMember
from plans.models import Action
from plans.services import workflow
from plans.tests.conftest import fill_plan
from territories.models import Territory

SECRET_ACTION = "Rachat confidentiel Zorglub"
SECRET_MEMBER = {
    "name": "Zéphyrine Cachée-Xq",
    "role_title": "Fonction-Secrète-Xq",
    "email": "zz.secret.xq@cache.example.org",
    "phone": "09 87 65 43 21",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ti_1108(real_data) -> Territory:
    return Territory.objects.get(phase_id="2023-2027", ti_id="ti-1108")


@pytest.fixture
def published_plan(ti_1108):
    """ti-1108's plan, validated, with one confidential action among the public ones."""
    plan = fill_plan(ti_1108, 6)
    secret = plan.actions.order_by("code").first()
    secret.title, secret.confidential = SECRET_ACTION, True
    secret.save()
    workflow.apply_step(plan, workflow.STEPS["soumettre"])
    plan.refresh_from_db()
    workflow.apply_step(plan, workflow.STEPS["valider"])
    return plan


@pytest.fixture
def contacts_77(real_data):
    """A département team with a public member and a member who is not public."""
    team = Team.objects.create(
        level=Level.DEPARTEMENT, departement_id="77", name="Mission Bravo", organisation="CD 77"
    )
    TeamMember.objects.create(
        team=team, name="Publique Echo", email="echo@example.org", public=True
    )
    TeamMember.objects.create(team=team, public=False, **SECRET_MEMBER)
    return team


def public_titles(plan) -> list[str]:
    return list(
        Action.objects.filter(plan=plan, confidential=False, archived=False).values_list(
            "title", flat=True
        )
    )
