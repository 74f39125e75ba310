"""Shared fixtures: the real reference data, loaded once per test session into the test database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright + live_server in one process

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

    caching.clear()
    yield
