"""Search-as-you-type over the real reference data."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from public.services import search

pytestmark = pytest.mark.usefixtures("real_data")


def labels(query, limit=10):
    return [entry.label for entry in search.search(query, limit)]


def test_commune_by_name_comes_first_and_says_its_territory():
    results = search.search("Meaux")
    assert results[0].label == "Meaux (77284)"
    assert results[0].url == "/communes/77284/"
    assert "Nord Est 77 – Meaux" in results[0].detail


@pytest.mark.parametrize(
    "query", ["saint etienne", "SAINT-ÉTIENNE", "Saint Etienne", "saint-etienne"]
)
def test_accents_case_and_hyphens_are_ignored(query):
    assert labels(query)[0] == "Saint-Étienne (42218)"


def test_insee_code_postcode_and_corsican_code():
    assert labels("77284")[0] == "Meaux (77284)"
    assert "Meaux (77284)" in labels("77100")  # postcode
    assert labels("2a004")[0] == "Ajaccio (2A004)"


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
