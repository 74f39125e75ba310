"""The predicates and querysets of accounts/permissions.py, against the real territories."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, RoleAssignment
from accounts.permissions import (
    is_administrator,
    is_coordinator_of_departement,
    is_coordinator_of_territory,
    is_operator_member,
    is_project_lead_of_territory,
    is_territory_reader,
)
from accounts.selectors import editable_territories, territories_followed_by
from accounts.services.roles import revoke_role
from offers.models import Operator
from territories.models import Territory


def _territories():
    return Territory.objects.defer("geometry", "geometry_simplified")


def test_region_coordinator_follows_exactly_the_territories_touching_its_region(
    make_user, territory
):
    region = territory.principal_region
    coordinator = make_user("coord@region.test", (Role.COORDINATEUR, {"region": region}))
    followed = set(territories_followed_by(coordinator).values_list("pk", flat=True))
    assert followed == set(_territories().filter(regions=region).values_list("pk", flat=True))
    assert territory.pk in followed
    outside = _territories().exclude(regions=region).first()
    assert not is_coordinator_of_territory(coordinator, outside)
    assert is_territory_reader(coordinator, territory) and not is_territory_reader(
        coordinator, outside
    )
    assert not editable_territories(coordinator).exists()


def test_coordinator_limited_to_a_phase(make_user, territory):
    from territories.models import Phase

    first_phase = Phase.objects.get(code="2019-2022")
    coordinator = make_user(
        "coord@dep.test",
        (Role.COORDINATEUR, {"departement": territory.principal_departement, "phase": first_phase}),
    )
    assert not is_coordinator_of_territory(coordinator, territory)  # a 2023-2027 territory
    followed = territories_followed_by(coordinator)
    assert followed.exists() and set(followed.values_list("phase_id", flat=True)) == {"2019-2022"}


def test_departement_coordinator_covers_its_departement_but_not_the_whole_region(make_user):
    from django.db.models import Count

    from geo.models import Region

    # A région of several départements (the first territory, in Guadeloupe, has none to compare:
    # an "if sibling" here let the check silently vanish).
    regions = Region.objects.annotate(size=Count("departements")).filter(size__gt=1)
    territory = (
        _territories()
        .filter(phase_id="2023-2027", principal_departement__region__in=regions)
        .order_by("ti_id")
        .first()
    )
    departement = territory.principal_departement
    coordinator = make_user("coord@pref.test", (Role.COORDINATEUR, {"departement": departement}))
    assert is_coordinator_of_departement(coordinator, departement)
    sibling = departement.region.departements.exclude(pk=departement.pk).order_by("pk").first()
    assert not is_coordinator_of_departement(coordinator, sibling)
    assert is_coordinator_of_departement(
        make_user("coord@region.test", (Role.COORDINATEUR, {"region": departement.region})),
        sibling,
    )
    assert set(territories_followed_by(coordinator).values_list("pk", flat=True)) == set(
        _territories().filter(departements=departement).values_list("pk", flat=True)
    )


def test_project_lead_edits_its_territories_only_and_loses_them_when_revoked(make_user, territory):
    other = _territories().exclude(pk=territory.pk).first()
    lead = make_user(
        "lead@ti.test",
        (Role.CHEF_DE_PROJET, {"territory": territory}),
        (Role.CHEF_DE_PROJET, {"territory": other}),
    )
    assert set(editable_territories(lead)) == {territory, other}
    assert is_project_lead_of_territory(lead, territory)

    revoke_role(RoleAssignment.objects.get(user=lead, territory=other))
    assert list(editable_territories(lead)) == [territory]
    assert not is_project_lead_of_territory(lead, other)
    assert set(territories_followed_by(lead)) == {territory}


def test_binome_reads_but_does_not_edit(make_user, territory):
    binome = make_user("elu@ti.test", (Role.BINOME, {"territory": territory}))
    assert is_territory_reader(binome, territory)
    assert not editable_territories(binome).exists()


def test_operator_member(make_user):
    bpi, ademe = (
        Operator.objects.create(slug="bpi", name="Bpifrance"),
        Operator.objects.create(slug="ademe", name="ADEME"),
    )
    member = make_user("agent@bpi.test", (Role.OPERATEUR, {"operator": bpi}))
    assert is_operator_member(member, bpi) and not is_operator_member(member, ademe)


def test_administrator_gets_the_admin_site_and_loses_it_with_the_role(make_user):
    admin = make_user("staff@anct.test", (Role.ADMINISTRATEUR, {}))
    assert admin.is_staff and is_administrator(admin)
    assert editable_territories(admin).count() == Territory.objects.count()
    revoke_role(admin.role_assignments.get())
    admin.refresh_from_db()
    assert not admin.is_staff and not is_administrator(admin)


def test_inactive_account_has_no_permission(make_user, territory):
    lead = make_user("parti@ti.test", (Role.CHEF_DE_PROJET, {"territory": territory}))
    lead.is_active = False
    lead.save()
    assert not is_project_lead_of_territory(lead, territory)
    assert not editable_territories(lead).exists()


@pytest.mark.parametrize(
    "role, scope, message",
    [
        (Role.CHEF_DE_PROJET, {}, "attend : territory"),
        (Role.ADMINISTRATEUR, {"territory": True}, "attend : aucun périmètre"),
        (Role.COORDINATEUR, {}, "exactement une région ou un département"),
        (Role.COORDINATEUR, {"territory": True}, "exactement une région ou un département"),
    ],
)
def test_role_scope_is_validated_in_french(make_user, territory, role, scope, message):
    user = make_user("x@exemple.fr")
    scope = {key: territory for key in scope}
    with pytest.raises(ValidationError, match=message):
        RoleAssignment(user=user, role=role, **scope).full_clean()
