"""In chromium: a service's page fits a phone's width.

A long source URL in the facts list (one unbreakable word) pushed the page to 424 px on a 390 px
screen (seen in the walk of 2026-12-04 on /offre/banque-des-territoires-prets/)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from offers.tests.factories import make_operator, make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_long_source_url_wraps_on_a_phone(real_data, browser_context):
    source = "https://www.banquedesterritoires.example.org/programme-territoires-dindustrie"
    service = make_service("Prêts", make_operator("Banque des Territoires"), source=source)
    page = browser_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(reverse("offers:service", args=[service.slug]))
    assert page.get_by_role("link", name=source).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
