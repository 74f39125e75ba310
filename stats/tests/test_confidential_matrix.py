"""Every profile of the permission matrix against one published plan holding a confidential action:
only those who may read the territory's plan (READERS_IN) get it in their totals, through the rule
(``stats.count_confidential``) and its database form alike. 0 leak."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.tests.matrix import PROFILES, READERS_IN, build_world
from plans.models import Action, ActionPlan, PlanState
from plans.services.publication import publish
from stats.services.access import confidential_territories, may_count_confidential
from stats.services.actions import action_figures
from stats.services.scope import Scope


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        plan = ActionPlan.objects.create(territory=world.territory, state=PlanState.VALIDE)
        for code, confidential in (("IN-01", False), ("IN-02", True)):
            Action.objects.create(
                plan=plan,
                code=code,
                title=f"[Exemple] {code}",
                axis="innovation",
                confidential=confidential,
            )
        publish(plan)
        yield world
        transaction.set_rollback(True)


@pytest.mark.parametrize("profile", PROFILES)
def test_confidential_actions_count_only_for_plan_readers(profile, world, db):
    user = None if profile == "anonyme" else world.users[profile]
    territory = world.territory
    allowed = profile in READERS_IN
    assert may_count_confidential(user, territory) is allowed
    territories = Scope.departement(territory.principal_departement_id).territories(territory.phase)
    assert confidential_territories(user, territories).filter(pk=territory.pk).exists() is allowed
    figures = action_figures(territory.phase, Scope.territory(territory.ti_id), user)
    assert (figures["total"], figures["confidentielles"]) == ((2, 1) if allowed else (1, 0))
