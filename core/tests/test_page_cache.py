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


def test_api_answers_kept_per_address_and_version_only_for_anonymous_unconditional_gets(
    counted_version, settings
):
    settings.PAGE_CACHE_VERSION_SECONDS = 0
    calls = []

    @page_cache.cached_response
    def view(request):
        calls.append(request.get_full_path())
        status = 404 if "inconnu" in request.path else 200
        response = HttpResponse(
            f'{{"n": {len(calls)}}}', content_type="application/json", status=status
        )
        response["Content-Disposition"] = 'attachment; filename="x.json"'
        return response

    def get(path="/api/v1/x?a=1", **headers):
        request = RequestFactory().get(path, **headers)
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        response = view(request)
        return response.status_code, response.content, response["Content-Disposition"]

    first = get()
    assert first == (200, b'{"n": 1}', 'attachment; filename="x.json"')
    assert get() == first  # bytes and headers as the view gave them, without calling it
    assert get("/api/v1/x?a=2")[1] == b'{"n": 2}'  # another query string, another answer
    assert get(HTTP_AUTHORIZATION="Bearer t")[1] == b'{"n": 3}'  # a token: always the view
    assert get(HTTP_IF_NONE_MATCH='"e"')[1] == b'{"n": 4}'  # conditional: the view answers
    assert get("/api/v1/inconnu")[0] == get("/api/v1/inconnu")[0] == 404
    assert len(calls) == 6  # errors are never kept
    counted_version["version"] = "v2"  # a change through another server
    assert get()[1] == b'{"n": 7}'
