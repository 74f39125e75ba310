"""Browser tests: Playwright driving Debian's chromium, every request answered by Django's test client
(the root conftest's ``browser_context``), so the pages read the test database and its real data."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

ARTIFACTS = settings.BASE_DIR / "test-artifacts"
AXE = settings.TERRITOIRES_NODE_MODULES / "axe-core" / "axe.min.js"


@pytest.fixture
def browser_page(browser_context, request):
    """A fresh page served by the test client (conftest.browser_context); console errors and failed
    requests are collected in ``page.problems``; a screenshot is saved under test-artifacts/ at the
    end of each test."""
    context = browser_context(
        bypass_csp=True, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and page.problems.append(f"console: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(f"page: {error}"))
    page.on("requestfailed", lambda req: page.problems.append(f"request: {req.url} {req.failure}"))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "-", request.node.name)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.fixture
def axe_check():
    """Run axe-core on the page; return the violations of impact serious or critical."""

    def run(page) -> list[str]:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run
