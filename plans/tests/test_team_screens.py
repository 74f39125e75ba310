"""The team's side: concurrent edits, French amounts, the plans overview, workflow emails, « Mon espace »."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from geo.models import Departement
from plans.forms import FundingForm
from plans.models import Action, ActionPlan, PlanNotificationPreference, PlanState
from plans.services import workflow
from plans.services.exporting import export_actions
from plans.services.importing import import_plans
from plans.tests.test_views import action_data, url


def edit_data(action, **changes):
    """The edit form of ``action`` as a browser would post it, with its version as loaded."""
    data = action_data(
        code=action.code,
        title=action.title,
        axis=action.axis,
        version=str(action.version),
        **{"financements-TOTAL_FORMS": "0", "indicateurs-TOTAL_FORMS": "0"},
    )
    data.update(changes)
    return data


def test_second_concurrent_save_is_refused_and_told_what_changed(client, plan, person):
    action = plan.actions.order_by("code").first()
    first, second = (
        person(Role.CHEF_DE_PROJET, territory=plan.territory),
        person(Role.CHEF_DE_PROJET, territory=plan.territory),
    )
    loaded_by_second = edit_data(action, title="Titre de la seconde personne")
    client.force_login(first)
    saved = client.post(
        url("action_edit", plan.territory, action.code),
        edit_data(action, title="Titre de la première personne"),
    )
    assert saved.status_code == 302

    client.force_login(second)
    refused = client.post(url("action_edit", plan.territory, action.code), loaded_by_second)
    html = refused.content.decode()
    assert refused.status_code == 409
    assert first.email in html and "Titre de la première personne" in html
    assert "Rien n'a été enregistré" in html
    action.refresh_from_db()
    assert action.title == "Titre de la première personne"  # nothing overwritten
    # The form now carries the current version: saving again is a deliberate choice, and passes.
    assert refused.context["form"]["version"].value() == str(action.version)
    again = client.post(
        url("action_edit", plan.territory, action.code),
        {**loaded_by_second, "version": str(action.version)},
    )
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.title == "Titre de la seconde personne"


def _as_displayed(page) -> dict:
    """The edit form's fields as the browser sends them back untouched (forms and both formsets)."""
    data = {}
    forms = [page.context["form"]]
    for formset in (page.context["fundings"], page.context["indicators"]):
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(v) for v in value]
            elif value is not None:
                data[field.html_name] = field.field.widget.format_value(value) or ""
    return data


def test_saving_an_unchanged_action_writes_no_journal_entry(client, plan, person):
    action = plan.actions.order_by("code").first()
    client.force_login(person(Role.CHEF_DE_PROJET, territory=plan.territory))
    edit = url("action_edit", plan.territory, action.code)
    before = action.history.count()
    untouched = _as_displayed(client.get(edit))
    assert client.post(edit, untouched).status_code == 302
    assert action.history.count() == before
    action.refresh_from_db()
    assert action.version == 1

    assert client.post(edit, {**untouched, "title": "Nouveau titre"}).status_code == 302
    assert action.history.count() == before + 1


def test_a_form_opened_before_a_spreadsheet_import_cannot_save_over_it(
    client, plan, person, tmp_path
):
    action = plan.actions.order_by("code").first()
    lead = person(Role.CHEF_DE_PROJET, territory=plan.territory)
    opened_before = edit_data(action, title="Titre saisi avant l'import")
    path = tmp_path / "plan.csv"
    with path.open("wb") as stream:
        export_actions(Action.objects.filter(plan=plan), stream, "csv")
    path.write_text(path.read_text().replace(action.title, "Titre venu du tableur", 1))
    import_plans(path, plan.territory.phase_id, territory_id=plan.territory.ti_id)

    client.force_login(lead)
    refused = client.post(url("action_edit", plan.territory, action.code), opened_before)
    assert refused.status_code == 409
    action.refresh_from_db()
    assert action.title == "Titre venu du tableur"


