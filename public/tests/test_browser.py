"""The public site in a real browser (chromium, headless, offline): search, map, pages, accessibility."""

from __future__ import annotations

import json
import time

import pytest

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_data")]

# The 6 territories of 2023-2027 touching Seine-et-Marne (4 have it as principal département),
# written out by hand from the ANCT file: the filter of the map and the département page list them.
TOUCHING_77 = {"ti-1103", "ti-1104", "ti-1106", "ti-1107", "ti-1108", "ti-1110"}
TOUCHING_77_NAMES = [
    "Grand Paris Sud-Seine-Essonne-Sénart",
    "Grand Roissy Le Bourget",
    "Marne et Brie Industries",
    "Melun – Villaroche",
    "Nord Est 77 – Meaux",
    "Sud Seine et Marne",
]

MAIN_PAGES = [
    "/",
    "/recherche/?q=meaux",
    "/carte/",
    "/territoires/2023-2027/ti-1108/",
    "/departements/77/",
    "/regions/11/",
    "/communes/77284/",
]


def wait_for_map(page, selector="#carte"):
    page.wait_for_selector(f"{selector}[data-ready=true]", timeout=20_000)
    return int(page.get_attribute(selector, "data-territories-drawn"))


def record_measure(name: str, value: float) -> None:
    """Measures go to test-artifacts/measures.json for the report (never asserted: the machine is shared)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "measures.json"
    measures = json.loads(path.read_text()) if path.exists() else {}
    measures[name] = round(value, 3)
    path.write_text(json.dumps(measures, indent=2))


def test_home_page_loads_without_console_error(browser_page):
    browser_page.goto("/")
    assert browser_page.title() == "Accueil — Territoires d'industrie"
    assert wait_for_map(browser_page) == 183
    assert browser_page.problems == []


def test_typing_meaux_offers_the_commune_and_leads_to_its_territory(browser_page):
    page = browser_page
    page.goto("/")
    box = page.get_by_role("combobox")
    box.type("Meaux", delay=30)
    option = page.get_by_role("option").first
    option.wait_for()
    assert option.inner_text().startswith("Meaux\nCommune · 77100, Seine-et-Marne (77)")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")  # keyboard only
    page.wait_for_url("**/communes/77284/")
    link = page.get_by_role("link", name="Nord Est 77 – Meaux", exact=True)
    link.click()
    page.wait_for_url("**/territoires/2023-2027/ti-1108/")
    assert page.locator("h1").inner_text() == "Nord Est 77 – Meaux"
    assert page.problems == []


def test_map_of_phase_2023_2027_draws_183_territories(browser_page):
    page = browser_page
    started = time.perf_counter()
    page.goto("/carte/?phase=2023-2027")
    drawn = wait_for_map(page)
    record_measure("carte_interactive_s", time.perf_counter() - started)
    assert drawn == 183
    assert page.evaluate("window.territoiresCarte.layer.getLayers().length") == 183
    assert page.locator("#liste-territoires li").count() == 183
    assert page.problems == []


def test_filtering_on_departement_77_leaves_the_territories_of_seine_et_marne(browser_page):
    page = browser_page
    expected = TOUCHING_77
    page.goto("/carte/?phase=2023-2027")
    wait_for_map(page)
    page.select_option("#filtre-departement", "77")
    page.wait_for_function(
        f"document.querySelector('#carte').dataset.territoriesDrawn === '{len(expected)}'"
    )
    drawn = set(
        page.evaluate("window.territoiresCarte.layer.getLayers().map(l => l.feature.properties.id)")
    )
    listed = set(
        page.eval_on_selector_all("#liste-territoires li", "items => items.map(i => i.dataset.id)")
    )
    assert drawn == listed == expected
    assert "departement=77" in page.url  # the state is in the URL
    assert "departement=77" in page.get_attribute("#telecharger-csv", "href")
    page.reload()
    assert wait_for_map(page) == len(expected)


def test_clicking_a_territory_opens_its_page(browser_page):
    page = browser_page
    page.goto("/carte/?phase=2023-2027&departement=77")
    wait_for_map(page)
    x, y = page.evaluate("""() => {
        const carte = window.territoiresCarte;
        let point = null;
        carte.layer.eachLayer(l => { if (l.feature.properties.id === 'ti-1108') point = l.feature.properties.point; });
        const pixel = carte.map.latLngToContainerPoint([point[1], point[0]]);
        const box = document.getElementById('carte').getBoundingClientRect();
        return [box.left + pixel.x, box.top + pixel.y];
    }""")
    page.mouse.move(x, y)
    page.wait_for_selector(".leaflet-tooltip:has-text('Nord Est 77 – Meaux')")
    page.mouse.click(x, y)
    page.wait_for_url("**/territoires/2023-2027/ti-1108/")
    assert page.locator("h1").inner_text() == "Nord Est 77 – Meaux"


def test_clicking_outside_every_territory_names_the_nearest(browser_page):
    page = browser_page
    page.goto("/carte/?phase=2023-2027&statut=nouveau")
    wait_for_map(page)
    x, y = page.evaluate("""() => {
        const pixel = window.territoiresCarte.map.latLngToContainerPoint([46.0, -2.6]);  // the Atlantic, off Vendée
        const box = document.getElementById('carte').getBoundingClientRect();
        return [box.left + pixel.x, box.top + pixel.y];
    }""")
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Aucun Territoire d'industrie ici" in popup.inner_text()
    assert "Le plus proche" in popup.inner_text()


def test_departement_77_page_lists_its_territories(browser_page):
    page = browser_page
    page.goto("/departements/77/")
    for name in TOUCHING_77_NAMES:
        assert page.get_by_role("link", name=name).count() >= 1
    assert wait_for_map(page, "#carte-zone") == 6
    assert page.problems == []


@pytest.mark.parametrize("url", MAIN_PAGES)
def test_no_serious_accessibility_violation(browser_page, axe_check, url):
    browser_page.goto(url)
    if browser_page.locator("[data-map]").count():
        browser_page.wait_for_selector("[data-map][data-ready=true]", timeout=20_000)
    assert axe_check(browser_page) == []
    assert browser_page.problems == []
