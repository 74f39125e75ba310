"""The ledger's screens and exports (what each person sees), the suggestions block and the operators'
list of fitting actions."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Role
from accounts.services.roles import grant_role
from offers.models import SuggestionDismissal
from offers.tests import factories_ledger as make
from plans.services.demo import demo_territories


@pytest.fixture
def world(real_data):
    """Two territories in different régions, two operators with one decided request each on both."""
    first = demo_territories("2023-2027", 1)[0]
    second = next(
        t
        for t in demo_territories("2023-2027", 60)
        if not set(t.regions.values_list("pk", flat=True))
        & set(first.regions.values_list("pk", flat=True))
    )
    alpha = make.operator("alpha", "Opérateur Alpha")
    beta = make.operator("beta", "Opérateur Bêta")
    for operator, amount in ((alpha, 1000), (beta, 7000)):
        service = make.service(operator, title=f"Service {operator.name}")
        for territory in (first, second):
            action = make.action(territory, "foncier")
            make.request(
                service,
                territory,
                action,
                asked=Decimal(amount),
                state="acceptee",
                granted=Decimal(amount // 2),
                days_to_decision=10,
            )
    return {"first": first, "second": second, "alpha": alpha, "beta": beta}


def person(role=None, **scope):
    User = get_user_model()
    email = f"{role or 'personne'}-{User.objects.count()}@example.org"
    user = User.objects.create(username=email, email=email)
    if role:
        grant_role(user, role, **scope)
    return user


def _csv(client, query=""):
    response = client.get(reverse("offers-ledger:export", args=["csv"]) + query)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_an_operator_sees_only_its_own_lines(client, world):
    client.force_login(person(Role.OPERATEUR, operator=world["alpha"]))
    for query in ("?regroupement=detail", f"?regroupement=detail&operateur={world['beta'].pk}"):
        page = client.get(reverse("offers-ledger:ledger") + query).content.decode()
        assert "Opérateur Alpha" in page
        assert "Opérateur Bêta" not in page
        rows = _csv(client, query)
        assert {row[0] for row in rows[1:-1]} == {"Opérateur Alpha"}
        # Only its two requests (1,000 € asked each), never Bêta's 7,000 €.
        assert rows[-1][:4] == ["Total", "", "", ""] and rows[-1][4] == "2"
        assert rows[-1][5] == "2000.00"


def test_a_coordinator_sees_the_territories_of_its_area(client, world):
    region = world["first"].principal_region
    client.force_login(person(Role.COORDINATEUR, region=region))
    rows = _csv(client, "?regroupement=territoire")
    assert [row[0] for row in rows[1:-1]] == [
        f"{world['first'].name} ({world['first'].ti_id}, 2023-2027)"
    ]
    assert rows[-1][1] == "2"  # both operators' requests on that territory


def test_national_team_sees_all_and_filters(client, world):
    client.force_login(person(Role.EQUIPE_NATIONALE))
    rows = _csv(client)
    assert [row[0] for row in rows[1:]] == ["Opérateur Alpha", "Opérateur Bêta", "Total"]
    assert rows[-1][1:5] == ["4", "16000.00", "8000.00", "0.00"]
    rows = _csv(client, f"?operateur={world['beta'].pk}&regroupement=axe")
    assert rows[1][:3] == ["Mobilisation du foncier industriel", "2", "14000.00"]
    region = world["second"].principal_region_id
    rows = _csv(client, f"?region={region}&regroupement=territoire")
    assert [row[0] for row in rows[1:-1]] == [
        f"{world['second'].name} ({world['second'].ti_id}, 2023-2027)"
    ]


def test_exports_hold_exactly_the_numbers_shown(client, world):
    client.force_login(person(Role.EQUIPE_NATIONALE))
    query = "?regroupement=operateur-territoire"
    response = client.get(reverse("offers-ledger:ledger") + query)
    shown = [*response.context["lines"], response.context["totals"]]
    as_text = [["" if v is None else str(v) for v in line] for line in shown]
    assert _csv(client, query)[1:] == as_text
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("offers-ledger:export", args=["xlsx"]) + query).content)
    )
    cells = [list(row) for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert len(cells) == len(shown)
    for line, written in zip(shown, cells, strict=True):
        for value, cell in zip(line, written, strict=True):
            if isinstance(value, (int, float, Decimal)):
                assert Decimal(str(cell)) == Decimal(str(value))
            else:
                assert (cell or "") == (value or "")


def test_people_without_a_ledger_role_are_refused(client, world):
    client.force_login(person(Role.CHEF_DE_PROJET, territory=world["first"]))
    assert client.get(reverse("offers-ledger:ledger")).status_code == 403
    assert client.get(reverse("offers-ledger:export", args=["csv"])).status_code == 403


def test_unknown_export_format_is_not_found(client, world):
    client.force_login(person(Role.EQUIPE_NATIONALE))
    assert client.get(reverse("offers-ledger:export", args=["pdf"])).status_code == 404


# --- Suggestions -----------------------------------------------------------------------------------


def _action_url(action):
    territory = action.plan.territory
    return reverse("plans:action", args=[territory.phase_id, territory.ti_id, action.code])


def test_suggestions_on_the_action_page_and_dismissal(client, world):
    territory = world["first"]
    action = make.action(territory, "foncier", title="Requalification d'une friche industrielle")
    fitting = make.service(
        world["alpha"],
        title="Fonds friches industrielles",
        axes=["foncier"],
        scope="regions",
    )
    fitting.regions.add(territory.principal_region)
    national = make.service(world["beta"], title="Prêt national", axes=["foncier", "innovation"])
    make.service(world["beta"], title="Autre axe", axes=["innovation"])
    make.service(world["beta"], title="Fermé", axes=["foncier"], status="ferme")
    make.service(
        world["beta"], title="Pour les entreprises", axes=["foncier"], applicants=["entreprise"]
    )
    elsewhere = make.service(world["beta"], title="Ailleurs", axes=["foncier"], scope="regions")
    elsewhere.regions.add(world["second"].principal_region)

    lead = person(Role.CHEF_DE_PROJET, territory=territory)
    client.force_login(lead)
    page = client.get(_action_url(action)).content.decode()
    assert "Services suggérés" in page
    assert page.index("Fonds friches industrielles") < page.index("Prêt national")
    for absent in ("Autre axe", "Fermé", "Pour les entreprises", "Ailleurs"):
        assert f"<strong>{absent}" not in page
    assert "Ne plus suggérer « Fonds friches industrielles »" in page

    response = client.post(
        reverse("offers-ledger:dismiss_suggestion", args=[action.pk, fitting.pk])
    )
    assert response.status_code == 302
    assert SuggestionDismissal.objects.filter(action=action, service=fitting).exists()
    page = client.get(_action_url(action)).content.decode()
    assert "<strong>Fonds friches industrielles" not in page
    assert f"<strong>{national.title}" in page

    binome = person(Role.BINOME, territory=territory)
    client.force_login(binome)
    page = client.get(_action_url(action)).content.decode()
    assert "Services suggérés" in page and "Ne plus suggérer" not in page
    response = client.post(
        reverse("offers-ledger:dismiss_suggestion", args=[action.pk, national.pk])
    )
    assert response.status_code == 403


def test_fitting_actions_for_an_operator(client, world):
    territory = world["first"]
    gamma = make.operator("gamma", "Opérateur Gamma")
    service = make.service(gamma, title="Ingénierie foncière", axes=["foncier"])
    open_action = make.action(territory, "foncier", title="Friche à requalifier")
    make.action(territory, "foncier", title="Projet secret", confidential=True)
    make.action(territory, "innovation", title="Hors axe")
    asked = make.action(territory, "foncier", title="Déjà demandé")
    make.request(service, territory, asked)
    make.action(world["second"], "foncier", title="Ailleurs mais national")

    client.force_login(person(Role.OPERATEUR, operator=gamma))
    page = client.get(reverse("offers-ledger:fitting_actions")).content.decode()
    assert open_action.title in page
    assert "Ailleurs mais national" in page
    for absent in ("Projet secret", "Hors axe", "Déjà demandé"):
        assert absent not in page
    # Another operator's page is not reachable by naming it.
    page = client.get(reverse("offers-ledger:fitting_actions") + "?operateur=beta").content
    assert "Ingénierie foncière" in page.decode() and "Opérateur Bêta" not in page.decode()


def test_a_suggestion_links_to_its_service_and_to_a_request_for_it(client, world):
    # Walk of 2026-12-04: a suggestion could only be dismissed; asking for it meant finding the
    # service again in a list of every service.
    territory = world["first"]
    action = make.action(territory, "foncier", title="Requalification d'une friche")
    service = make.service(world["alpha"], title="Prêt foncier", axes=["foncier"])
    client.force_login(person(Role.CHEF_DE_PROJET, territory=territory))
    page = client.get(_action_url(action)).content.decode()
    create = reverse("offers-requests:create", args=[territory.phase_id, territory.ti_id])
    ask = f"{create}?action={action.code}&amp;service={service.pk}"
    assert f'href="{ask}"' in page
    assert f'href="{reverse("offers:service", args=[service.slug])}"' in page
    form = client.get(ask.replace("&amp;", "&")).content.decode()
    assert f'<option value="{service.pk}" selected>' in form

    client.force_login(person(Role.BINOME, territory=territory))
    page = client.get(_action_url(action)).content.decode()
    assert "Prêt foncier" in page and "service=" not in page


def test_the_ledger_filters_are_dsfr_selects(client, world):
    # Walk of 2026-12-04: the filter form was a bare Form, its selects drawn as plain text.
    client.force_login(person(Role.EQUIPE_NATIONALE))
    page = client.get(reverse("offers-ledger:ledger")).content.decode()
    for name in ("operateur", "region", "departement", "axe", "phase", "regroupement"):
        assert f'<select name="{name}" class="fr-select"' in page
