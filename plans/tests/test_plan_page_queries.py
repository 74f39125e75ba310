"""A plan's page asks the database the same number of questions whatever its number of actions (the
programme 10x today's size has plans of 50 actions: docs/performance.md, scale_bench.py), and still
shows each reader what that reader may do."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from plans.tests.conftest import fill_plan


def _url(territory) -> str:
    return reverse("plans:detail", args=[territory.phase_id, territory.ti_id])


def test_the_plan_page_queries_do_not_grow_with_its_actions(
    client, territory, person, django_assert_max_num_queries
):
    client.force_login(person(Role.EQUIPE_NATIONALE))
    plan = fill_plan(territory, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(territory)).status_code == 200
    fill_plan(territory, 30)
    codes = list(plan.actions.filter(archived=False).values_list("code", flat=True))
    assert len(codes) > 20
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(_url(territory)).content.decode()
    for code in codes:  # each action listed, with its own link
        assert (
            f'href="{reverse("plans:action", args=[territory.phase_id, territory.ti_id, code])}"'
            in html
        )


def test_each_reader_sees_the_buttons_of_their_own_rights(client, territory, person):
    plan = fill_plan(territory, 6)
    secret = plan.actions.order_by("code").first()
    secret.title, secret.confidential = "Projet confidentiel du test", True
    secret.save()
    lead = person(Role.CHEF_DE_PROJET, territory=territory)
    binome = person(Role.BINOME, territory=territory)
    client.force_login(lead)
    as_lead = client.get(_url(territory)).content.decode()
    assert "Nouvelle action" in as_lead and "Importer un tableur" in as_lead
    client.force_login(binome)
    as_binome = client.get(_url(territory)).content.decode()
    # The binôme reads the plan, the confidential action included (it is the team's page), but is
    # offered nothing to edit, even right after the lead's visit.
    assert "Projet confidentiel du test" in as_binome and "Confidentielle" in as_binome
    assert "Nouvelle action" not in as_binome and "Importer un tableur" not in as_binome
    assert "Soumettre" not in as_binome
