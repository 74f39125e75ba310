"""Shared fixtures: the real reference data, loaded once per test session into the test database."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, connections

# Playwright's sync API runs an event loop in the test's thread, where Django would refuse every
# database call as "async unsafe". Here, not in config/settings_test.py: no settings module but
# config/env.py touches the environment (config/tests/test_settings_documented.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHASE_FILES = {"2023-2027": "ti/ti-2023-2027.geojson", "2019-2022": "ti/ti-2019-2022.geojson"}
CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by scripts/system-packages.sh; never a downloaded browser
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: tests driving Debian's chromium through Playwright"
    )


def data_path(relative: str) -> Path:
    return Path(settings.TERRITOIRES_DATA_DIR) / relative


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate, then load the geography and both phases from the real ANCT files (~20 s, once)."""
    from geo.services import load_geo
    from territories.services.importing import import_territories

    with django_db_blocker.unblock():
        load_geo(progress=False)
        for phase, relative in PHASE_FILES.items():
            import_territories(data_path(relative), phase)
    yield


@pytest.fixture
def real_data(db):
    """The database with the real reference data (each test rolls back its own changes)."""
    return db


@pytest.fixture
def shell(capsys):
    """``shell("import-plans", path, ...)`` runs ``territoires ARGS`` as a shell would and returns
    (exit status, stdout, stderr). The command's own closing of every connection (Django's
    run_from_argv) is held back: on PostgreSQL it would end the test's transaction."""
    from config.cli import main

    def run(*argv):
        with mock.patch.object(connections, "close_all"):
            try:
                main(["territoires", *argv])
                code = 0
            except SystemExit as exited:
                code = exited.code or 0
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def call(capsys):
    """Run a management command and return (stdout, stderr)."""

    def run(*args):
        call_command(*args)
        captured = capsys.readouterr()
        return captured.out, captured.err

    return run


@pytest.fixture(scope="session")
def chromium():
    """One chromium for the whole session: Playwright's sync API allows a single running instance per process."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} manque : lancez scripts/system-packages.sh (make setup).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_public_caches():
    """Every test starts with an empty page cache, so that no result depends on test order (a page
    cached by one test was served to the next, whose data differ: a plan published meanwhile). The
    data caches (search index, map features) are keyed on the data version and stay: rebuilding the
    search index costs ~2 s."""
    from public import caching
    from stats.services import keep

    caching.clear()
    keep.clear()  # the public territory page keeps its content there (public/views.py)
    yield


# localhost, not testserver: chromium trusts it like the HTTPS of production (no warning for the
# Cross-Origin-Opener-Policy header). Django still sees "testserver", its test client's host.
TEST_ORIGIN = "http://localhost"
# Hop-by-hop and body headers the test client sets itself; cookies live in the test client's jar.
_NOT_FORWARDED = {"host", "cookie", "content-length", "content-type", "connection"}


def _through_test_client(client, answer=None):
    """A Playwright route handler answering every request from Django's test client, in the test's
    own thread and transaction: the pages see the test database (its reference data, the test's
    own rows) and static files come from whitenoise's finders, as on a development server.

    ``answer(client, method, path, request)``, when given, may return the response for a request
    (a page the test reaches by a POST of its own, say); otherwise the test client is asked.
    """
    # Playwright calls the handler in another greenlet, where Django's connection handler (context-
    # local) would open a second SQLite connection, locked out by the test's open transaction ("table
    # is locked"): hand it the test's own connection.
    own_connection = connections["default"]

    def handle(route):
        connections["default"] = own_connection
        request = route.request
        path = request.url[len(TEST_ORIGIN) :]
        response = answer(client, request.method, path, request) if answer else None
        if response is None:
            response = client.generic(
                request.method,
                path,
                data=request.post_data_buffer or b"",
                content_type=request.headers.get("content-type", ""),
                headers={
                    k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED
                },
            )
        # Chromium does not hand the request that follows a fulfilled redirect of a POST to the
        # router: follow it here (the address bar then keeps the posted URL).
        while response.status_code in (301, 302, 303) and request.method != "GET":
            response = client.get(response["Location"])
        if response.streaming:  # whitenoise's static files
            body = b"".join(response.streaming_content)
            # Closing fires request_finished, whose close_old_connections would close the test's
            # own connection on PostgreSQL (it is mid-transaction): held back, as the test client does.
            request_finished.disconnect(close_old_connections)
            try:
                response.close()
            finally:
                request_finished.connect(close_old_connections)
        else:
            body = response.content
        route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)

    return handle


@pytest.fixture
def browser_context(chromium, client):
    """``browser_context(**options)``: a Playwright context whose requests to TEST_ORIGIN are
    served by Django's test client (no server, no second database: one way for every browser test).

    Pages are opened at ``TEST_ORIGIN`` (the contexts' base URL). A loaded page's requests run while
    the test waits on Playwright, in the test's thread, so the test database is the one they read.
    The pages share the test's ``client``: ``client.force_login(user)`` browses as that person
    (or pass ``client=``, and ``answer=`` to serve some requests yourself: _through_test_client).
    """
    contexts = []

    def new_context(client=client, answer=None, **options):
        context = chromium.new_context(base_url=TEST_ORIGIN, **options)
        context.route(f"{TEST_ORIGIN}/**", _through_test_client(client, answer))
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()
