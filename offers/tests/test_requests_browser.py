"""A full request cycle in Debian's chromium (no server: the root conftest's ``browser_context`` hands
each request to Django's test client): the project lead asks from an action, an operator's member
takes it, accepts it with an amount, the action's financements show it granted, the payment follows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from offers.models import RequestState, ServiceRequest
from offers.tests.factories_requests import make_action, make_operator, make_person, make_service
from plans.models import Funding
from plans.services.demo import demo_territories

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_request_from_an_action_to_its_payment(client, browser_context, real_data):
    territory = demo_territories("2023-2027", 1)[0]
    operator = make_operator()
    service = make_service(operator)
    action = make_action(territory, "NAV-1", title="[Exemple] Reconversion de la friche")
    lead = make_person(Role.CHEF_DE_PROJET, "chef", territory=territory)
    member = make_person(Role.OPERATEUR, "membre", operator=operator)
    action_url = reverse("plans:action", args=[territory.phase_id, territory.ti_id, action.code])

    # The project lead asks from the action's page.
    client.force_login(lead)
    page = browser_context(locale="fr-FR").new_page()
    page.goto(action_url)
    with page.expect_navigation():
        page.get_by_role("link", name="Demander un service").click()
    page.get_by_label("Service demandé").select_option(str(service.pk))
    page.get_by_label("Message à l'opérateur").fill("Pouvez-vous financer les études de sol ?")
    page.get_by_label("Montant demandé (€)").fill("150 000")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer la demande").click()
    assert page.locator("#etat-demande").text_content() == "Envoyée"
    request = ServiceRequest.objects.get()
    assert request.action == action and request.amount_requested == Decimal("150000")

    # An operator's member takes it, then accepts it with an amount.
    client.force_login(member)
    page.goto(reverse("offers-requests:list"))
    with page.expect_navigation():
        page.get_by_role("link", name=f"Demande n° {request.pk}").click()
    assert "Pouvez-vous financer les études de sol ?" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Prendre en charge").click()
    assert page.locator("#etat-demande").text_content() == "En cours d'examen"
    page.get_by_label("Montant accordé (€)").fill("120 000")
    page.get_by_label("Dispositif").fill("Études de sol")
    with page.expect_navigation():
        page.get_by_role("button", name="Accepter").click()
    assert page.locator("#etat-demande").text_content() == "Acceptée"
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTEE

    # The action's financements show it granted, once.
    client.force_login(lead)
    page.goto(action_url)
    row = page.locator("tr", has_text="Études de sol")
    assert row.count() == 1
    cells = [
        text.replace("\u202f", " ").replace("\u00a0", " ")
        for text in row.locator("td").all_inner_texts()
    ]
    assert cells[:5] == [operator.name, "Études de sol", "150 000", "120 000", "—"]
    assert "Accordé" in cells

    # The operator records the payment; the plan shows it paid.
    client.force_login(member)
    page.goto(reverse("offers-requests:detail", args=[request.pk]))
    page.get_by_label("Montant versé (€)").fill("60 000")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le versement").click()
    assert "60\u00a0000 €" in page.locator("#decision").inner_text()
    funding = Funding.objects.get(action=action)
    assert (funding.state, funding.granted_amount, funding.paid_amount) == (
        "verse",
        Decimal("120000"),
        Decimal("60000"),
    )
    client.force_login(lead)
    page.goto(action_url)
    texts = page.locator("tr", has_text="Études de sol").locator("td").all_inner_texts()
    assert "Versé" in texts
