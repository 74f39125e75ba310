"""What the public sees of a plan is its last validated version, and validation refreshes it at once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role
from plans.models import Action, PlanState
from plans.services import publication, workflow
from plans.services.demo import demo_records
from plans.services.importing import PlanImportReport, upsert_records
from plans.services.summary import plan_summary_by_axis
from plans.tests.conftest import fill_plan
from public import caching


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    caching.clear()
    yield
    caching.clear()


def territory_url(territory):
    return reverse("public:territory", args=[territory.phase_id, territory.ti_id])


def plan_url(name, territory, *args):
    return reverse(f"plans:{name}", args=[territory.phase_id, territory.ti_id, *args])


def validate(plan, user=None, comment=""):
    if plan.state == PlanState.BROUILLON:
        workflow.apply_step(plan, workflow.STEPS["soumettre"], user)
        plan.refresh_from_db()
    workflow.apply_step(plan, workflow.STEPS["valider"], user, comment)
    plan.refresh_from_db()


def test_territory_page_renders_the_validated_summary_with_a_link(client, plan):
    public_actions = plan.actions.filter(confidential=False, archived=False)
    expected_count = public_actions.count()
    assert expected_count > 0
    validate(plan)
    html = client.get(territory_url(plan.territory)).content.decode()
    assert "PlanSummary(" not in html and "AxisSummary(" not in html and "Decimal(" not in html
    assert "Transition écologique et énergétique" in html
    assert f"{expected_count} actions publiques" in html
    assert plan_url("public", plan.territory) in html


def test_edits_after_validation_stay_off_the_public_site_until_validated_again(
    client, plan, person
):
    secret = plan.actions.filter(confidential=False).order_by("code").first()
    secret.confidential, secret.title = True, "Projet secret non publié"
    secret.save()
    edited = plan.actions.filter(confidential=False).order_by("code").first()
    original_title = edited.title
    national = person(Role.EQUIPE_NATIONALE)
    validate(plan, national)
    before = plan_summary_by_axis(plan.territory).total.actions

    lead = person(Role.CHEF_DE_PROJET, territory=plan.territory)
    client.force_login(lead)
    # Three edits: an imported new action, a title, an unticked « confidentielle ».
    new_record = demo_records(plan.territory, 13)[-1]
    upsert_records(
        [{**new_record, "title": "Action importée après validation", "confidential": False}],
        {plan.territory.ti_id: plan.territory},
        PlanImportReport("test", plan.territory.phase_id, dry_run=False),
    )
    edited.title = "Titre modifié après validation"
    edited._history_user = lead
    edited.save()
    secret.confidential = False
    secret.save()

    client.logout()
    for url in (territory_url(plan.territory), plan_url("public", plan.territory)):
        html = client.get(url).content.decode()
        for unpublished in ("Titre modifié après validation", "Projet secret", "Action importée"):
            assert unpublished not in html
    public_page = client.get(plan_url("public", plan.territory)).content.decode()
    assert escape(original_title) in public_page
    assert plan_summary_by_axis(plan.territory).total.actions == before
    plan.refresh_from_db()
    assert plan.state == PlanState.VALIDE

    # The team sees what changed, and by whom.
    client.force_login(lead)
    page = client.get(plan_url("detail", plan.territory)).content.decode()
    assert "Modifié depuis la validation" in page
    assert "Titre modifié après validation" in page and lead.email in page
    assert [s.name for s in workflow.available_steps(plan)] == ["resoumettre", "publier", "rouvrir"]

    # Anonymous page cached; a new validation shows at once (the cache key follows publications).
    client.logout()
    client.get(territory_url(plan.territory))
    workflow.apply_step(plan, workflow.STEPS["publier"], national, "Modifications acceptées")
    html = client.get(plan_url("public", plan.territory)).content.decode()
    for published in ("Titre modifié après validation", "Projet secret", "Action importée"):
        assert published in html
    summary_html = client.get(territory_url(plan.territory)).content.decode()
    assert f"{before + 2} actions publiques" in summary_html
    assert not publication.is_modified(plan)


def test_unchanged_validated_plan_offers_no_republication(plan):
    validate(plan)
    assert [s.name for s in workflow.available_steps(plan)] == ["rouvrir"]
    with pytest.raises(workflow.TransitionRefused):
        workflow.apply_step(plan, workflow.STEPS["publier"])


def test_a_plan_never_validated_has_no_public_page(client, plan):
    assert client.get(plan_url("public", plan.territory)).status_code == 404
    html = client.get(territory_url(plan.territory)).content.decode()
    assert "pas encore publié" in html


def test_reopened_plan_keeps_its_last_validated_version_public(client, plan):
    validate(plan)
    workflow.apply_step(plan, workflow.STEPS["rouvrir"])
    Action.objects.filter(plan=plan).update(title="Brouillon en cours")
    assert client.get(plan_url("public", plan.territory)).status_code == 200
    assert (
        "Brouillon en cours" not in client.get(plan_url("public", plan.territory)).content.decode()
    )


def test_one_action_is_written_in_the_singular(client, territory):
    plan = fill_plan(territory, 1)
    plan.actions.update(confidential=False, archived=False, status="en-cours")
    validate(plan)
    html = client.get(territory_url(territory)).content.decode()
    assert "1 action publique, dont 0 réalisée ;" in html


def test_changes_since_validation_read_amounts_dates_and_states_in_french(plan, person):
    # Walk of 2026-12-04: « montant versé (€) : « — » → « 250000.00 » ; état : « accorde » → « verse » ».
    from datetime import date
    from decimal import Decimal

    from plans.models import Funding

    action = plan.actions.order_by("code").first()
    funding = Funding.objects.create(
        action=action,
        funder="Banque des Territoires",
        amount=Decimal("300000"),
        state="accorde",
        granted_amount=Decimal("300000"),
    )
    validate(plan, person(Role.EQUIPE_NATIONALE))
    funding.state, funding.paid_amount, funding.paid_on = (
        "verse",
        Decimal("250000"),
        date(2026, 12, 4),
    )
    funding.save()
    [change] = [c for c in publication.changes_since_publication(plan) if c.fields]
    assert ("état", "Accordé", "Versé") in change.fields
    assert ("montant versé (€)", "—", "250\xa0000") in change.fields
    assert ("versé le", "—", "04/12/2026") in change.fields


def test_an_action_made_confidential_after_validation_leaves_the_public_site_at_once(
    client, plan, person
):
    """Unlike other edits, « confidentielle » protects someone: it cannot wait for the next
    validation. Ticked from the form and from the spreadsheet import, both leave the snapshot."""
    from plans.services.records import action_to_record, with_record_relations
    from plans.tests.test_team_screens import edit_data

    by_form, by_import, kept = plan.actions.filter(confidential=False, archived=False).order_by(
        "code"
    )[:3]
    for number, action in enumerate((by_form, by_import, kept)):
        action.title = f"Projet public numéro {number}"
        action.save()
    validate(plan, person(Role.EQUIPE_NATIONALE))
    public = plan_url("public", plan.territory)
    html = client.get(public).content.decode()
    assert all(f"Projet public numéro {n}" in html for n in range(3))

    client.force_login(person(Role.CHEF_DE_PROJET, territory=plan.territory))
    by_form.refresh_from_db()
    data = edit_data(by_form, title=by_form.title, confidential="on")
    saved = client.post(plan_url("action_edit", plan.territory, by_form.code), data)
    assert saved.status_code == 302
    record = action_to_record(with_record_relations(Action.objects.filter(pk=by_import.pk)).get())
    upsert_records(
        [{**record, "confidential": True}],
        {plan.territory.ti_id: plan.territory},
        PlanImportReport("test", plan.territory.phase_id, dry_run=False),
    )
    client.logout()

    html = client.get(public).content.decode()
    assert "Projet public numéro 0" not in html and "Projet public numéro 1" not in html
    assert "Projet public numéro 2" in html  # the others stay as validated
    snapshot = publication.published_plan(plan.territory)
    assert {by_form.code, by_import.code}.isdisjoint(a.code for a in snapshot.actions)


def test_the_axis_summary_keeps_each_percentage_on_one_line(client, plan):
    # « 50 » and « % (3/6) » were drawn on two lines in the public plan's table (walk of 2026-12-04)
    validate(plan)
    html = client.get(plan_url("public", plan.territory)).content.decode()
    cells = re.findall(r"</progress>\s*([^<]*)</td>", html)
    assert cells and all(re.fullmatch(r"\d+&nbsp;% \(\d+/\d+\)\s*", cell) for cell in cells), cells
    assert re.search(r'<th scope="row">Total</th><td>\d+</td><td>\d+&nbsp;%</td>', html)


def test_the_migration_withdraws_actions_made_confidential_before_the_rule(plan, person):
    """plans/migrations/0005: snapshots written before the rule lose their confidential actions."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "plans.migrations.0005_withdraw_confidential_from_publications"
    )
    validate(plan, person(Role.EQUIPE_NATIONALE))
    hidden, shown = plan.actions.filter(confidential=False, archived=False).order_by("code")[:2]
    Action.objects.filter(pk=hidden.pk).update(
        confidential=True
    )  # as before the rule: no withdrawal
    assert hidden.code in {a.code for a in publication.published_plan(plan.territory).actions}

    migration.withdraw(apps, None)

    codes = {a.code for a in publication.published_plan(plan.territory).actions}
    assert hidden.code not in codes and shown.code in codes
