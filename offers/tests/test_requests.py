"""Requests for services: workflow, illegal and concurrent transitions, emails, the decision recorded
once in the action's financements and edited from either side, visibility and confidentiality."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from offers.models import RequestMessage, RequestState, ServiceRequest
from offers.services import requests as service
from offers.tests.factories_requests import (
    make_action,
    make_operator,
    make_person,
    make_request,
    make_service,
)
from plans.models import Funding
from plans.services.demo import demo_territories

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(real_data):
    return demo_territories("2023-2027", 1)[0]


@pytest.fixture
def scene(territory):
    operator = make_operator()
    other_operator = make_operator("autre-operateur", "[Exemple] Autre opérateur")
    return {
        "territory": territory,
        "operator": operator,
        "service": make_service(operator),
        "action": make_action(territory),
        "lead": make_person(Role.CHEF_DE_PROJET, "chef", territory=territory),
        "member": make_person(Role.OPERATEUR, "membre", operator=operator),
        "colleague": make_person(Role.OPERATEUR, "collegue", operator=operator),
        "outsider": make_person(Role.OPERATEUR, "autre", operator=other_operator),
    }


def detail(pk):
    return reverse("offers-requests:detail", args=[pk])


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_full_cycle_through_the_screens(client, scene):
    territory, action, lead, member = (
        scene["territory"],
        scene["action"],
        scene["lead"],
        scene["member"],
    )
    client.force_login(lead)
    action_page = client.get(
        reverse("plans:action", args=[territory.phase_id, territory.ti_id, action.code])
    ).content.decode()
    assert "Demander un service" in action_page
    create_url = reverse("offers-requests:create", args=[territory.phase_id, territory.ti_id])
    form_page = client.get(create_url, {"action": action.code}).content.decode()
    assert "Services ouverts" in form_page and scene["service"].title in form_page
    response = client.post(
        create_url,
        {
            "action": action.code,
            "service": scene["service"].pk,
            "message": "Pouvez-vous financer la friche ?",
            "amount_requested": "120 000",
        },
    )
    created = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(created.pk)
    assert (created.action, created.operator, created.amount_requested) == (
        action,
        scene["operator"],
        Decimal("120000"),
    )
    # The operator's members are told, nobody else (not the other operator, not the lead).
    assert recipients() == {member.email, scene["colleague"].email}
    assert "Pouvez-vous financer la friche ?" in mail.outbox[0].body

    mail.outbox.clear()
    client.force_login(member)
    page = client.get(detail(created.pk)).content.decode()
    assert "Prendre en charge" in page and "Pouvez-vous financer la friche ?" in page
    response = client.post(
        reverse("offers-requests:transition", args=[created.pk]),
        {"expected": "envoyee", "new": "en-cours", "body": ""},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.state == RequestState.EN_COURS
    assert recipients() == {lead.email}

    mail.outbox.clear()
    response = client.post(
        reverse("offers-requests:accept", args=[created.pk]),
        {
            "expected": "en-cours",
            "granted_amount": "90 000",
            "decided_on": "2026-12-04",
            "scheme": "Prêt friches",
            "body": "Accordé pour 90 000 €.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created.refresh_from_db()
    assert created.state == RequestState.ACCEPTEE and created.decided_at is not None
    assert recipients() == {lead.email}
    funding = Funding.objects.get(action=action)
    assert created.funding == funding
    assert (funding.funder, funding.scheme, funding.state) == (
        scene["operator"].name,
        "Prêt friches",
        "accorde",
    )
    assert (funding.amount, funding.granted_amount, funding.paid_amount) == (
        Decimal("120000"),
        Decimal("90000"),
        None,
    )
    # Journalled with the operator's member as author.
    assert funding.history.first().history_user == member

    response = client.post(
        reverse("offers-requests:payment", args=[created.pk]),
        {"paid_amount": "45 000", "paid_on": "2026-12-10"},
    )
    assert response.status_code == 302
    funding.refresh_from_db()
    assert (funding.state, funding.paid_amount, str(funding.paid_on)) == (
        "verse",
        Decimal("45000"),
        "2026-12-10",
    )
    # The action's financements show the decision once, with its three amounts.
    client.force_login(lead)
    page = client.get(
        reverse("plans:action", args=[territory.phase_id, territory.ti_id, action.code])
    ).content.decode()
    assert page.count("Prêt friches") == 1
    # French amounts, without Decimal's idle cents (walk of 2026-12-04: « 90 000,00 »).
    for amount in ("120\xa0000", "90\xa0000", "45\xa0000"):
        assert f"<td>{amount}</td>" in page
    assert action.amount_granted() == Decimal("90000") and action.amount_paid() == Decimal("45000")


def test_illegal_transitions_are_refused(scene):
    request = make_request(scene["territory"], scene["lead"], scene["service"], scene["action"])
    member = scene["member"]
    service.transition(request, member, "envoyee", "refusee", "Hors du périmètre.")
    for new in ("en-cours", "acceptee", "close", "envoyee"):
        with pytest.raises(service.IllegalTransition):
            service.transition(request, member, "refusee", new, "x")
    with pytest.raises(service.RequestError):  # a refusal says why
        service.transition(
            make_request(scene["territory"], scene["lead"], scene["service"]),
            member,
            "envoyee",
            "refusee",
            " ",
        )
    request.refresh_from_db()
    assert request.state == RequestState.REFUSEE and request.funding is None


def test_two_operators_answering_at_once_do_not_both_win(client, scene):
    request = make_request(scene["territory"], scene["lead"], scene["service"], scene["action"])
    # Both loaded the page while the request was « envoyée ».
    client.force_login(scene["member"])
    first = client.post(
        reverse("offers-requests:accept", args=[request.pk]),
        {"expected": "envoyee", "granted_amount": "1000", "decided_on": "2026-12-04"},
    )
    assert first.status_code == 302
    client.force_login(scene["colleague"])
    second = client.post(
        reverse("offers-requests:accept", args=[request.pk]),
        {"expected": "envoyee", "granted_amount": "2000", "decided_on": "2026-12-04"},
    )
    assert second.status_code == 409
    assert "a changé entre-temps" in second.content.decode()
    refusal = client.post(
        reverse("offers-requests:transition", args=[request.pk]),
        {"expected": "envoyee", "new": "refusee", "body": "Non."},
    )
    assert refusal.status_code == 409
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTEE
    assert list(Funding.objects.values_list("granted_amount", flat=True)) == [Decimal("1000")]
    assert request.messages.filter(state=RequestState.ACCEPTEE).count() == 1


def test_a_request_from_the_plan_is_accepted_without_an_amount(scene):
    request = make_request(scene["territory"], scene["lead"], scene["service"], action=None)
    with pytest.raises(service.RequestError, match="fiche action"):
        service.accept(request, scene["member"], "envoyee", granted_amount=Decimal("10"))
    request.refresh_from_db()
    assert request.state == RequestState.ENVOYEE
    service.accept(request, scene["member"], "envoyee", "D'accord.")
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTEE and request.funding is None
    assert not Funding.objects.exists()


def _edit_data(page) -> dict:
    """The action form's current values, as the browser would post them back."""
    data = {}
    for form in [page.context["form"], *page.context["fundings"], *page.context["indicators"]]:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    for formset in (page.context["fundings"], page.context["indicators"]):
        for field in formset.management_form:
            data[field.html_name] = field.value()
    return data


