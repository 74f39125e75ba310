"""In chromium: a visitor on Meaux's commune page sends a request, a member of the territory's team
answers it from the inbox, and the answer reaches the visitor's mailbox (Django's test outbox: the
pages are served through the test client, in the test's own process and transaction)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from contacts.models import ContactRequest, RequestState
from contacts.tests import factories_requests as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_visitor_asks_and_the_team_answers(real_data, browser_context):
    teams = f.teams_around(f.meaux(), f.meaux_territory())
    visitor = browser_context(locale="fr-FR").new_page()
    visitor.goto("/communes/77284/")
    visitor.get_by_role("link", name="Contactez-nous à propos d'un projet à Meaux").click()
    visitor.wait_for_url("**/contact/?commune=77284")
    commune = visitor.get_by_label("Commune du projet")
    assert commune.input_value() == "Meaux (77284)"

    # The autocomplete (the public search's endpoint) writes the commune with its code.
    commune.fill("")
    commune.press_sequentially("Meau", delay=30)
    visitor.get_by_role("option", name="Meaux (77284)", exact=False).first.click()
    assert commune.input_value() == "Meaux (77284)"

    visitor.locator("label", has_text="Entreprise").first.click()
    visitor.get_by_label("Entreprise ou collectivité").fill("[Exemple] Usine de Meaux")
    visitor.get_by_label("SIRET de l'entreprise").fill("732 829 320 00074")
    visitor.get_by_label("Vos nom et prénom").fill("[Exemple] Camille Martin")
    visitor.get_by_label("Sujet").select_option("foncier")
    visitor.get_by_label("Votre message").fill("Nous cherchons 2 hectares pour une nouvelle ligne.")
    visitor.get_by_label("Adresse électronique").fill("camille@example.org")
    visitor.locator("label[for=id_consent]").click()
    visitor.get_by_role("button", name="Envoyer ma demande").click()
    visitor.get_by_text("Votre demande a bien été reçue").wait_for()
    request = ContactRequest.objects.get()
    assert request.reference in visitor.content()
    assert request.team == teams["territoire"]
    assert [m.to for m in mail.outbox] == [
        ["equipe-territoire@example.org"],
        ["camille@example.org"],
    ]

    member_client = Client()
    member_client.force_login(f.user("equipe-territoire@example.org"))
    member = browser_context(client=member_client, locale="fr-FR").new_page()
    member.goto("/contacts/demandes/")
    member.get_by_role("link", name=request.reference).click()
    member.get_by_role("button", name="Prendre en charge").click()
    member.get_by_text("Vous suivez cette demande.").wait_for()
    member.get_by_label("Votre réponse").fill(
        "Bonjour, la zone des Saints-Pères a 3 hectares libres."
    )
    member.get_by_role("button", name="Envoyer la réponse").click()
    member.get_by_text("Votre réponse est envoyée au demandeur.").wait_for()

    request.refresh_from_db()
    assert request.state == RequestState.REPONDUE and request.first_answered_at is not None
    answer = mail.outbox[-1]
    assert answer.to == ["camille@example.org"]
    assert request.reference in answer.subject
    assert "la zone des Saints-Pères a 3 hectares libres" in answer.body
