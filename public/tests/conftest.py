"""Browser tests: Playwright driving Debian's chromium against a gunicorn of our own (see public/tests/server.py)."""

from __future__ import annotations

import re

import pytest

from public.tests import server as devserver

ARTIFACTS = devserver.ROOT / "test-artifacts"
AXE = devserver.ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    env = devserver.prepare_database(tmp_path_factory.mktemp("browser-db") / "site.sqlite3")
    warm = ("/", "/api/recherche?q=meaux", "/api/territoires.geojson?phase=2023-2027")
    with devserver.running_server(env, threads=8, warm_urls=warm) as base:
        yield base


@pytest.fixture
def browser_page(chromium, site_url, request):
    """A fresh page; console errors and failed requests are collected in ``page.problems``; a screenshot
    is saved under test-artifacts/ at the end of each test."""
    context = chromium.new_context(
        base_url=site_url, bypass_csp=True, locale="fr-FR", viewport={"width": 1280, "height": 900}
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
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
    finally:
        context.close()


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
