"""A dashboard in chromium: the DSFR Chart web components draw their charts (served from our own
static files, under the site's Content-Security-Policy), and axe-core finds no serious violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def test_departement_dashboard_draws_its_charts(programme, browser_context):
    context = browser_context(locale="fr-FR")  # the CSP applies: the charts must work under it
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto("/tableaux-de-bord/departements/77/")
    assert response.status == 200
    chart = page.locator('[data-chart="actions-axe-statut"] bar-chart')
    assert page.evaluate("customElements.get('bar-chart') !== undefined")
    drawn = chart.locator("canvas").first
    drawn.wait_for(state="visible", timeout=30_000)
    box = drawn.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    # The table beside it holds the same numbers (2 public actions: innovation and foncier).
    assert page.locator("#actions-axe-statut table tbody tr").last.inner_text().split()[-1] == "2"
    assert errors == []
    page.wait_for_load_state("networkidle")
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a script tag would
    # be refused: this test keeps the CSP on, to prove the charts work under it).
    page.evaluate(AXE.read_text("utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert violations == []
    # At phone width (390 px) a horizontal bar chart keeps room for its long axis labels ("Transition
    # écologique et énergétique" was cut to "ion écologique…"): it scrolls inside its figure, like the
    # table beside it, and the page itself stays within the screen.
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_timeout(300)
    assert chart.evaluate("e => e.getBoundingClientRect().width") >= 500
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
