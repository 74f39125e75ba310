"""The suggestions' rules and score (offers/services/suggestions.py), on services made for each rule."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from offers.services import suggestions
from offers.tests import factories_ledger as make
from plans.services.demo import demo_territories


def test_words_fold_accents_case_plurals_and_stop_words():
    assert suggestions.words("Requalification des FRICHES industrielles, à Évry") == {
        "requalification",
        "friche",
        "industrielle",
        "evry",
    }
    assert suggestions.words("de la et ou un") == set()


def test_carrier_mapping():
    assert suggestions.eligible_applicants("entreprise") == ["territoire", "entreprise"]
    assert suggestions.eligible_applicants("epci") == ["territoire", "collectivite"]
    assert suggestions.eligible_applicants("association") == ["territoire"]
    assert suggestions.eligible_applicants("") == ["territoire"]


def test_fit_and_ranking(real_data):
    territory = demo_territories("2023-2027", 1)[0]
    other = demo_territories("2023-2027", 40)[-1]
    operator = make.operator("op-suggestions")
    today = timezone.localdate()
    action = make.action(
        territory,
        "foncier",
        title="Requalification d'une friche",
        description="Dépollution de la friche",
        carrier_kind="entreprise",
    )

    def service(title, **fields):
        return make.service(operator, title=title, **{"axes": ["foncier"], **fields})

    national = service("Portail national")
    several_axes = service("Deux axes", axes=["foncier", "innovation"])
    any_axis = service("Tous axes", axes=[])
    words = service("Friches industrielles", description="Requalification")
    territorial = service("Pour ce territoire", scope="territoires")
    territorial.territories.add(territory)
    departmental = service("Pour ce département", scope="departements")
    departmental.departements.add(territory.principal_departement)
    for_companies = service("Entreprises", applicants=["entreprise"])
    # Never suggested: another axis, closed, not yet open, past, another territory, another phase,
    # an applicant the carrier is not.
    service("Autre axe", axes=["innovation"])
    service("Fermé", status="ferme")
    service("Pas encore", opens_on=today + timedelta(days=1))
    service("Clos", closes_on=today - timedelta(days=1))
    elsewhere = service("Ailleurs", scope="territoires")
    elsewhere.territories.add(other)
    service("Autre phase", phase_id="2019-2022")
    service("Collectivités", applicants=["collectivite"])

    found = suggestions.suggestions_for(action, limit=None)
    scores = {s.service.title: s.score for s in found}
    assert scores == {
        "Friches industrielles": 4
        + 1
        + 2,  # axis alone, national, « friche » and « requalification »
        "Pour ce territoire": 4 + 4,
        "Pour ce département": 4 + 3,
        "Portail national": 4 + 1,
        "Entreprises": 4 + 1,
        "Deux axes": 3 + 1,
        "Tous axes": 1 + 1,
    }
    assert [s.service for s in found[:3]] == [territorial, words, departmental]
    assert found[-1].service == any_axis and several_axes in [s.service for s in found]
    assert found[1].common_words == ("friche", "requalification")
    assert for_companies in [s.service for s in found]

    # Dismissed or already asked: no longer suggested.
    suggestions.dismiss(action, territorial, None)
    make.request(national, territory, action)
    titles = [s.service.title for s in suggestions.suggestions_for(action, limit=None)]
    assert "Pour ce territoire" not in titles and "Portail national" not in titles
    assert len(suggestions.suggestions_for(action)) == suggestions.SUGGESTION_LIMIT
