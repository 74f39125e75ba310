"""Every environment setting is declared in config/env.py and documented in docs/settings.md (the datasette way)."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env
from config.settings import _email_settings

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
DOCUMENTED = set(re.findall(r"^\| `([A-Z_]+)` \|", DOC, flags=re.MULTILINE))
PROJECT_DIRS = [p for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()]


def test_every_setting_is_documented():
    assert set(env.SETTINGS) - DOCUMENTED == set()


def test_documentation_lists_no_setting_that_does_not_exist():
    assert DOCUMENTED - set(env.SETTINGS) == set()


def test_environment_is_read_only_through_config_env():
    """A setting read with os.environ/os.getenv elsewhere would escape the documentation check.

    Copying the whole environment for a child process (``dict(os.environ)``, ``{**os.environ, ...}``:
    pg_dump, a reference migration) reads no setting and is allowed."""
    offenders = []
    for package in PROJECT_DIRS:
        for path in package.rglob("*.py"):
            if path == ROOT / "config" / "env.py" or "tests" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(
                r"(?<!dict\()(?<!\*\*)os\.(?:environ(?!\.setdefault\(\"DJANGO_SETTINGS_MODULE\")|getenv)",
                text,
            ):
                offenders.append(
                    f"{path.relative_to(ROOT)}: {text[match.start() : match.start() + 40]}"
                )
    assert offenders == []


@pytest.mark.parametrize(
    "url, backend, extra",
    [
        ("console://", "console", {}),
        ("locmem://", "locmem", {}),
        (
            "smtp://user%40x:p%40ss@mail.example:587?tls=1",
            "smtp",
            {
                "EMAIL_HOST": "mail.example",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "user@x",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
            },
        ),
    ],
)
def test_email_url_forms(url, backend, extra):
    result = _email_settings(url)
    assert result["EMAIL_BACKEND"].endswith(f"{backend}.EmailBackend")
    for key, value in extra.items():
        assert result[key] == value


def test_unknown_email_scheme_is_refused_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        _email_settings("pigeon://loft")
