"""The DSFR JavaScript really runs under our Content-Security-Policy, in Debian's chromium.

No server: Playwright hands every request to Django's test client (the root conftest's
``browser_context``): pages with their CSP header, scripts and styles from whitenoise's finders.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_dsfr_script_starts_and_no_csp_violation(db, browser_context):
    page = browser_context().new_page()  # the CSP applies: no bypass here
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.goto("/compte/connexion/")
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
    assert any("script" in v for v in violations)  # the refused injection, reported by chromium
    assert not [v for v in violations if "dsfr" in v]
