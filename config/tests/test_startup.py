"""Start-up: refusals (an insecure secret key outside debug, a data directory without its files) and
the production settings (`check --deploy`, password hashing)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **environment) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }  # set for Playwright tests only
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **environment})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_default_secret_key_is_refused_outside_debug():
    result = run_python("import django; django.setup()", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_a_long_secret_key_is_accepted_outside_debug():
    result = run_python(
        "import django; django.setup(); print('ok')", DEBUG="false", SECRET_KEY="x" * 50
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize(
    ("email_url", "passes"),
    [("smtp://relais.example:587?tls=1", True), ("console://", False), ("locmem://", False)],
)
def test_production_settings_pass_the_deploy_check_and_refuse_unsent_emails(
    tmp_path, email_url, passes
):
    """The one `check --deploy` test: production settings pass; with a console or memory email backend,
    live reset links would land in the server log, so the deploy check refuses (core/checks.py)."""
    result = run_python(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
        DEBUG="false",
        SECRET_KEY="Zq8-vR2#Lw9!kT4pXe7$Mn3@Hs6%Jd1^Bc5&Gf0*Ya-Uo2+Ei8=Ar4~Ny6",
        ALLOWED_HOSTS="territoires.example",
        EMAIL_URL=email_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
    )
    if passes:
        assert result.returncode == 0, result.stderr + result.stdout
        assert "no issues" in result.stdout
    else:
        assert result.returncode != 0
        assert "territoires.E001" in result.stderr and email_url in result.stderr
        assert "EMAIL_URL=smtp://" in result.stderr


def test_production_hashes_passwords_with_argon2():
    """The test settings put a fast hasher first; production keeps Argon2."""
    from config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert not any("MD5" in hasher for hasher in production.PASSWORD_HASHERS)


@pytest.mark.django_db
def test_missing_data_file_names_it_and_says_where_anct_publishes_it(tmp_path):
    with override_settings(TERRITOIRES_DATA_DIR=tmp_path):
        with pytest.raises(CommandError) as error:
            call_command("load-geo")
    message = str(error.value)
    assert str(tmp_path / "geo" / "departements.geojson") in message
    assert "anct-carto/superposeur-anct" in message
    assert "TERRITOIRES_DATA_DIR" in message
