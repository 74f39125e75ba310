"""Two application servers (gunicorn, loopback ports) on one database, as in docs/deploiement.md:
a change made elsewhere is served by both at their next request (the in-process caches are keyed on
the data version read from the database, core/datastamp.py), a sign-in lockout reached on one holds
on the other, and with Redis (``CACHE_URL``) a session opened on one is valid on the other.

Run on the database engine under test (a scratch database the servers can see); the Redis variant
starts its own ``redis-server`` on a loopback port and is skipped when Debian's package is absent
(scripts/system-packages.sh installs it).
"""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager

import pytest
from django.db import connection

from config.tests.scratch import Scratch
from public.tests.server import free_port, running_server

# Several application servers run on PostgreSQL (issue 14; SQLite is the one-machine default): on SQLite
# this module would cost ~70 s of the suite's CPU for a set-up that production never has.
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="plusieurs serveurs d'application : PostgreSQL seulement"
)

TERRITORY_URL = "/territoires/2023-2027/ti-test-1/"
PASSWORD = "Mot-de-passe-correct-42"

SETUP = f"""
from django.utils import timezone
from django.contrib.auth import get_user_model
from territories.models import Phase, Territory
phase = Phase.objects.get(code="2023-2027")  # created by the migrations
phase.imported_at = timezone.now()
phase.save()
Territory.objects.create(phase=phase, ti_id="ti-test-1", name="Vallée de l’Exemple")
get_user_model().objects.create_user(username="agent@example.org", email="agent@example.org", password="{PASSWORD}")
"""

ADD_CONTACT = """
from contacts.models import Team, TeamMember
from territories.models import Territory
team = Team.objects.create(level="territoire", territory=Territory.objects.get(ti_id="ti-test-1"),
    name="Équipe projet", organisation="Communauté de communes d'Exemple")
TeamMember.objects.create(team=team, name="Camille Exemple-Public", email="camille@example.org",
    public=True)
"""


class Client:
    """A browser of sorts: cookies, CSRF token, redirects followed; answers (status, body, url)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, str, str]:
        try:
            with self.opener.open(url, timeout=60) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), url

    def sign_in(self, base: str, email: str, password: str) -> tuple[int, str, str]:
        status, page, _ = self.get(base + "/compte/connexion/")
        assert status == 200, page[-500:]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "email": email, "password": password}
        ).encode()
        request = urllib.request.Request(
            base + "/compte/connexion/", data=data, headers={"Referer": base + "/compte/connexion/"}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), base + "/compte/connexion/"


@contextmanager
def redis_server(tmp_path):
    """A private redis-server on a free loopback port, nothing written to disk."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not shutil.which(executable):
        pytest.skip("redis-server absent (paquet Debian redis-server : scripts/system-packages.sh)")
    port = free_port()
    process = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "redis-server"
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


# The test database is set up first (the scratch databases copy its engine and server).
pytestmark = [pytest.mark.django_db, POSTGRESQL_ONLY]


@pytest.fixture(scope="module", params=["memoire", "redis"])
def servers(request, migrated, tmp_path_factory, django_db_blocker):
    """Two gunicorn instances (A, B) on one scratch database, with or without a shared Redis. One
    pair per module and variant (starting them costs ~8 s); the lockout test, which locks the
    loopback address out of signing in, comes last."""
    tmp_path = tmp_path_factory.mktemp(f"serveurs-{request.param}")
    with django_db_blocker.unblock():
        database = Scratch(tmp_path, f"serveurs_{request.param}", template=migrated)
    try:
        database.run("shell", "-c", SETUP)
        with ExitStack() as stack:
            env = {**database.env(), "MAP_TILES_URL": "", "LOG_LEVEL": "WARNING"}
            if request.param == "redis":
                env["CACHE_URL"] = stack.enter_context(redis_server(tmp_path))
            bases = [
                stack.enter_context(
                    running_server(env, workers=1, threads=2, warm_urls=(), ready_path="/sante/")
                )
                for _ in range(2)
            ]
            yield database, bases, env.get("CACHE_URL")
    finally:
        with django_db_blocker.unblock():
            database.drop()


def test_a_change_is_served_by_both_servers_at_the_next_request(servers):
    database, (a, b), _ = servers
    client = Client()
    for base in (a, b):  # both servers build and cache the territory page (anonymous visitor)
        status, page, _ = client.get(base + TERRITORY_URL)
        assert status == 200
        assert "Vallée de l’Exemple" in page
        assert "Camille Exemple-Public" not in page
    # A third process (a `territoires` command) adds a public contact to the territory.
    database.run("shell", "-c", ADD_CONTACT)
    for base in (b, a):
        status, page, _ = client.get(base + TERRITORY_URL)
        assert status == 200
        assert "Camille Exemple-Public" in page, base


def test_a_session_opened_on_one_server_is_valid_on_the_other(servers):
    _, (a, b), cache_url = servers
    client = Client()
    status, _, url = client.sign_in(a, "agent@example.org", PASSWORD)
    assert status == 200 and not url.endswith("/compte/connexion/"), url
    status, page, url = client.get(b + "/compte/")
    assert status == 200
    assert "/compte/connexion/" not in url, "B sent the signed-in visitor to sign in"
    assert "agent@example.org" in page
    if (
        cache_url
    ):  # the session went through the shared Redis (« cached_db »), not only the database
        import redis

        keys = redis.Redis.from_url(cache_url).keys("territoires:*")
        assert any(b"django.contrib.sessions.cached_db" in key for key in keys), keys


def test_a_sign_in_lockout_on_one_server_holds_on_the_other(servers):
    _, (a, b), _ = servers
    for _ in range(5):
        status, page, _ = Client().sign_in(a, "agent@example.org", "mauvais-mot-de-passe")
        assert "Trop de tentatives" not in page
    # The right password, on the other server: still refused for the rest of the window.
    status, page, url = Client().sign_in(b, "agent@example.org", PASSWORD)
    assert "Trop de tentatives de connexion infructueuses" in page
    assert url.endswith("/compte/connexion/")
