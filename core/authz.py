"""The one authorisation layer: every view, API operation, admin and export asks ``user.has_perm``.

Permissions are ``rules`` predicates registered with ``rules.add_perm`` in each app's ``rules.py``
(accounts/rules.py, plans/rules.py...); the view guards are rules' own, behind Django's sign-in ones.
Nothing here knows a role: it only turns "allowed or not" into the right answer for each kind of
endpoint (sign-in redirect or 403 for pages, 401 or 403 for the API).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from rules.contrib.views import PermissionRequiredMixin as RulesPermissionRequiredMixin
from rules.contrib.views import permission_required as rules_permission_required

ObjectGetter = Callable[..., Any]

DENIED_MESSAGE = "Vous n'avez pas les droits nécessaires pour cette action."


def authorize(user, perm: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds ``perm`` (on ``obj``): for exports, actions, services."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(DENIED_MESSAGE)


def permission_required(perm: str, get_object: ObjectGetter | None = None):
    """Guard a function view with rules' own decorator, behind Django's ``login_required``.

    Anonymous visitors are sent to sign-in before the object is even looked up (so a URL does not
    reveal whether an object exists); signed-in users without the permission get 403. The object
    found by ``get_object(request, *args, **kwargs)`` is left on ``request.authorized_object``.
    """

    def fetch(request, *args, **kwargs):
        obj = get_object(request, *args, **kwargs) if get_object else None
        request.authorized_object = obj
        return obj

    def decorator(view):
        guarded = login_required(
            rules_permission_required(perm, fn=fetch, raise_exception=True)(view)
        )
        guarded.authz_permission = perm  # lets the permission-matrix test find every guarded view
        return guarded

    return decorator


class PermissionRequiredMixin(LoginRequiredMixin, RulesPermissionRequiredMixin):
    """The same guard for class-based views (rules' mixin behind Django's LoginRequiredMixin): set
    ``permission_required``, override ``get_permission_object``; the object is ``self.authorized_object``."""

    raise_exception = (
        False  # anonymous: sign-in; signed in without the permission: 403 (Django's rule)
    )
    permission_denied_message = DENIED_MESSAGE

    def get_permission_object(self):
        return None

    def has_permission(self):
        self.authorized_object = self.get_permission_object()
        return self.request.user.has_perms(self.get_permission_required(), self.authorized_object)


def __getattr__(name: str):
    """``ApiSessionAuth`` and ``api_auth`` (django-ninja auth: the Django session, CSRF-checked on
    unsafe methods; 401 when signed out), made at their first use, by the API's modules: django-ninja
    (pydantic included) is then imported with the API, not by every process that imports this module
    (the admin, each command, each task worker: ~0.06 s of start-up, measured 04/12)."""
    if name not in ("ApiSessionAuth", "api_auth"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ninja.security import SessionAuth

    class ApiSessionAuth(SessionAuth):
        def authenticate(self, request, key):
            user = request.user
            return user if user.is_authenticated and user.is_active else None

    globals().update(ApiSessionAuth=ApiSessionAuth, api_auth=ApiSessionAuth())
    return globals()[name]


def api_authorize(user, perm: str, obj=None) -> None:
    """The API's ``authorize``: a 403 JSON error unless ``user`` holds ``perm`` (on ``obj``)."""
    if not user.has_perm(perm, obj):
        from ninja.errors import HttpError  # (imported by the API already: see __getattr__)

        raise HttpError(403, DENIED_MESSAGE)


def api_permission_required(perm: str, get_object: ObjectGetter | None = None):
    """Guard a django-ninja operation (declared with ``auth=api_auth``, which already gives 401).

    ``get_object(request, **path_params)`` may raise ``Http404``; a missing permission is a 403.
    """

    def decorator(operation):
        @wraps(operation)
        def guarded(request, *args, **kwargs):
            obj = get_object(request, *args, **kwargs) if get_object else None
            api_authorize(request.user, perm, obj)
            request.authorized_object = obj
            return operation(request, *args, **kwargs)

        guarded.authz_permission = perm
        return guarded

    return decorator
