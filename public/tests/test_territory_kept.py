"""A territory's public page for signed-in readers: its content is kept by data version
(stats/services/keep.py through public/views.py), the same for every reader, follows the data at once,
and costs a number of queries that does not grow with the size of the plan."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.services.roles import grant_role
from offers.models import RequestState, ServiceRequest
from offers.tests.factories_ledger import operator, service
from plans.models import PlanState
from plans.services import workflow
from plans.services.demo import demo_records, demo_territories
from plans.services.importing import PlanImportReport, upsert_records
from stats.services import keep

SECRET = "Projet industriel tenu secret"


def _plan(territory, count: int):
    upsert_records(
        demo_records(territory, count, 0),
        {territory.ti_id: territory},
        PlanImportReport("test", territory.phase_id, dry_run=False),
    )
    return territory.action_plan


def _validate(plan):
    if plan.state == PlanState.VALIDE:  # modified since: « Valider et publier les modifications »
        workflow.apply_step(plan, workflow.STEPS["publier"], None, notify=False)
        plan.refresh_from_db()
        return
    if plan.state == PlanState.BROUILLON:
        workflow.apply_step(plan, workflow.STEPS["soumettre"], None, notify=False)
        plan.refresh_from_db()
    workflow.apply_step(plan, workflow.STEPS["valider"], None, notify=False)
    plan.refresh_from_db()


def _user(role, **scope):
    User = get_user_model()
    email = f"{role}-{User.objects.count()}@public.test"
    user = User.objects.create(username=email, email=email)
    grant_role(user, role, **scope)
    return user


def _url(territory) -> str:
    return reverse("public:territory", args=[territory.phase_id, territory.ti_id])


def _accepted(plan, action):
    offer = service(operator(), title="Service du test de la page publique")
    return ServiceRequest.objects.create(
        service=offer,
        operator=offer.operator,
        territory=plan.territory,
        action=action,
        message="Demande.",
        state=RequestState.ACCEPTEE,
    )


@pytest.fixture
def territories(real_data):
    return demo_territories("2023-2027", 2)


def test_the_queries_of_a_territory_page_do_not_grow_with_its_plan(
    client, territories, django_assert_max_num_queries
):
    territory = territories[0]
    client.force_login(_user(Role.EQUIPE_NATIONALE))
    requested = set()

    def publish(count):
        plan = _plan(territory, count)
        _validate(plan)
        for action in plan.actions.filter(confidential=False, archived=False):
            if action.pk not in requested:
                requested.add(action.pk)
                _accepted(plan, action)
        keep.clear()

    publish(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(territory)).status_code == 200
    publish(30)
    assert len(requested) > 10
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(_url(territory)).content.decode()
    assert html.count("Service du test de la page publique") == len(requested)
    # Shown again: the content is kept; what is left is the session, the user, the data stamp and
    # the DSFR header's configuration.
    with django_assert_max_num_queries(6):
        assert client.get(_url(territory)).content.decode().count(
            "Service du test de la page publique"
        ) == len(requested)


def test_kept_content_follows_the_data_and_never_shows_a_confidential_action(client, territories):
    territory = territories[0]
    plan = _plan(territory, 4)
    public = plan.actions.filter(confidential=False, archived=False).order_by("code")
    shown, hidden = public[0], public[1]
    shown.title = "Action publique du test"
    shown.save()
    hidden.title, hidden.confidential = SECRET, True
    hidden.save()
    _validate(plan)
    _accepted(plan, shown)
    _accepted(plan, hidden)
    count = plan.actions.filter(confidential=False, archived=False).count()
    # The national team, who may read the confidential action on the plan's page, builds the kept
    # content first: it still holds only what the public sees.
    client.force_login(_user(Role.EQUIPE_NATIONALE))
    first = client.get(_url(territory)).content.decode()
    assert "Action publique du test" in first and SECRET not in first
    assert f"{count} actions publiques" in first
    assert "/modifier/" not in first and "Nouvelle action" not in first
    lead = _user(Role.CHEF_DE_PROJET, territory=territory)
    client.force_login(lead)
    assert SECRET not in client.get(_url(territory)).content.decode()
    client.logout()
    assert SECRET not in client.get(_url(territory)).content.decode()
    # An action made confidential and a new validation: every reader sees it at once (the data
    # stamp moved).
    shown.confidential = True
    shown.save()
    _validate(plan)
    client.force_login(lead)
    again = client.get(_url(territory)).content.decode()
    assert "Action publique du test" not in again
    assert f"{count - 1} action" in again
