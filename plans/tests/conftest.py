"""Fixtures of the plans tests: a real 2023-2027 territory, its plan with example actions, people with roles."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from plans.services.demo import demo_records, demo_territories
from plans.services.importing import PlanImportReport, upsert_records


@pytest.fixture
def territory(real_data):
    return demo_territories("2023-2027", 1)[0]


@pytest.fixture
def other_territory(real_data, territory):
    return demo_territories("2023-2027", 2)[1]


def fill_plan(territory, count: int, seed: int = 0):
    """``count`` deterministic example actions in the territory's plan; returns the plan."""
    upsert_records(
        demo_records(territory, count, seed),
        {territory.ti_id: territory},
        PlanImportReport("test", territory.phase_id, dry_run=False),
    )
    return territory.action_plan


@pytest.fixture
def plan(territory):
    return fill_plan(territory, 12)


@pytest.fixture
def person(db):
    """A user with a role: person(role, **scope)."""
    from accounts.services.roles import grant_role

    def make(role=None, **scope):
        User = get_user_model()
        email = f"{role or 'sans-role'}-{User.objects.count()}@plans.test"
        user = User.objects.create(username=email, email=email)
        if role:
            grant_role(user, role, **scope)
            user.refresh_from_db()
        return user

    return make