def test_the_decision_is_one_row_edited_from_either_side(client, scene):
    territory, action = scene["territory"], scene["action"]
    request = make_request(territory, scene["lead"], scene["service"], action)
    service.accept(
        request, scene["member"], "envoyee", granted_amount=Decimal("5000"), scheme="Avance"
    )
    request.refresh_from_db()
    # From the plan: the project lead corrects the amount granted in the action's form.
    client.force_login(scene["lead"])
    edit_url = reverse("plans:action_edit", args=[territory.phase_id, territory.ti_id, action.code])
    data = _edit_data(client.get(edit_url))
    data["financements-0-granted_amount"] = "6000"
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Funding.objects.count() == 1
    client.force_login(scene["member"])
    page = client.get(detail(request.pk)).content.decode()
    assert "6\xa0000 €" in page

    # From the operator: the payment shows on the plan's action page (the same row).
    service.record_payment(request, scene["member"], Decimal("6000"))
    client.force_login(scene["lead"])
    page = client.get(
        reverse("plans:action", args=[territory.phase_id, territory.ti_id, action.code])
    ).content.decode()
    assert "Versé" in page and Funding.objects.get().paid_amount == Decimal("6000")
    # A payment above the amount granted is refused, the row unchanged.
    with pytest.raises(service.RequestError, match="dépasse le montant accordé"):
        service.record_payment(request, scene["member"], Decimal("7000"))
    assert Funding.objects.get().paid_amount == Decimal("6000")


def test_an_operator_never_sees_another_operators_requests(client, scene, territory):
    request = make_request(territory, scene["lead"], scene["service"], scene["action"])
    client.force_login(scene["outsider"])
    assert client.get(detail(request.pk)).status_code == 403
    listing = client.get(reverse("offers-requests:list"))
    assert listing.status_code == 200 and listing.context["page"].paginator.count == 0
    response = client.post(
        reverse("offers-requests:accept", args=[request.pk]),
        {"expected": "envoyee", "granted_amount": "1", "decided_on": "2026-12-04"},
    )
    assert response.status_code == 403
    client.force_login(scene["member"])
    assert client.get(reverse("offers-requests:list")).context["page"].paginator.count == 1


