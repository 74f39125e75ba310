"""The page cache's data version: read at every request by default, kept a few seconds when asked."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_version(monkeypatch):
    reads = {"n": 0, "version": "v1"}

    def version():
        reads["n"] += 1
        return reads["version"]

    monkeypatch.setattr(page_cache, "_versions", {"data": version})
    page_cache.clear()
    yield reads
    page_cache.clear()


def _page():
    rendered = []

    @page_cache.cached_page
    def view(request):
        rendered.append(1)
        return HttpResponse(f"page {len(rendered)} nonce={request.csp_nonce}")

    def get():
        request = RequestFactory().get("/offre/")
        request.csp_nonce = "n0nce"
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        return view(request).content.decode()

    return get


def test_by_default_every_request_reads_the_version_and_sees_a_change_at_once(
    counted_version, settings
):
    settings.PAGE_CACHE_VERSION_SECONDS = 0
    get = _page()
    assert get() == "page 1 nonce=n0nce"
    assert get() == "page 1 nonce=n0nce"  # served from the cache, with the request's own nonce
    counted_version["version"] = "v2"  # an import through another server
    assert get() == "page 2 nonce=n0nce"
    assert counted_version["n"] == 3


def test_kept_versions_are_read_again_once_the_seconds_have_passed(
    counted_version, settings, monkeypatch
):
    settings.PAGE_CACHE_VERSION_SECONDS = 1
    clock = {"now": 1000.0}
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock["now"])
    get = _page()
    assert get() == "page 1 nonce=n0nce"
    counted_version["version"] = "v2"
    clock["now"] += 0.5
    assert get() == "page 1 nonce=n0nce"  # within the second: the version kept, no query
    assert counted_version["n"] == 1
    clock["now"] += 0.5
    assert get() == "page 2 nonce=n0nce"  # one second later: read again, the change shows
    assert counted_version["n"] == 2
