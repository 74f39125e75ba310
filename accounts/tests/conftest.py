from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.services.roles import grant_role

PASSWORD = "Usine-Verte-2027!"


@pytest.fixture
def make_user(django_user_model):
    def make(email: str, *roles, password: str = PASSWORD):
        user = django_user_model.objects.create_user(username=email, email=email, password=password)
        for role, scope in roles:
            grant_role(user, role, **scope)
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def territory(db):
    from territories.models import Territory

    return (
        Territory.objects.filter(phase_id="2023-2027")
        .defer("geometry", "geometry_simplified")
        .order_by("ti_id")
        .first()
    )


@pytest.fixture
def admin_user(make_user):
    return make_user("admin@anct.test", (Role.ADMINISTRATEUR, {}))