@pytest.mark.parametrize(
    "typed", ["750000,50", "750 000,50", "750\u00a0000,50 €", "750\u202f000,50\u00a0€", "750000.50"]
)
def test_french_amounts_are_read_as_typed(typed):
    form = FundingForm({"funder": "Région", "amount": typed, "state": "sollicite"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("750000.50")


def test_money_fields_are_text_inputs_with_a_decimal_keyboard():
    widget = FundingForm()["amount"]
    html = str(widget)
    assert 'type="text"' in html and 'inputmode="decimal"' in html


def test_implausible_amounts_warn_without_blocking(client, plan, person):
    client.force_login(person(Role.CHEF_DE_PROJET, territory=plan.territory))
    response = client.post(
        url("action_create", plan.territory),
        action_data(
            total_cost="25 000",
            **{"financements-0-amount": "750000,50", "financements-0-state": "accorde"},
        ),
        follow=True,
    )
    action = Action.objects.get(plan=plan, code="WEB-1")
    assert action.fundings.get().amount == Decimal("750000.50")  # saved anyway
    html = response.content.decode()
    assert "Taux de financement de 3000 %" in html and "fr-alert--warning" in html


def test_overview_lists_plans_in_scope_with_filters(client, plan, other_territory, person):
    territory = plan.territory
    other_plan = ActionPlan.objects.create(territory=other_territory)
    ActionPlan.objects.filter(pk=other_plan.pk).update(
        updated_at=timezone.now() - timedelta(days=400)
    )
    workflow.apply_step(plan, workflow.STEPS["soumettre"])
    overview = reverse("plans:overview")

    client.force_login(person(Role.CHEF_DE_PROJET, territory=territory))
    assert client.get(overview).status_code == 403

    client.force_login(person(Role.EQUIPE_NATIONALE))
    page = client.get(overview)
    assert page.status_code == 200
    assert {p.pk for p in page.context["plans"]} == {plan.pk, other_plan.pk}
    assert [p.pk for p in client.get(overview, {"etat": "a-valider"}).context["plans"]] == [plan.pk]
    assert [p.pk for p in client.get(overview, {"etat": "en-retard"}).context["plans"]] == [
        other_plan.pk
    ]
    assert client.get(overview, {"etat": "modifie"}).context["plans"] == []
    workflow.apply_step(plan, workflow.STEPS["valider"])
    action = plan.actions.first()
    action.title = "Changé après validation"
    action.save()
    modified = client.get(overview, {"etat": "modifie"})
    assert [p.pk for p in modified.context["plans"]] == [plan.pk]
    html = modified.content.decode()
    assert 'for="id_etat"' in html and "Modifié depuis la validation" in html
    assert "Afficher\xa0(Optionnel)" not in html  # a filter is optional by nature
    assert reverse("plans:export") + "?format=xlsx" in html

    coordinator = person(Role.COORDINATEUR, region=territory.principal_region)
    client.force_login(coordinator)
    shown = {p.territory_id for p in client.get(overview).context["plans"]}
    assert territory.pk in shown
    assert all(
        territory.principal_region in t.regions.all()
        for t in type(territory).objects.filter(pk__in=shown)
    )
    html = client.get(overview).content.decode()
    assert f"region={territory.principal_region.pk}" in html


def test_workflow_emails_reach_the_right_people_with_the_comment(client, plan, person):
    territory = plan.territory
    lead = person(Role.CHEF_DE_PROJET, territory=territory)
    coordinator = person(Role.COORDINATEUR, region=territory.principal_region)
    national = person(Role.EQUIPE_NATIONALE)
    client.force_login(lead)
    client.post(url("transition", territory, "soumettre"), {"comment": "Prêt"})
    assert [m.to for m in mail.outbox] == [[coordinator.email]]  # the coordinator in scope
    assert territory.name in mail.outbox[0].subject and "Prêt" in mail.outbox[0].body

    mail.outbox.clear()
    client.force_login(coordinator)
    client.post(url("transition", territory, "renvoyer"), {"comment": "Ajoutez les montants"})
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert "renvoyé en brouillon" in mail.outbox[0].subject
    assert "Ajoutez les montants" in mail.outbox[0].body

    # The lead turns the emails off in « Mon espace »: nothing more for them.
    client.force_login(lead)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Recevoir les courriels des plans d'action" in dashboard
    assert url("detail", territory) in dashboard  # the lead's territory links to its plan
    # Someone no plan concerns (no role yet, an operator) is offered no plan email setting.
    client.force_login(person())
    assert "Recevoir les courriels" not in client.get(reverse("accounts:dashboard")).text
    client.force_login(lead)
    client.post(reverse("plans:notifications"), {})
    assert PlanNotificationPreference.objects.get(user=lead).workflow_emails is False
    client.post(url("transition", territory, "soumettre"))
    mail.outbox.clear()
    client.force_login(national)
    client.post(url("transition", territory, "valider"), {"comment": "Bravo"})
    plan.refresh_from_db()
    assert plan.state == PlanState.VALIDE and mail.outbox == []


def test_submission_also_informs_the_departement_coordinators_but_not_those_elsewhere(
    client, plan, person
):
    territory = plan.territory
    regional = person(Role.COORDINATEUR, region=territory.principal_region)
    departemental = person(Role.COORDINATEUR, departement=territory.principal_departement)
    elsewhere = person(
        Role.COORDINATEUR,
        departement=Departement.objects.exclude(pk__in=territory.departements.all()).first(),
    )
    client.force_login(person(Role.CHEF_DE_PROJET, territory=territory))
    client.post(url("transition", territory, "soumettre"))
    assert [m.to for m in mail.outbox] == [[regional.email, departemental.email]]
    assert elsewhere.email not in mail.outbox[0].to


def test_submission_goes_to_the_national_team_when_the_region_has_no_coordinator(
    client, plan, person
):
    national = person(Role.EQUIPE_NATIONALE)
    client.force_login(person(Role.CHEF_DE_PROJET, territory=plan.territory))
    client.post(url("transition", plan.territory, "soumettre"))
    assert [m.to for m in mail.outbox] == [[national.email]]


def test_plan_page_buttons_have_labels_and_wording_is_french(client, plan, person):
    client.force_login(person(Role.ADMINISTRATEUR))
    html = client.get(url("detail", plan.territory)).content.decode()
    assert "fr-btns-group--icon-left" in html  # without it DSFR shrinks icon buttons to the icon
    for name in ("axe", "statut", "maturite", "financeur", "archivees"):
        assert f'for="id_{name}"' in html
    # The label reads "… archivées\xa0(Optionnel)" when marked: look for the mark itself.
    assert not re.search(r"archivées\s*\(Optionnel\)", html)  # a checkbox is never "optional"
    assert (
        "Axe\xa0(Optionnel)" not in html and "Financeur\xa0(Optionnel)" not in html
    )  # nor a filter
    assert 'class="fr-select" id="id_axe"' in html or 'id="id_axe" class="fr-select"' in html
    action = plan.actions.filter(fundings__isnull=False).first()
    detail = client.get(url("action", plan.territory, action.code)).content.decode()
    assert '<caption class="fr-sr-only">' in detail  # no visible "Financements / Financements"
    form = client.get(url("action_edit", plan.territory, action.code)).content.decode()
    assert "Supprimer ce financement" in form and "Supprimer (" not in form
    assert "Confidentielle" in form and "Confidentielle (Optionnel)" not in form


def test_export_page_filters_and_admin_header_are_in_the_platform_s_words(client, person):
    client.force_login(person(Role.EQUIPE_NATIONALE))
    html = client.get(reverse("plans:export")).content.decode()
    for name in ("phase", "region", "departement", "format"):
        assert f'for="id_{name}"' in html
    assert "(Optionnel)" not in html  # a filter is optional by nature
    admin_html = client.get(reverse("admin:index")).content.decode()
    assert "Administration de Django" not in admin_html
    assert "Territoires d&#x27;industrie — administration des données" in admin_html


def test_action_dates_read_as_french_not_question_marks(client, plan, person):
    client.force_login(person(Role.ADMINISTRATEUR))
    action = plan.actions.first()
    Action.objects.filter(pk=action.pk).update(start_date=None, end_date=None)
    html = client.get(url("action", plan.territory, action.code)).content.decode()
    assert "? → ?" not in html and "<dt>Dates</dt><dd>—</dd>" in html
    Action.objects.filter(pk=action.pk).update(start_date="2025-03-01", end_date="2026-06-30")
    html = client.get(url("action", plan.territory, action.code)).content.decode()
    assert "<dt>Dates</dt><dd>du 01/03/2025 au 30/06/2026</dd>" in html
    Action.objects.filter(pk=action.pk).update(end_date=None)
    html = client.get(url("action", plan.territory, action.code)).content.decode()
    assert "<dt>Dates</dt><dd>à partir du 01/03/2025</dd>" in html
