"""Every change is journalled with its author; readable per object and globally; not editable."""

from __future__ import annotations

import json

from django.urls import reverse

from accounts.models import Role, RoleAssignment
from accounts.services.journal import JournalFilters, journal, object_history
from offers.models import Operator


def test_a_change_through_the_api_is_journalled_with_its_author_and_fields(
    client, admin_user, make_user, territory
):
    target = make_user("cible@exemple.fr")
    client.force_login(admin_user)
    created = client.post(
        reverse("accounts-api:create_role"),
        json.dumps({"user_email": target.email, "role": Role.BINOME, "territory_id": territory.pk}),
        content_type="application/json",
    )
    assert created.status_code == 201
    assignment = RoleAssignment.objects.get(pk=created.json()["id"])
    assert (
        client.delete(reverse("accounts-api:delete_role", args=[assignment.pk])).status_code == 204
    )

    entries = object_history(assignment)
    assert [e.action for e in entries] == ["~", "+"]
    assert all(e.user == admin_user for e in entries)
    change = entries[0].changes
    assert [(c.field, c.old, c.new) for c in change] == [("actif", "oui", "non")]
    creation = {c.field: c.new for c in entries[1].changes}
    assert creation["rôle"] == "Binôme (élu ou industriel)" and creation["territoire"] == str(
        territory
    )


def test_object_history_page_and_global_journal_with_filters(client, admin_user, make_user):
    operator = Operator.objects.create(slug="bdt", name="Banque des Territoires")
    operator.name = "Banque des Territoires (CDC)"
    operator.save()
    client.force_login(admin_user)

    page = client.get(reverse("accounts:object_history", args=["offers", "operator", operator.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Banque des Territoires → Banque des Territoires (CDC)" in html

    only_operators = journal(JournalFilters(model_label="offers.operator"))
    assert [e.action for e in only_operators] == ["~", "+"]
    journal_page = client.get(
        reverse("accounts:journal"), {"model": "offers.operator", "action": "~"}
    )
    assert journal_page.status_code == 200
    assert "Banque des Territoires (CDC)" in journal_page.content.decode()
    assert len(journal_page.context["entries"]) == 1


def test_journal_export_is_a_csv_of_field_changes(client, admin_user):
    operator = Operator.objects.create(slug="ademe", name="ADEME")
    operator.delete()
    client.force_login(admin_user)
    response = client.get(reverse("accounts:journal_export"), {"model": "offers.operator"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("date;auteur;action")
    assert any(";Suppression;offers.operator;" in line and ";nom;ADEME;—" in line for line in lines)
    assert any(";Création;offers.operator;" in line and ";nom;—;ADEME" in line for line in lines)


def test_history_of_an_unjournalled_or_unknown_model_is_a_404(client, admin_user):
    client.force_login(admin_user)
    assert (
        client.get(reverse("accounts:object_history", args=["geo", "region", "11"])).status_code
        == 404
    )
    assert (
        client.get(reverse("accounts:object_history", args=["nope", "nope", "1"])).status_code
        == 404
    )


def test_a_person_reads_the_history_of_their_own_account(client, make_user):
    person = make_user("moi@exemple.fr")
    person.first_name = "Dominique"
    person.save()
    client.force_login(person)
    response = client.get(reverse("accounts:object_history", args=["auth", "user", person.pk]))
    assert response.status_code == 200 and "Dominique" in response.content.decode()
    assert "password" not in response.content.decode()


def test_the_journal_cannot_be_edited_from_the_admin(client, admin_user, settings):
    operator = Operator.objects.create(slug="bpi", name="Bpifrance")
    history_id = operator.history.get().history_id
    client.force_login(admin_user)
    url = reverse("admin:offers_operator_simple_history", args=[operator.pk, history_id])
    before = operator.history.count()
    response = client.post(url, {"slug": "bpi", "name": "Réécrit"})
    assert response.status_code in {302, 403}
    operator.refresh_from_db()
    assert operator.name == "Bpifrance" and operator.history.count() == before
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


def test_technical_fields_stay_out_of_the_journal(real_data):
    """An action's lost-update counter (``version``, editable=False) changes on every save: the
    journal shows what a person changed, not that counter."""
    from plans.models import Action, ActionPlan
    from territories.models import Territory

    plan = ActionPlan.objects.create(
        territory=Territory.objects.get(phase="2023-2027", ti_id="ti-1108")
    )
    action = Action.objects.create(plan=plan, code="J-1", title="Avant", axis="innovation")
    action.title, action.version = "Après", action.version + 1
    action.save()

    edit, creation = object_history(action)[:2]
    assert [(c.field, c.old, c.new) for c in edit.changes] == [("intitulé", "Avant", "Après")]
    assert "version" not in {c.field for c in creation.changes}


def test_journal_filters_are_labelled_without_optional_and_author_says_tous(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("accounts:journal")).content.decode()
    for name in ("model", "user", "action", "since", "until"):
        assert f'for="id_{name}"' in html
    assert "(Optionnel)" not in html  # a filter is optional by nature
    assert '<option value="" selected>Tous</option>' in html  # the author, not « --------- »
    assert 'class="fr-input"' in html and "fr-input-group" in html  # the dates stay DSFR inputs


def test_amounts_dates_and_times_are_journalled_in_french(real_data):
    # Walk of 2026-12-04: « montant versé (€) : — → 250000.00 », « versé le : — → 2026-12-04 ».
    from datetime import date
    from decimal import Decimal

    from plans.models import Action, ActionPlan, Funding
    from territories.models import Territory

    plan = ActionPlan.objects.create(
        territory=Territory.objects.get(phase="2023-2027", ti_id="ti-1108")
    )
    action = Action.objects.create(plan=plan, code="J-2", title="Fours", axis="innovation")
    funding = Funding.objects.create(
        action=action, funder="BdT", amount=Decimal("300000"), state="accorde"
    )
    funding.state, funding.paid_amount, funding.paid_on = (
        "verse",
        Decimal("250000"),
        date(2026, 12, 4),
    )
    funding.save()
    changes = {c.field: (c.old, c.new) for c in object_history(funding)[0].changes}
    assert changes["montant versé (€)"] == ("—", "250\xa0000")
    assert changes["versé le"] == ("—", "04/12/2026")
    assert changes["état"] == ("Accordé", "Versé")
