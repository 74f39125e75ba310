"""Sign-in by email address (case-insensitive) with Django's password check."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip()
        if not email or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).order_by("-is_active", "pk").first()
        if user is None:
            User().set_password(
                password
            )  # same cost as a real check: no timing hint that the account exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
