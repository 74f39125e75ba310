"""The DSFR JavaScript really runs under our Content-Security-Policy, in Debian's chromium.

No server: Playwright hands every request to Django's test client (pages, with their CSP header)
or to the staticfiles finders (scripts, styles), so the test database keeps its reference data.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

ORIGIN = "http://testserver"

pytestmark = pytest.mark.browser


def _serve(client):
    def handle(route):
        path = route.request.url[len(ORIGIN) :]
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path[len(settings.STATIC_URL) :].split("?")[0])
            if not found:
                return route.fulfill(status=404, body="")
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return route.fulfill(
                status=200, body=Path(found).read_bytes(), content_type=content_type
            )
        response = client.get(path)
        headers = {k: v for k, v in response.items()}
        return route.fulfill(status=response.status_code, headers=headers, body=response.content)

    return handle


def test_dsfr_script_starts_and_no_csp_violation(client, db, chromium):
    context = chromium.new_context()  # the CSP applies: no bypass here
    try:
        page = context.new_page()
        violations = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and violations.append(message.text)
            ),
        )
        page.route(f"{ORIGIN}/**", _serve(client))
        page.goto(f"{ORIGIN}/compte/connexion/")
        # The DSFR marks <html data-fr-js="true"> once its script has started.
        page.wait_for_function(
            "document.documentElement.getAttribute('data-fr-js') === 'true'", timeout=15000
        )
        # An injected inline script (what an XSS would do) is refused.
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
            " document.body.appendChild(s); }"
        )
        assert page.evaluate("window.injected === undefined")
    finally:
        context.close()
    assert any("script" in v for v in violations)  # the refused injection, reported by chromium
    assert not [v for v in violations if "dsfr" in v]
