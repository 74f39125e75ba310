"""The interactive docs of API v1 render in a real browser under the site's Content-Security-Policy."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_data")]


def test_swagger_ui_renders_every_operation_without_a_csp_violation(browser_context, client):
    page = browser_context().new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"échec : {request.url}"))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    operations = client.get("/api/v1/openapi.json").json()["paths"]
    assert {path.replace("\u200b", "") for path in paths} == set(operations)
    assert (
        "API publique Territoires d'industrie"
        in page.locator(".information-container").inner_text()
    )
    assert problems == []
