"""The dashboards' figures on a small programme built here: every expected number is counted by hand
from what the test writes, never read back from a stats function."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from contacts.models import ContactRequest, Team
from offers.models import Operator, Service, ServiceRequest
from plans.models import Action, ActionPlan
from stats.services.actions import action_figures, action_totals_by_area
from stats.services.contacts import contact_figures
from stats.services.dashboard import compare_areas, compare_phases, dashboard_figures
from stats.services.late import late_territories, months_before
from stats.services.money import money_figures
from stats.services.requests import service_request_figures
from stats.services.scope import Scope
from stats.tests.conftest import NOW, PARIS
from territories.models import Phase

pytestmark = pytest.mark.django_db


def _axis_status(figures):
    return {
        (row["code"], status): n
        for row in figures["par_axe_statut"]
        for status, n in row["statuts"].items()
        if n
    }


def test_public_actions_are_the_published_ones(programme):
    phase = programme["phase"]
    figures = action_figures(phase, Scope.region("11"))
    assert figures["total"] == 3  # IN-01 and FO-01 of Meaux, CO-01 of the other territory
    assert figures["confidentielles"] == 0
    assert _axis_status(figures) == {
        ("innovation", "en-cours"): 1,
        ("foncier", "a-venir"): 1,
        ("competences", "realise"): 1,
    }
    maturities = {row["code"]: row["nombre"] for row in figures["par_maturite"]}
    assert maturities == {"idee": 1, "etude": 0, "pret": 1, "en-cours": 0, "realise": 1}
    assert action_figures(phase, Scope.departement("77"))["total"] == 2
    assert action_figures(phase, Scope.national())["total"] == 4
    assert action_figures(phase, Scope.territory("ti-1108"))["total"] == 2
    assert action_figures(phase, Scope.departement("59"))["total"] == 1


def test_confidential_actions_count_only_for_those_allowed(programme):
    phase = programme["phase"]
    lead = action_figures(phase, Scope.region("11"), programme["lead"])
    assert (lead["total"], lead["confidentielles"]) == (4, 1)
    assert _axis_status(lead)[("innovation", "en-cours")] == 2
    outsider = action_figures(phase, Scope.region("11"), programme["outsider"])
    assert (outsider["total"], outsider["confidentielles"]) == (3, 0)
    assert action_totals_by_area(phase, "region")["11"] == 3
    assert action_totals_by_area(phase, "region", programme["lead"])["11"] == 4
    assert action_totals_by_area(phase, "departement")["77"] == 2


def test_money_by_funder_and_scheme(programme):
    phase = programme["phase"]
    money = money_figures(phase, Scope.region("11"))
    lines = {(r["financeur"], r["dispositif"]): r for r in money["lignes"]}
    bpi = lines["Bpifrance", "Dispositif X"]
    assert (bpi["sollicite"], bpi["accorde"], bpi["verse"]) == (
        Decimal("1200.00"),
        Decimal("800.00"),
        Decimal("0.00"),
    )
    region = lines["Région", "Sans dispositif précisé"]
    assert (region["sollicite"], region["accorde"], region["verse"]) == (
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("300.00"),
    )
    assert lines["État", "Fonds vert"]["sollicite"] == Decimal("100.50")
    assert money["total"] == {
        "sollicite": Decimal("1800.50"),
        "accorde": Decimal("1300.00"),
        "verse": Decimal("300.00"),
    }
    assert money["lignes"][0]["financeur"] == "Bpifrance"  # largest amount asked first
    allowed = money_figures(phase, Scope.region("11"), programme["lead"])
    assert allowed["total"]["sollicite"] == Decimal("11800.50")
    assert allowed["total"]["accorde"] == Decimal("10300.00")
    assert {f["financeur"]: f["sollicite"] for f in allowed["financeurs"]}["Bpifrance"] == (
        Decimal("11200.00")
    )


def test_service_requests_by_operator_and_state(programme):
    phase = programme["phase"]
    bpi = Operator.objects.create(slug="bpi-exemple", name="[Exemple] Bpifrance")
    ademe = Operator.objects.create(slug="ademe-exemple", name="[Exemple] ADEME")
    services = {
        op: Service.objects.create(
            slug=f"s-{op.slug}",
            title="[Exemple] Service",
            operator=op,
            kind="ingenierie",
            source="https://example.org/",
        )
        for op in (bpi, ademe)
    }

    def request(op, territory, state, action=None, days=None):
        created = datetime(2026, 10, 1, 12, tzinfo=PARIS)
        ServiceRequest.objects.create(
            service=services[op],
            operator=op,
            territory=territory,
            action=action,
            message="[Exemple]",
            state=state,
            created_at=created,
            decided_at=None if days is None else created.replace(day=1 + days),
        )

    meaux, nord = programme["meaux"], programme["nord"]
    request(bpi, meaux, "envoyee")
    request(bpi, meaux, "acceptee", action=programme["a1"], days=4)
    request(bpi, meaux, "refusee", days=2)
    request(ademe, meaux, "en-cours", action=programme["secret"])
    request(ademe, nord, "acceptee", days=1)
    figures = service_request_figures(phase, Scope.departement("77"))
    assert figures["total"] == 3  # the request of the confidential action is not public
    assert figures["par_etat"] == {
        "envoyee": 1,
        "en-cours": 0,
        "acceptee": 1,
        "refusee": 1,
        "close": 0,
    }
    (row,) = figures["operateurs"]
    assert row["operateur"] == "[Exemple] Bpifrance" and row["etats"]["refusee"] == 1
    assert (row["decidees"], row["taux_refus"], row["delai_median_jours"]) == (2, 50.0, 3.0)
    allowed = service_request_figures(phase, Scope.departement("77"), programme["lead"])
    assert allowed["total"] == 4 and allowed["par_etat"]["en-cours"] == 1
    assert service_request_figures(phase, Scope.national())["total"] == 4


def test_contact_response_times_of_a_scope(programme):
    phase = programme["phase"]
    team = Team.objects.create(level="departement", departement_id="77", name="[Exemple]")

    def contact(n, commune, created, answered=None):
        ContactRequest.objects.create(
            reference=f"EX-{n}",
            requester_kind="entreprise",
            name="[Exemple]",
            email=f"c{n}@example.org",
            commune_id=commune,
            subject="innovation",
            message="[Exemple]",
            team=team,
            created_at=created,
            first_answered_at=answered,
        )

    contact(
        1, "77284", datetime(2026, 11, 3, 10, tzinfo=PARIS), datetime(2026, 11, 3, 16, tzinfo=PARIS)
    )
    contact(
        2,
        "77284",
        datetime(2026, 11, 16, 10, tzinfo=PARIS),
        datetime(2026, 11, 18, 10, tzinfo=PARIS),
    )
    contact(3, "77284", datetime(2026, 10, 5, 10, tzinfo=PARIS))  # unanswered, late
    contact(4, "77284", datetime(2026, 12, 3, 10, tzinfo=PARIS))  # unanswered, pending
    contact(5, "59350", datetime(2026, 11, 3, 10, tzinfo=PARIS))  # Lille
    figures = contact_figures(phase, Scope.departement("77"), NOW)
    assert figures == {
        "recues": 4,
        "comptees": 3,
        "dans_le_delai": 2,
        "part_dans_le_delai": 67,
        "delai_median_jours": 1.125,  # median of 0.25 and 2 working days
        "objectif_jours": 5,
    }
    assert contact_figures(phase, Scope.territory("ti-1108"), NOW)["recues"] == 4  # Meaux is in it
    assert contact_figures(phase, Scope.national(), NOW)["recues"] == 5


def test_late_territories(programme):
    phase = programme["phase"]
    # Seine-et-Marne holds 4 principal territories (the issue); only Meaux has a plan, touched today.
    late = late_territories(phase, Scope.departement("77"), now=NOW)
    assert late["nombre"] == 3 and late["par_type"]["sans-plan"] == 3
    assert late["territoires"] == []  # the public gets the number, not the names
    ActionPlan.objects.filter(territory=programme["meaux"]).update(
        updated_at=datetime(2026, 5, 1, tzinfo=PARIS)
    )
    Action.objects.filter(plan__territory=programme["meaux"]).update(
        updated_at=datetime(2026, 5, 2, tzinfo=PARIS)
    )
    late = late_territories(phase, Scope.departement("77"), programme["lead"], now=NOW)
    assert late["nombre"] == 4 and late["par_type"]["non-mis-a-jour"] == 1
    assert [t["id"] for t in late["territoires"]] == ["ti-1108"]  # the lead reads only its own
    assert late_territories(phase, Scope.departement("77"), now=NOW, months=8)["nombre"] == 3
    assert late_territories(Phase.objects.get(code="2019-2022"), Scope.national()) is None
    assert months_before(datetime(2026, 8, 31), 6) == datetime(2026, 2, 28)


def test_dashboard_and_comparisons(programme):
    phase = programme["phase"]
    figures = dashboard_figures(phase, Scope.departement("77"), now=NOW)
    assert figures["couverture"]["territoires"] == 4
    assert figures["couverture"]["territoires_touching"] == 6
    assert figures["actions"]["total"] == 2
    assert (
        sum(
            figures["filiation"][s]
            for s in ("nouveau", "reconduit", "etendu", "reduit", "recompose")
        )
        == 4
    )
    regions = {row["code"]: row for row in compare_areas(phase, "region")}
    assert regions["11"]["territoires"] == 11 and regions["11"]["actions"] == 3
    assert regions["11"]["accorde"] == Decimal("1300.00")
    assert regions["32"]["actions"] == 1
    departements = {row["code"]: row for row in compare_areas(phase, "departement")}
    assert (departements["77"]["territoires"], departements["77"]["territoires_touching"]) == (4, 6)
    phases = {row["phase"]: row for row in compare_phases(Scope.departement("77"))}
    assert phases["2023-2027"]["actions"] == 2 and phases["2019-2022"]["actions"] == 0
    assert phases["2019-2022"]["non_reconduits"] is None
