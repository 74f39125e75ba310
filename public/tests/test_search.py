"""Search-as-you-type over the real reference data."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from public.services import search

pytestmark = pytest.mark.usefixtures("real_data")


def labels(query, limit=10):
    return [entry.label for entry in search.search(query, limit)]


def urls(query, limit=10):
    return [entry.url for entry in search.search(query, limit)]


def test_commune_by_name_comes_first_and_says_its_territory():
    results = search.search("Meaux")
    assert results[0].label == "Meaux"
    assert results[0].url == "/communes/77284/"
    assert "Nord Est 77 – Meaux" in results[0].detail


@pytest.mark.parametrize(
    "query", ["saint etienne", "SAINT-ÉTIENNE", "Saint Etienne", "saint-etienne"]
)
def test_accents_case_and_hyphens_are_ignored(query):
    assert urls(query)[0] == "/communes/42218/"


def test_insee_code_postcode_and_corsican_code():
    assert urls("77284")[0] == "/communes/77284/"
    assert "/communes/77284/" in urls("77100")  # postcode
    assert urls("2a004")[0] == "/communes/2A004/"


def test_groupement_by_siren_and_by_words_in_any_order():
    assert labels("200072130") == ["CA du Pays de Meaux"]
    assert "CA du Pays de Meaux" in labels("meaux pays")


def test_departement_region_and_territory():
    assert labels("seine et marne")[0] == "Seine-et-Marne (77)"
    assert labels("77")[0] == "Seine-et-Marne (77)"
    assert labels("ile de france")[0] == "Île-de-France"
    kinds = {entry.kind for entry in search.search("Nord Est 77")}
    assert "territoire" in kinds


def test_very_common_prefix_returns_names_starting_with_it():
    results = labels("saint", 10)
    assert len(results) == 10
    assert all(label.lower().startswith("saint") for label in results)


def test_too_short_or_unknown_gives_nothing():
    assert search.search("m") == []
    assert search.search("") == []
    assert search.search("zzzzqqq") == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_answered_without_error(text):
    results = search.search(text)
    assert len(results) <= search.MAX_RESULTS
    assert all(entry.url.startswith("/") for entry in results)


MEAUX, MAREUIL, NANTEUIL = "/communes/77284/", "/communes/77276/", "/communes/77330/"


def test_postcode_lists_every_commune_it_serves():
    found = urls("77100")
    assert {MEAUX, MAREUIL, NANTEUIL} <= set(found)
    assert found[0] == MEAUX  # the largest of them


@pytest.mark.parametrize("query", ["77100 Meaux", "Meaux 77", "meaux 77100", "77 meaux"])
def test_name_with_postcode_or_departement_puts_the_commune_first(query):
    assert urls(query)[0] == MEAUX


def test_postcode_with_name_keeps_the_other_communes_of_the_postcode():
    assert set(urls("77100 Meaux")[:3]) == {MEAUX, MAREUIL, NANTEUIL}


def test_suggestion_says_postcode_and_departement_not_the_insee_code():
    meaux = search.search("Meaux")[0]
    assert meaux.label == "Meaux"
    assert meaux.detail.startswith("77100, Seine-et-Marne (77) — ")
    assert "77284" not in meaux.label + meaux.detail
    assert meaux.as_dict()["type_libelle"] == "Commune"
    assert not meaux.detail.startswith("Commune")  # shown after "Commune · ": said once


def test_homonyms_are_told_apart_by_departement():
    details = [e.detail for e in search.search("Saint-Denis") if e.label == "Saint-Denis"]
    assert any("Seine-Saint-Denis (93)" in d for d in details)
    assert any("La Réunion (974)" in d for d in details)


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("02311", "Filain (02311), fusionnée dans Pargny-et-Filain (02589)"),
        ("Filain", "Filain (02311), fusionnée dans Pargny-et-Filain (02589)"),
        ("95282", "Gouzangrez (95282), fusionnée dans Commeny (95169)"),
        ("Gouzangrez", "Gouzangrez (95282), fusionnée dans Commeny (95169)"),
    ],
)
def test_merged_commune_is_found_and_says_so(query, label):
    entry = next(e for e in search.search(query) if e.label == label)
    assert entry.kind == "ancienne-commune"
    assert entry.as_dict()["type_libelle"] == "Ancienne commune"
    assert entry.url == "/communes/" + label[-6:-1] + "/"
