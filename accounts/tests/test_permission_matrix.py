"""Every editing endpoint x every profile: allowed or denied as the table says, and nothing changes when denied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tests.matrix import (
    DOC_BEGIN,
    DOC_END,
    PROFILES,
    build_world,
    collect_not_editing,
    collect_rows,
    roles_table,
)
from core.authz import PermissionRequiredMixin

ROWS = collect_rows()
ROLES_DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The 13 users and 11 roles, built once for the module's ~580 cases (0.125 s each when every case
    rebuilt them) inside a transaction rolled back at the end; each case runs in its own savepoint
    (pytest-django's ``db``), so what a case writes is undone before the next one."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _send(client, row, world, target, headers=None):
    url = row.url(world, target)
    data = row.data(world, target) if row.data else None
    if row.kind == "api":
        body = json.dumps(data) if data is not None else ""
        return client.generic(
            row.method, url, body, content_type="application/json", headers=headers
        )
    if row.method == "GET":
        return client.get(url, data or {})
    return client.generic(
        row.method, url, _form_encode(data or {}), content_type="application/x-www-form-urlencoded"
    )


def _form_encode(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


def _is_login_redirect(response, kind) -> bool:
    if response.status_code != 302:
        return False
    location = response["Location"]
    return location.startswith(settings.LOGIN_URL) or (
        kind == "admin" and location.startswith(ADMIN_LOGIN)
    )


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("row", ROWS, ids=[row.id + f"-{row.method}" for row in ROWS])
def test_permission_matrix(row, profile, world, db, client):
    target = row.setup(world)
    headers = None
    if profile != "anonyme" and row.auth == "jeton":
        from accounts.services.tokens import create_token

        headers = {"Authorization": f"Bearer {create_token(world.users[profile], 'matrice', 1)[1]}"}
    elif profile != "anonyme":
        client.force_login(world.users[profile])
    before = row.state(world, target)

    response = _send(client, row, world, target, headers)
    after = row.state(world, target)

    if profile in row.allowed:
        assert response.status_code in row.ok, f"{profile} devrait pouvoir : {response.status_code}"
        assert not _is_login_redirect(response, row.kind)
        if row.method != "GET" and before is not None:
            assert after != before, f"{profile} a reçu {response.status_code} mais rien n'a changé"
        return
    if profile == "anonyme":
        if row.kind == "api":
            assert response.status_code == 401
        else:
            assert _is_login_redirect(response, row.kind), response.status_code
    elif row.kind == "admin" and not world.users[profile].is_staff:
        # Django's admin site sends signed-in non-staff people to its own sign-in page (with a notice).
        assert response.status_code == 403 or _is_login_redirect(response, row.kind)
    else:
        assert response.status_code == 403, (
            f"{profile} ne devrait pas pouvoir : {response.status_code}"
        )
    assert after == before, f"{profile} a été refusé mais l'état a changé"


# --- Coverage: an endpoint cannot be added without its row --------------------------------------


def _walk(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = (
                f"{namespace}:{pattern.name}"
                if namespace and pattern.name
                else (pattern.name or "")
            )
            yield name, pattern.callback


def _is_guarded(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    return hasattr(callback, "authz_permission") or bool(
        view_class and issubclass(view_class, PermissionRequiredMixin)
    )


def _ninja_operations(callback):
    path_view = getattr(callback, "__self__", None)
    return getattr(path_view, "operations", None) or []


def test_every_guarded_view_and_api_operation_has_rows():
    covered = {row.name for row in ROWS} | set(collect_not_editing())
    missing = []
    for name, callback in _walk(get_resolver()):
        if name.startswith("admin:"):
            continue
        operations = _ninja_operations(callback)
        if operations:
            for operation in operations:
                editing = set(operation.methods) - {"GET", "HEAD", "OPTIONS"}
                if (
                    editing or hasattr(operation.view_func, "authz_permission")
                ) and name not in covered:
                    missing.append(f"{name} {sorted(operation.methods)}")
        elif _is_guarded(callback) and name not in covered:
            missing.append(name)
    assert not missing, f"Endpoints sans ligne dans une PERMISSION_MATRIX : {missing}"


def test_every_url_of_an_app_with_a_matrix_is_accounted_for():
    """In apps that declare a matrix, every URL name is a row or is listed in NOT_EDITING with a reason."""
    from accounts.tests.matrix import _matrix_modules

    covered = {row.name for row in ROWS} | set(collect_not_editing())
    packages = tuple(f"{app}." for app in _matrix_modules())
    missing = [
        name
        for name, callback in _walk(get_resolver())
        if not name.startswith("admin:")
        and (getattr(callback, "__module__", "") or "").startswith(packages)
        and name not in covered
    ]
    assert not missing, f"URL sans ligne ni justification : {missing}"


def test_every_editable_admin_has_rows(db, django_user_model):
    superuser = django_user_model(
        username="root", email="root@matrice.test", is_superuser=True, is_staff=True
    )
    request = RequestFactory().get("/admin/")
    request.user = superuser
    covered = {row.name for row in ROWS} | set(collect_not_editing())
    missing = []
    for model, model_admin in admin.site._registry.items():
        if "site-packages" in str(model._meta.app_config.path):
            continue  # Django's and django-dsfr's own admins: superusers only (no rules perm grants them)
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        checks = {
            "add": model_admin.has_add_permission(request),
            "change": model_admin.has_change_permission(request),
            "delete": model_admin.has_delete_permission(request),
        }
        missing += [
            f"{prefix}_{action}"
            for action, editable in checks.items()
            if editable and f"{prefix}_{action}" not in covered
        ]
    assert not missing, (
        f"Administration modifiable sans ligne dans une PERMISSION_MATRIX : {missing}"
    )


def test_rows_are_unique():
    ids = [(row.id, row.method) for row in ROWS]
    assert len(ids) == len(set(ids))


def test_login_url_is_the_accounts_page():
    assert settings.LOGIN_URL == reverse("accounts:login")


def test_the_roles_doc_table_is_the_matrix():
    """docs/roles.md's permission table is generated from the rows; it cannot drift from them.

    To rewrite it: ``TERRITOIRES_WRITE_ROLES_DOC=1 .venv/bin/pytest accounts/tests/test_permission_matrix.py -k roles_doc``.
    """
    import os

    doc = ROLES_DOC.read_text(encoding="utf-8")
    assert DOC_BEGIN in doc and DOC_END in doc, "docs/roles.md a perdu les marqueurs de la matrice"
    before, rest = doc.split(DOC_BEGIN, 1)
    current = DOC_BEGIN + rest.split(DOC_END, 1)[0] + DOC_END
    expected = roles_table()
    if os.environ.get("TERRITOIRES_WRITE_ROLES_DOC") == "1":
        ROLES_DOC.write_text(doc.replace(current, expected), encoding="utf-8")
        current = expected
    assert current == expected, (
        "docs/roles.md : la table ne suit plus la matrice (voir la docstring)"
    )


def test_the_roles_doc_table_says_who_adds_follow_up_notes():
    table = roles_table()
    line = next(line for line in table.splitlines() if "`plans:note_add`" in line)
    assert "coordinateur-region" in line and "coordinateur-departement" in line
    assert "coordinateur-region-hors" not in line and "binome" not in line
