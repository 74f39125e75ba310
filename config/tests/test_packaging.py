"""Every project app is packaged and tested: a new app missing from pyproject.toml's package list
breaks a plain ``pip install -e .`` (the ``territoires`` command no longer finds it), and one missing
from ``testpaths`` has its tests silently skipped by ``make test`` (tagging's were, for a turn)."""

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def project_apps() -> set[str]:
    return {
        app.split(".")[0]
        for app in settings.INSTALLED_APPS
        if (ROOT / app.split(".")[0] / "apps.py").exists()
    }


def test_every_app_is_packaged_and_its_tests_run():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packaged = {
        pattern.rstrip("*")
        for pattern in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    tested = set(pyproject["tool"]["pytest"]["ini_options"]["testpaths"])
    apps = project_apps()
    assert {"geo", "plans", "tagging", "reports"} <= apps
    assert apps - packaged == set(), "applications absentes de [tool.setuptools.packages.find]"
    assert {app for app in apps if (ROOT / app / "tests").is_dir()} - tested == set(), (
        "applications dont les tests ne tournent pas (testpaths)"
    )
