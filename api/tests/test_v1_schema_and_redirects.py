"""API v1's schema and interactive docs (local files, under the site's CSP), and the old addresses."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.usefixtures("real_data")


def test_every_operation_declares_its_responses_and_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert {path for path, _, _ in operations} >= {
        "/api/v1/phases",
        "/api/v1/territoires",
        "/api/v1/territoires/{phase}/{ti_id}",
        "/api/v1/territoires.geojson",
        "/api/v1/territoires.csv",
        "/api/v1/lookup",
        "/api/v1/lookup/batch",
        "/api/v1/stats",
        "/api/v1/actions",
    }
    for path, method, operation in operations:
        responses = operation["responses"]
        # 201 for the writing operations that create (api/v1/write_*.py).
        success = responses.get("200") or responses.get("201")
        assert success and success.get("content"), (path, method)
        assert operation.get("description"), (path, method)
        takes_input = operation.get("parameters") or operation.get("requestBody")
        if takes_input:
            errors = [code for code in responses if code.startswith("4")]
            assert errors, (path, method)
            for code in errors:
                assert "application/json" in responses[code]["content"], (path, method, code)
    stats = schema["paths"]["/api/v1/stats"]["get"]["description"]
    assert (
        "plus grande part de la population" in stats and "au moins une commune" in stats
    )  # the definitions


def test_interactive_docs_use_local_files_allowed_by_the_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(src.endswith("swagger-ui-bundle.js") for src in sources)
    assert all(src.startswith("/") for src in sources), sources  # no CDN
    for src in sources:
        assert finders.find(src.removeprefix("/static/")), src
    # No inline script to execute (only a JSON data block): script-src 'self' is enough.
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize(
    "old, new",
    [
        ("/api/recherche?q=meaux&limite=3", "/api/v1/recherche?q=meaux&limite=3"),
        (
            "/api/territoires.geojson?phase=2023-2027&departement=77",
            "/api/v1/territoires.geojson?phase=2023-2027&departement=77",
        ),
        ("/api/territoires.csv", "/api/v1/territoires.csv"),
        ("/api/contours/regions.geojson", "/api/v1/contours/regions.geojson"),
        (
            "/api/territoires/2023-2027/ti-1108/carte.geojson",
            "/api/v1/territoires/2023-2027/ti-1108/carte.geojson",
        ),
        ("/api/point?lon=2.878&lat=48.96", "/api/v1/point?lon=2.878&lat=48.96"),
        ("/api/openapi.json", "/api/v1/openapi.json"),
        ("/api/communes/77284?phase=2023-2027", "/api/v1/lookup?commune=77284&phase=2023-2027"),
        ("/api/communes/Romilly%20sur%20Seine", "/api/v1/lookup?commune=Romilly%20sur%20Seine"),
    ],
)
def test_old_public_addresses_redirect_permanently(client, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new
    assert response["Deprecation"] == "true"
    assert client.get(new).status_code == 200


def test_other_methods_keep_their_method_with_308(client):
    response = client.post("/api/point?lon=1&lat=2", {}, content_type="application/json")
    assert response.status_code == 308 and response["Location"] == "/api/v1/point?lon=1&lat=2"


def test_the_account_api_stays_and_unknown_addresses_are_not_redirected(client):
    assert client.get("/api/compte/moi").status_code in (401, 403)
    assert client.get("/api/v1/inconnu").status_code == 404
    assert client.get("/api/inconnu").status_code == 404
