"""Screens through the shared authorization layer (core.authz + plans/rules.py)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role
from plans.models import Action, PlanState
from plans.services import workflow
from plans.services.summary import plan_summary_by_axis


def url(name, territory, *args):
    return reverse(f"plans:{name}", args=[territory.phase_id, territory.ti_id, *args])


def action_data(**changes):
    data = {
        "code": "WEB-1",
        "title": "Action saisie en ligne",
        "axis": "competences",
        "maturity": "etude",
        "status": "en-cours",
        "total_cost": "1000",
        "carrier_siret": "",
        "financements-TOTAL_FORMS": "1",
        "financements-INITIAL_FORMS": "0",
        "financements-0-funder": "Région",
        "financements-0-amount": "250",
        "financements-0-state": "accorde",
        "indicateurs-TOTAL_FORMS": "1",
        "indicateurs-INITIAL_FORMS": "0",
        "indicateurs-0-name": "Personnes formées",
        "indicateurs-0-measures": "2025-12-31 : 12",
    }
    data.update(changes)
    return data


def test_anonymous_is_sent_to_sign_in_and_public_page_needs_a_validated_plan(client, plan):
    response = client.get(url("detail", plan.territory))
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/")
    assert client.get(url("public", plan.territory)).status_code == 404


def test_reader_sees_the_plan_but_cannot_edit(client, plan, person):
    binome = person(Role.BINOME, territory=plan.territory)
    client.force_login(binome)
    page = client.get(url("detail", plan.territory))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Transition écologique et énergétique" in html and "Synthèse par axe" in html
    assert "Nouvelle action" not in html
    assert client.get(url("action_create", plan.territory)).status_code == 403
    assert client.post(url("action_create", plan.territory), action_data()).status_code == 403
    assert not Action.objects.filter(code="WEB-1").exists()


def test_filters(client, plan, person):
    client.force_login(person(Role.ADMINISTRATEUR))
    page = client.get(url("detail", plan.territory), {"axe": "foncier"})
    shown = page.context["shown_count"]
    assert shown == plan.actions.filter(axis="foncier", archived=False).count() > 0
    funder = (
        plan.actions.filter(fundings__isnull=False)
        .values_list("fundings__funder", flat=True)
        .first()
    )
    page = client.get(url("detail", plan.territory), {"financeur": funder})
    assert (
        page.context["shown_count"]
        == plan.actions.filter(fundings__funder=funder).distinct().count()
    )


def test_project_lead_creates_edits_duplicates_archives(client, plan, person):
    lead = person(Role.CHEF_DE_PROJET, territory=plan.territory)
    client.force_login(lead)
    # Inline validation (htmx): errors come back, nothing is saved.
    checked = client.post(
        url("action_create", plan.territory), action_data(carrier_siret="123", _validate="1")
    )
    assert checked.status_code == 200 and "SIRET invalide" in checked.content.decode()
    assert not Action.objects.filter(code="WEB-1").exists()

    created = client.post(url("action_create", plan.territory), action_data())
    assert created.status_code == 302, created.content.decode()[:2000]
    action = Action.objects.get(plan=plan, code="WEB-1")
    assert action.fundings.get().amount == 250 and action.financing_rate == 0.25
    assert list(action.indicators.get().values.values_list("value", flat=True)) == [12]
    assert action.history.first().history_user == lead  # journaled with its author

    client.post(
        url("action_edit", plan.territory, "WEB-1"),
        action_data(
            title="Titre modifié",
            **{
                "financements-INITIAL_FORMS": "1",
                "financements-0-id": action.fundings.get().pk,
                "indicateurs-INITIAL_FORMS": "1",
                "indicateurs-0-id": action.indicators.get().pk,
            },
        ),
    )
    action.refresh_from_db()
    assert action.title == "Titre modifié"
    history = client.get(url("action_history", plan.territory, "WEB-1")).content.decode()
    assert "Titre modifié" in history and "Action saisie en ligne" in history

    client.post(url("action_duplicate", plan.territory, "WEB-1"))
    copy = Action.objects.get(plan=plan, code="WEB-1-copie")
    assert copy.fundings.count() == 1 and copy.title.startswith("Copie de")
    client.post(url("action_archive", plan.territory, "WEB-1"))
    action.refresh_from_db()
    assert action.archived


def test_lead_of_another_territory_is_refused(client, plan, other_territory, person):
    client.force_login(person(Role.CHEF_DE_PROJET, territory=other_territory))
    assert client.get(url("detail", plan.territory)).status_code == 403
    assert (
        client.post(url("action_archive", plan.territory, plan.actions.first().code)).status_code
        == 403
    )
    assert client.get(url("plan_export", plan.territory, "xlsx")).status_code == 403


def test_workflow_submit_then_validate_by_the_region_coordinator(client, plan, person):
    territory = plan.territory
    lead = person(Role.CHEF_DE_PROJET, territory=territory)
    client.force_login(lead)
    assert client.post(url("transition", territory, "valider")).status_code == 403
    client.post(url("transition", territory, "soumettre"), {"comment": "Prêt pour validation"})
    plan.refresh_from_db()
    assert plan.state == PlanState.SOUMIS

    departement_coordinator = person(Role.COORDINATEUR, departement=territory.principal_departement)
    client.force_login(departement_coordinator)
    assert client.post(url("transition", territory, "valider")).status_code == 403

    client.force_login(person(Role.COORDINATEUR, region=territory.regions.first()))
    client.post(url("transition", territory, "valider"), {"comment": "Conforme"})
    plan.refresh_from_db()
    assert plan.state == PlanState.VALIDE and plan.validated_at
    assert [(t.to_state, t.comment) for t in plan.transitions.all()] == [
        ("soumis", "Prêt pour validation"),
        ("valide", "Conforme"),
    ]


def test_public_view_and_summary_show_only_public_actions(client, plan):
    confidential = plan.actions.first()
    confidential.confidential, confidential.title = True, "Projet secret"
    confidential.carrier_name = "Jean Dupont EI"
    confidential.save()
    # A public action carried by a company (which may be a sole trader, a person): its title shows,
    # the carrier's name never. Set here, so the assertion below always runs.
    company = plan.actions.exclude(pk=confidential.pk).first()
    company.carrier_kind, company.carrier_name = "entreprise", "Martine Durand EI"
    company.confidential = company.archived = False
    company.save()
    assert plan_summary_by_axis(plan.territory) is None  # not validated yet
    workflow.apply_step(plan, workflow.STEPS["soumettre"])
    workflow.apply_step(plan, workflow.STEPS["valider"])

    page = client.get(url("public", plan.territory)).content.decode()
    assert "Projet secret" not in page and "Jean Dupont" not in page
    assert escape(company.title) in page and "Martine Durand" not in page
    summary = plan_summary_by_axis(plan.territory)
    assert summary.total.actions == plan.actions.filter(confidential=False, archived=False).count()


@pytest.mark.parametrize(
    "role, scope, allowed",
    [
        (Role.EQUIPE_NATIONALE, {}, True),
        (Role.COORDINATEUR, {"region": "own"}, True),
        (Role.COORDINATEUR, {"region": "other"}, False),
        (Role.CHEF_DE_PROJET, {"territory": "own"}, False),
    ],
)
def test_region_export_follows_permissions(client, plan, person, role, scope, allowed):
    from geo.models import Region

    own_region = plan.territory.principal_region
    other_region = Region.objects.exclude(pk=own_region.pk).first()
    resolved = {
        k: (own_region if v == "own" else other_region) if k == "region" else plan.territory
        for k, v in scope.items()
    }
    client.force_login(person(role, **resolved))
    response = client.get(reverse("plans:export"), {"region": own_region.pk, "format": "csv"})
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert plan.actions.first().code in response.content.decode("utf-8-sig")


def test_template_is_downloadable(client):
    response = client.get(reverse("plans:template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
