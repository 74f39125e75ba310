"""The maps in a real browser: framing of France and its overseas régions, controls in French,
escaped names, the touch hint, visible download labels, printing."""

from __future__ import annotations

import pytest

from .test_browser import wait_for_map

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_data")]

# Boxes written by hand from a map of France (degrees): mainland with Corsica, and each overseas région.
MAINLAND = {"south": 41.0, "west": -5.5, "north": 51.5, "east": 10.0}
GUADELOUPE = {"south": 15.8, "west": -61.9, "north": 16.6, "east": -60.9}
REUNION = {"south": -21.5, "west": 55.1, "north": -20.8, "east": 56.0}
PARIS, MARSEILLE, BREST, STRASBOURG = (48.86, 2.35), (43.30, 5.37), (48.39, -4.49), (48.58, 7.75)


def bounds_of(page, element_id="carte"):
    return page.evaluate(
        """id => {
        const b = window.territoiresCartes[id].getBounds();
        return {south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast()};
    }""",
        element_id,
    )


def contains(bounds, point):
    lat, lon = point
    return bounds["south"] <= lat <= bounds["north"] and bounds["west"] <= lon <= bounds["east"]


def centre_in(bounds, box):
    lat = (bounds["south"] + bounds["north"]) / 2
    lon = (bounds["west"] + bounds["east"]) / 2
    return box["south"] <= lat <= box["north"] and box["west"] <= lon <= box["east"]


def assert_frames_mainland(bounds):
    for city in (PARIS, MARSEILLE, BREST, STRASBOURG):
        assert contains(bounds, city), (city, bounds)
    # A usable frame: mainland France fills it (the wide home map shows more longitude), centred
    # on it; the Caribbean, Guiana and the Indian Ocean are out of it.
    assert bounds["north"] - bounds["south"] < 15, bounds
    assert bounds["east"] - bounds["west"] < 45, bounds
    assert centre_in(bounds, {"south": 44.5, "west": 0.0, "north": 48.5, "east": 5.0}), bounds
    for far in ((16.2, -61.5), (4.9, -52.3), (-21.1, 55.5)):
        assert not contains(bounds, far), (far, bounds)


@pytest.mark.parametrize(
    "url", ["/", "/carte/?phase=2023-2027", "/carte/?phase=2023-2027&statut=nouveau"]
)
def test_national_maps_frame_mainland_france(browser_page, url):
    page = browser_page
    page.goto(url)
    wait_for_map(page)
    bounds = bounds_of(page)
    assert_frames_mainland(bounds)
    assert page.get_attribute("#carte", "data-zone") == "metropole"
    assert page.problems == []


def test_a_filter_selecting_only_overseas_territories_frames_them(browser_page):
    page = browser_page
    page.goto("/carte/?phase=2023-2027&region=01")  # Guadeloupe: 3 territories
    assert wait_for_map(page) == 3
    bounds = bounds_of(page)
    assert centre_in(bounds, GUADELOUPE), bounds
    assert bounds["east"] - bounds["west"] < 3, bounds
    page.select_option("#filtre-region", "")
    page.select_option("#filtre-departement", "77")
    page.wait_for_function("document.querySelector('#carte').dataset.territoriesDrawn === '6'")
    assert centre_in(bounds_of(page), {"south": 48.0, "west": 2.0, "north": 49.5, "east": 3.7})


def test_the_zone_control_jumps_to_each_overseas_region_and_back(browser_page):
    page = browser_page
    page.goto("/")
    wait_for_map(page)
    buttons = page.locator(".ti-zones button")
    assert buttons.all_inner_texts() == [
        "Métropole",
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    ]
    page.get_by_role("button", name="La Réunion").click()
    assert centre_in(bounds_of(page), REUNION)
    page.get_by_role("button", name="Métropole").click()
    assert_frames_mainland(bounds_of(page))


def test_zoom_buttons_are_french_and_not_struck_through(browser_page):
    page = browser_page
    page.goto("/carte/")
    wait_for_map(page)
    zoom_in, zoom_out = (
        page.locator(".leaflet-control-zoom-in"),
        page.locator(".leaflet-control-zoom-out"),
    )
    assert zoom_in.get_attribute("title") == "Zoomer"
    assert zoom_in.get_attribute("aria-label") == "Zoomer"
    assert zoom_out.get_attribute("title") == "Dézoomer"
    assert zoom_out.get_attribute("aria-label") == "Dézoomer"
    for button in (zoom_in, zoom_out):
        style = button.evaluate(
            "el => { const s = getComputedStyle(el); return [s.backgroundImage, s.textDecorationLine]; }"
        )
        assert style == ["none", "none"]
    before = page.evaluate("window.territoiresCarte.map.getZoom()")
    page.get_by_role("button", name="Zoomer", exact=True).click()
    page.wait_for_function(f"window.territoiresCarte.map.getZoom() > {before}")


def test_territory_names_are_text_in_tooltips(browser_page):
    page = browser_page
    page.goto("/carte/")
    wait_for_map(page)
    html = page.evaluate("""() => {
        const layer = window.territoiresCarte.layer;
        layer.addData({type: 'Feature', properties: {id: 'ti-x', nom: '<img src=x id=injecte onerror="window.pwned=1">',
            statut: '', url: '/', region: '11', regions: ['11'], departements: ['77']},
            geometry: {type: 'Polygon', coordinates: [[[2, 48], [2.5, 48], [2.5, 48.5], [2, 48]]]}});
        const item = layer.getLayers()[layer.getLayers().length - 1];
        item.openTooltip([48.2, 2.3]);
        return item.getTooltip().getElement().innerHTML;
    }""")
    assert "&lt;img" in html
    assert page.locator("#injecte").count() == 0
    assert page.evaluate("window.pwned") is None


def test_touch_screens_are_not_told_to_hover(browser_context):
    context = browser_context(
        has_touch=True, is_mobile=True, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/carte/")
    wait_for_map(page)
    hint = page.locator("#carte-aide")
    assert "Touchez un territoire" in hint.inner_text()
    assert "Survolez" not in hint.inner_text()


def test_mouse_users_get_the_hover_hint(browser_page):
    browser_page.goto("/carte/")
    assert "Survolez un territoire" in browser_page.locator("#carte-aide").inner_text()
    assert "Touchez" not in browser_page.locator("#carte-aide").inner_text()


def test_download_buttons_show_their_label(browser_page):
    page = browser_page
    page.goto("/carte/")
    for kind, label in (("csv", "Télécharger en CSV"), ("geojson", "Télécharger en GeoJSON")):
        button = page.locator(f"#telecharger-{kind}")
        assert button.inner_text() == label
        # DSFR hides the text of an icon button in a group without --icon-left: the width says it.
        assert button.bounding_box()["width"] > 120


def test_territory_page_prints_with_its_map_and_every_list(browser_page):
    page = browser_page
    page.goto("/territoires/2023-2027/ti-1108/")
    wait_for_map(page, "#carte-territoire")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert not page.locator(".fr-header__search").is_visible()
    assert not page.locator(".leaflet-control-zoom-in").is_visible()
    assert page.locator("#carte-territoire canvas").first.is_visible()
    assert page.locator("#carte-territoire").bounding_box()["height"] > 200
    # The communes' accordion is closed on screen; on paper every commune is listed.
    assert page.locator("#table-communes").is_visible()
    assert page.get_by_role("link", name="Meaux", exact=True).first.is_visible()
    assert all(page.locator("details").evaluate_all("ds => ds.map(d => d.open)"))
