"""The error pages in production mode (DEBUG off): DSFR layout, French, nothing of the error shown."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client, override_settings

from core import errors

from .urls_errors import SECRET

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("core.tests.urls_errors"),
]


@pytest.fixture(autouse=True)
def production():
    with override_settings(DEBUG=False):
        yield


@pytest.fixture
def client():
    client = Client()
    client.raise_request_exception = False  # what a visitor gets, not the test's traceback
    return client


def assert_dsfr_page(response, status: int, title: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f"<title>{title} — Territoires d'industrie</title>" in html
    assert f"<h1>{title}</h1>" in html
    assert f"Erreur {status}" in html
    assert 'class="fr-header"' in html and 'class="fr-footer"' in html  # the site's layout
    assert 'href="/"' in html
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF"):
        assert english not in html
    assert SECRET not in html and "Traceback" not in html
    return html


def test_unknown_page_is_the_french_404_without_echoing_the_address(client):
    response = client.get(f"/nulle-part/{SECRET}/")
    html = assert_dsfr_page(response, 404, "Page non trouvée")
    assert "La page que vous cherchez est introuvable" in html
    assert 'href="/recherche/"' in html


def test_a_crash_is_the_french_500_without_details(client):
    response = client.get("/test-erreurs/plantage/")
    html = assert_dsfr_page(response, 500, "Erreur inattendue")
    assert "réessayez un peu plus tard" in html
    assert "RuntimeError" not in html


def test_bad_request_is_the_french_400(client):
    response = client.get("/test-erreurs/suspect/")
    assert_dsfr_page(response, 400, "Requête incorrecte")


def test_a_page_refused_by_the_authorisation_layer_is_the_french_403(client):
    user = get_user_model().objects.create_user(
        username="sans-role@example.org", email="sans-role@example.org", password="x" * 16
    )
    client.force_login(user)
    response = client.get("/compte/journal/")  # core.authz: signed in, without the permission
    html = assert_dsfr_page(response, 403, "Accès refusé")
    assert "Vous n'avez pas les droits nécessaires" in html
    assert 'href="/compte/"' in html  # signed in: back to "Mon espace"


def test_a_form_without_its_csrf_token_gets_the_french_page(client):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/compte/connexion/", {"username": "a@example.org", "password": "x" * 16}
    )
    html = assert_dsfr_page(response, 403, "Formulaire expiré")
    assert "Votre formulaire n'a pas pu être envoyé" in html
    assert "cookies" in html
    assert "Referer" not in html


def test_a_database_still_locked_answers_503_retry_not_500(client):
    response = client.get("/test-erreurs/verrou/")
    html = assert_dsfr_page(response, 503, "Service momentanément indisponible")
    assert "réessayez dans quelques instants" in html
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert "database is locked" not in html


def test_a_database_still_locked_answers_the_api_in_json(client):
    response = client.get("/api/test-erreurs/verrou/")
    assert response.status_code == 503
    assert response.json() == {"detail": errors.BUSY_MESSAGE}
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)


@pytest.mark.parametrize(
    ("method", "path", "status", "detail"),
    [
        ("get", f"/api/v1/nulle-part/{SECRET}", 404, "Adresse inconnue de l'API"),
        ("get", "/api/compte/nulle-part", 404, "Adresse inconnue de l'API"),
        ("get", "/api/test-erreurs/plantage/", 500, "Erreur inattendue"),
        # django-ninja's own answer was an English « Method not allowed » in HTML (walk of 04/12).
        (
            "put",
            "/api/v1/phases",
            405,
            "Méthode PUT non acceptée à cette adresse (acceptées : GET)",
        ),
        ("post", "/api/v1/lookup", 405, "Méthode POST non acceptée"),
    ],
)
def test_the_apis_errors_are_french_json_never_the_html_page(client, method, path, status, detail):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert detail in response.json()["detail"]
    assert SECRET not in response.content.decode() and "Traceback" not in response.content.decode()
    if status == 405:
        assert response["Allow"] == "GET"


def test_a_lock_outside_views_also_answers_503(rf):
    """Sessions and middleware raise outside views: Django then calls handler500 in its except block."""
    request = rf.get("/compte/")
    request.csp_nonce = "n"
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503
    try:
        raise OperationalError("no such table: x")
    except OperationalError:
        assert errors.server_error(request).status_code == 500


def test_an_error_page_that_cannot_render_falls_back_to_plain_french(rf, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(errors, "render", broken)
    response = errors.server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Erreur inattendue</h1>" in html and 'lang="fr"' in html
    assert "unable to open" not in html


def test_sqlite_waits_longer_than_a_capped_import_holds_the_write_lock():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    # 5,000 actions held the lock 2.7 s at most (config/settings.py); sqlite3's default is 5 s.
    assert database["OPTIONS"]["timeout"] >= 20
