"""The move of ``Operator`` from accounts to offers keeps the existing rows, their ids and every link to
them (roles, invitations, the journal): migrate back to accounts 0005 (before the move), write rows with
the historical models, migrate forward, and find the same rows through today's models.

A transactional test (SQLite's schema changes cannot run inside the test's transaction), limited by
``available_apps`` to the apps it writes to: its teardown empties only their tables, not the real
reference data (geo, territories) that the session loaded once and later tests need. The schema goes
back to the latest migrations in ``finally`` whatever happens.

Slow: 16 s measured for the test itself on SQLite (2-core machine shared with six other sessions), most of
it unapplying and reapplying the migrations that depend on offers; 10.8 s on PostgreSQL, where it passes
too.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0005_french_field_labels"), ("offers", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


AVAILABLE = ["django.contrib.auth", "accounts", "offers"]


@pytest.fixture
def restored_schema():
    """The whole app registry during the test (the migration loader needs every app), the schema back
    to the latest migrations after it, and the registry limited again for the teardown's flush."""
    apps.unset_available_apps()
    try:
        yield
    finally:
        _migrate(_latest())
        apps.set_available_apps(AVAILABLE)


@pytest.mark.django_db(transaction=True, available_apps=AVAILABLE)
def test_operator_rows_and_roles_survive_the_move(restored_schema):
    old = _migrate(BEFORE)
    OldOperator = old.get_model("accounts", "Operator")
    assert OldOperator._meta.db_table == "accounts_operator"
    User = old.get_model("auth", "User")
    operator = OldOperator.objects.create(slug="operateur-ancien", name="Opérateur d'avant")
    old.get_model("accounts", "HistoricalOperator").objects.create(
        id=operator.pk,
        slug=operator.slug,
        name=operator.name,
        history_date="2026-01-01T00:00:00Z",
        history_type="+",
    )
    user = User.objects.create(username="membre@ancien.test", email="membre@ancien.test")
    role = old.get_model("accounts", "RoleAssignment").objects.create(
        user=user, role="operateur", operator=operator
    )
    invitation = old.get_model("accounts", "Invitation").objects.create(
        email="invite@ancien.test", token_hash="x" * 64, role="operateur", operator=operator
    )
    ids = (operator.pk, role.pk, invitation.pk, user.pk)

    _migrate(_latest())

    from django.contrib.auth import get_user_model

    from accounts.models import Invitation, RoleAssignment
    from accounts.permissions import is_operator_member
    from offers.models import Operator

    try:
        moved = Operator.objects.get(pk=ids[0])
        assert (moved.slug, moved.name) == ("operateur-ancien", "Opérateur d'avant")
        assert RoleAssignment.objects.get(pk=ids[1]).operator_id == moved.pk
        assert Invitation.objects.get(pk=ids[2]).operator_id == moved.pk
        assert list(moved.members.values_list("user_id", flat=True)) == [ids[3]]
        assert is_operator_member(get_user_model().objects.get(pk=ids[3]), moved)
        assert list(moved.history.values_list("name", flat=True)) == ["Opérateur d'avant"]
    finally:
        Invitation.objects.filter(pk=ids[2]).delete()
        RoleAssignment.objects.filter(pk=ids[1]).delete()
        Operator.history.filter(id=ids[0]).delete()
        Operator.objects.filter(pk=ids[0]).delete()
        get_user_model().objects.filter(pk=ids[3]).delete()