def test_a_confidential_actions_title_and_first_message_stay_with_the_territory(client, scene):
    territory = scene["territory"]
    secret = make_action(territory, "SECRET-1", confidential=True, title="Projet Usine Secrète")
    request = make_request(
        territory, scene["lead"], scene["service"], secret, message="Détails très confidentiels"
    )
    to_operator = [m for m in mail.outbox if scene["member"].email in m.to]
    assert to_operator and all(
        "Usine Secrète" not in m.body and "très confidentiels" not in m.body for m in to_operator
    )
    client.force_login(scene["member"])
    page = client.get(detail(request.pk)).content.decode()
    assert "Usine Secrète" not in page and "très confidentiels" not in page
    assert "Action confidentielle" in page
    listing = client.get(reverse("offers-requests:list")).content.decode()
    assert "Usine Secrète" not in listing
    client.force_login(scene["lead"])
    page = client.get(detail(request.pk)).content.decode()
    assert "Projet Usine Secrète" in page and "Détails très confidentiels" in page


def test_messages_reach_the_other_side(client, scene):
    request = make_request(scene["territory"], scene["lead"], scene["service"], scene["action"])
    mail.outbox.clear()
    client.force_login(scene["member"])
    client.post(
        reverse("offers-requests:message", args=[request.pk]), {"body": "Quel calendrier ?"}
    )
    assert recipients() == {scene["lead"].email}
    mail.outbox.clear()
    client.force_login(scene["lead"])
    client.post(reverse("offers-requests:message", args=[request.pk]), {"body": "2027."})
    assert recipients() == {scene["member"].email, scene["colleague"].email}
    assert list(RequestMessage.objects.filter(request=request).values_list("body", flat=True))[
        1:
    ] == ["Quel calendrier ?", "2027."]
    # The lead withdraws: the operator is told; nothing more can be written.
    mail.outbox.clear()
    client.post(
        reverse("offers-requests:transition", args=[request.pk]),
        {"expected": "envoyee", "new": "close", "body": "Projet abandonné."},
    )
    request.refresh_from_db()
    assert request.state == RequestState.CLOSE
    assert recipients() == {scene["member"].email, scene["colleague"].email}
    response = client.post(reverse("offers-requests:message", args=[request.pk]), {"body": "x"})
    assert response.status_code == 400


def test_the_territory_side_cannot_answer_for_the_operator(client, scene):
    request = make_request(scene["territory"], scene["lead"], scene["service"], scene["action"])
    client.force_login(scene["lead"])
    response = client.post(
        reverse("offers-requests:accept", args=[request.pk]),
        {"expected": "envoyee", "granted_amount": "1", "decided_on": "2026-12-04"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("offers-requests:transition", args=[request.pk]),
        {"expected": "envoyee", "new": "en-cours"},
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.state == RequestState.ENVOYEE


def test_list_filters(client, scene):
    territory = scene["territory"]
    first = make_request(territory, scene["lead"], scene["service"], scene["action"])
    other_service = make_service(scene["operator"], "autre-service", "[Exemple] Étude de sol")
    make_request(territory, scene["lead"], other_service)
    service.transition(first, scene["member"], "envoyee", "en-cours")
    client.force_login(make_person(Role.EQUIPE_NATIONALE, "nationale"))
    url = reverse("offers-requests:list")
    assert client.get(url).context["page"].paginator.count == 2
    by_state = client.get(url, {"state": "en-cours"}).context["page"].object_list
    assert [r.pk for r in by_state] == [first.pk]
    by_service = client.get(url, {"service": other_service.pk}).context["page"].object_list
    assert [r.service for r in by_service] == [other_service]
    assert client.get(url, {"axis": "foncier"}).context["page"].paginator.count == 0
    assert client.get(url, {"territory": territory.ti_id}).context["page"].paginator.count == 2
    assert client.get(url, {"since": "2100-01-01"}).context["page"].paginator.count == 0


def test_a_coordinator_reads_the_requests_of_its_area_only(client, scene, territory):
    make_request(territory, scene["lead"], scene["service"], scene["action"])
    region = territory.regions.first()
    client.force_login(make_person(Role.COORDINATEUR, "coord", region=region))
    assert client.get(reverse("offers-requests:list")).context["page"].paginator.count == 1
    elsewhere = (
        territory.__class__.objects.filter(phase=territory.phase)
        .exclude(regions=region)[0]
        .regions.first()
    )
    client.force_login(make_person(Role.COORDINATEUR, "coord-hors", region=elsewhere))
    assert client.get(reverse("offers-requests:list")).context["page"].paginator.count == 0


def test_the_list_filters_read_tous_not_dashes(client, real_data):
    # Walk of 2026-12-04: the service and operator filters opened on Django's « --------- ».
    client.force_login(make_person(Role.EQUIPE_NATIONALE))
    page = client.get(reverse("offers-requests:list")).content.decode()
    assert "---------" not in page
    assert page.count('<option value="" selected>Tous</option>') >= 4
