"""Security baseline: CSP with nonce, headers, authz guards, uploads (`check --deploy`: config/tests)."""

from __future__ import annotations

import os
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core.authz import permission_required
from core.middleware import build_policy
from core.uploads import private_storage, validate_upload


def _csp(response) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split("; ")}


def test_every_page_gets_a_csp_whose_nonce_is_on_the_dsfr_scripts(client, db):
    response = client.get("/compte/connexion/")
    assert response.status_code == 200
    policy = _csp(response)
    scripts = policy["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    nonce = next(s for s in scripts if s.startswith("'nonce-"))[len("'nonce-") : -1]
    html = response.content.decode()
    script_tags = re.findall(r"<script\b[^>]*>", html)
    assert script_tags and all(f'nonce="{nonce}"' in tag for tag in script_tags)
    assert {"data:", "blob:"} <= set(policy["img-src"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_the_nonce_changes_with_every_response(client, db):
    first, second = client.get("/compte/connexion/"), client.get("/compte/connexion/")
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


def test_map_tiles_host_is_allowed_for_images(settings):
    settings.MAP_TILES_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "https://*.tile.openstreetmap.org" in build_policy("abc")


def test_security_headers(client, db):
    response = client.get("/compte/connexion/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_carry_a_csrf_token(client, db):
    html = client.get("/compte/connexion/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


# --- core.authz ----------------------------------------------------------------------------------


def _view(request, pk):
    return HttpResponse(f"ok {request.authorized_object}")


def test_permission_required_redirects_anonymous_before_looking_the_object_up(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    looked_up = []
    guarded = permission_required(
        "accounts.view_journal", lambda request, pk: looked_up.append(pk)
    )(_view)
    request = rf.get("/quelque-part/?x=1")
    request.user = AnonymousUser()
    response = guarded(request, pk=7)
    assert (
        response.status_code == 302
        and response["Location"] == "/compte/connexion/?next=/quelque-part/%3Fx%3D1"
    )
    assert looked_up == []


def test_permission_required_denies_and_passes_the_object(
    rf: RequestFactory, django_user_model, db
):
    def missing(request, pk):
        raise Http404

    user = django_user_model.objects.create(username="u", email="u@exemple.fr")
    request = rf.get("/")
    request.user = user
    with pytest.raises(PermissionDenied):
        permission_required("accounts.view_journal", lambda request, pk: "journal")(_view)(
            request, pk=1
        )
    with pytest.raises(Http404):
        permission_required("accounts.is_signed_in", missing)(_view)(request, pk=1)
    response = permission_required("accounts.is_signed_in", lambda request, pk: "objet")(_view)(
        request, pk=1
    )
    assert response.content == b"ok objet"


# --- Uploads -------------------------------------------------------------------------------------


def test_upload_of_a_real_pdf_is_accepted():
    validate_upload(
        SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("script.html", b"<script>alert(1)</script>", "n'est pas d'un type accepté"),
        ("faux.pdf", b"MZ\x90\x00 executable", "ne correspond pas à son extension .pdf"),
        ("image.PNG", b"GIF89a", "ne correspond pas à son extension .png"),
    ],
)
def test_upload_of_a_wrong_type_is_refused_in_french(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_upload(SimpleUploadedFile(name, content))


def test_upload_too_large_is_refused(settings):
    settings.UPLOAD_MAX_SIZE = 1024
    with pytest.raises(ValidationError, match="la taille maximale est de"):
        validate_upload(SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * 2048))


def test_private_files_live_outside_the_static_root_and_have_no_url():
    storage = private_storage()
    location = os.path.realpath(storage.location)
    assert not location.startswith(os.path.realpath(settings.STATIC_ROOT))
    with pytest.raises(ValueError):
        storage.url("plans/piece.pdf")
