"""Behind a TLS proxy (issue 8): the client's address for rate limiting, and HTTPS without a loop."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.services.ratelimit import MAX_FAILURES, client_address

from .conftest import PASSWORD

LOGIN = "/compte/connexion/"
PROXY = "10.0.0.5"


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_an_untrusted_client_cannot_spoof_its_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client forged a first hop; the proxy appended the address it really saw.
    request = _request(PROXY, "1.2.3.4, 198.51.100.23, 10.0.0.9")
    assert client_address(request) == "198.51.100.23"
    assert client_address(_request(PROXY, "pas-une-adresse")) == PROXY
    assert client_address(_request(PROXY)) == PROXY


def test_behind_a_trusted_proxy_one_attacker_no_longer_locks_out_everyone(
    client, settings, make_user
):
    settings.TRUSTED_PROXIES = [PROXY]
    make_user("collegue@exemple.fr")
    for attempt in range(MAX_FAILURES + 1):
        client.post(
            LOGIN,
            {"email": f"devine-{attempt}@exemple.fr", "password": "mauvais"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    attacker = client.post(
        LOGIN,
        {"email": "collegue@exemple.fr", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert attacker.status_code == 429
    colleague = client.post(
        LOGIN,
        {"email": "collegue@exemple.fr", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    assert colleague.status_code == 302 and colleague["Location"] == reverse("accounts:dashboard")


def test_an_untrusted_client_rotating_x_forwarded_for_stays_locked(client, settings, make_user):
    settings.TRUSTED_PROXIES = [PROXY]
    make_user("cible@exemple.fr")
    for attempt in range(MAX_FAILURES):
        client.post(
            LOGIN,
            {"email": f"devine-{attempt}@exemple.fr", "password": "mauvais"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    response = client.post(
        LOGIN,
        {"email": "cible@exemple.fr", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.250",
    )
    assert response.status_code == 429


def test_with_the_proxy_ssl_header_production_serves_https_without_redirecting(
    db, client, settings
):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get(LOGIN, HTTP_X_FORWARDED_PROTO="https").status_code == 200
    # Without the proxy's header (or with a forged "http"), the redirect to HTTPS still happens.
    assert client.get(LOGIN).status_code == 301


def _settings_in_subprocess(**environ) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; "
        "print(settings.SECURE_PROXY_SSL_HEADER, settings.TRUSTED_PROXIES, settings.SECURE_SSL_REDIRECT)"
    )
    base = {"PATH": "/usr/bin:/bin", "DEBUG": "false", "SECRET_KEY": "x" * 40}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip() + done.stderr.strip()[-300:]


def test_proxy_settings_are_read_from_the_environment_and_off_by_default():
    assert _settings_in_subprocess() == "None [] True"
    configured = _settings_in_subprocess(
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https", TRUSTED_PROXIES="10.0.0.5,10.1.0.0/16"
    )
    assert configured == "('HTTP_X_FORWARDED_PROTO', 'https') ['10.0.0.5', '10.1.0.0/16'] True"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("TRUSTED_PROXIES", "10.0.0.0/33", "ni une adresse IP ni un réseau"),
        ("SECURE_PROXY_SSL_HEADER", "https", "format attendu"),
    ],
)
def test_a_malformed_proxy_setting_stops_the_start_with_a_french_message(name, value, message):
    assert message in _settings_in_subprocess(**{name: value})
