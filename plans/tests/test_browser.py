"""Plan pages in Debian's chromium: what a person sees (amounts typed the French way, labelled buttons
and filters, the summary on the territory page) and axe-core's serious and critical rules.

No server: Playwright hands each request to Django's test client (signed in with force_login), through
the root conftest's ``browser_context``, like every browser test.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from plans.models import Action
from plans.services import workflow
from public import caching

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


@pytest.fixture
def browse(browser_context):
    """browse(locale="fr-FR") → a page whose requests go to Django's test client (conftest)."""

    def open_page(locale="fr-FR", bypass_csp=False):
        return browser_context(locale=locale, bypass_csp=bypass_csp).new_page()

    return open_page


def plan_url(name, territory, *args):
    return reverse(f"plans:{name}", args=[territory.phase_id, territory.ti_id, *args])


def test_french_amount_typed_in_an_english_browser_is_saved_as_typed(client, browse, plan, person):
    client.force_login(person(Role.CHEF_DE_PROJET, territory=plan.territory))
    page = browse(locale="en-US")
    page.goto(plan_url("action_create", plan.territory))
    page.fill("#id_code", "EUR-1")
    page.fill("#id_title", "Action au montant français")
    page.select_option("#id_axis", "innovation")
    page.locator("#id_total_cost").press_sequentially("750000,50")
    page.locator("#id_financements-0-funder").fill("Région")
    page.locator("#id_financements-0-amount").press_sequentially("50 000")
    page.locator("#id_financements-0-state").select_option("accorde")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("h1:has-text('EUR-1')")
    action = Action.objects.get(plan=plan, code="EUR-1")
    assert action.total_cost == Decimal("750000.50")
    assert action.fundings.get().amount == Decimal("50000")
    shown = page.locator("dd", has_text="€ HT").first.inner_text()
    assert shown.replace("\u202f", " ").replace("\u00a0", " ").startswith("750 000,50")


def test_plan_page_buttons_show_their_label(client, browse, plan, person):
    client.force_login(person(Role.ADMINISTRATEUR))
    page = browse()
    page.goto(plan_url("detail", plan.territory))
    for name in ("Nouvelle action", "Importer un tableur", "Exporter (XLSX)"):
        link = page.get_by_role("link", name=name)
        box = link.bounding_box()
        # DSFR cut icon buttons to 2 rem (32 px) wide, text hidden, without fr-btns-group--icon-left.
        assert box and box["width"] > 80, (name, box)
        assert link.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), name


def test_territory_page_shows_the_validated_plan_and_links_to_it(client, browse, plan):
    workflow.apply_step(plan, workflow.STEPS["soumettre"])
    workflow.apply_step(plan, workflow.STEPS["valider"])
    caching.clear()
    page = browse()
    territory = plan.territory
    page.goto(reverse("public:territory", args=[territory.phase_id, territory.ti_id]))
    section = page.locator("section[aria-labelledby=plan-titre]")
    text = section.inner_text()
    assert "PlanSummary" not in text and "Transition écologique et énergétique" in text
    with page.expect_navigation():
        section.get_by_role("link", name="Voir le plan d'action détaillé").click()
    assert page.url.endswith(plan_url("public", territory))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Plan d'action")


def _axe_violations(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return result


def test_plan_pages_pass_axe_serious_and_critical_rules(client, browse, plan, person):
    workflow.apply_step(plan, workflow.STEPS["soumettre"])
    workflow.apply_step(plan, workflow.STEPS["valider"])
    action = plan.actions.filter(fundings__isnull=False).first()
    client.force_login(person(Role.EQUIPE_NATIONALE))
    page = browse(bypass_csp=True)  # axe is injected as an inline script
    urls = [
        plan_url("detail", plan.territory),
        plan_url("public", plan.territory),
        plan_url("action", plan.territory, action.code),
        plan_url("action_history", plan.territory, action.code),
        reverse("plans:overview"),
        reverse("accounts:dashboard"),
    ]
    found = {}
    for url in urls:
        page.goto(url)
        violations = _axe_violations(page)
        if violations:
            found[url] = violations
    client.force_login(person(Role.CHEF_DE_PROJET, territory=plan.territory))
    page.goto(plan_url("action_edit", plan.territory, action.code))
    if violations := _axe_violations(page):
        found["action_edit"] = violations
    assert found == {}
