"""Track a person's sessions so they can all be closed at once ("se déconnecter partout")."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from accounts.models import UserSession


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def remember_session(request, user) -> None:
    if request is None or not getattr(request, "session", None):
        return
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )


def end_all_sessions(user) -> int:
    """Delete every open session of ``user`` (this one included); returns how many were closed."""
    SessionStore = _store()
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        SessionStore(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)
