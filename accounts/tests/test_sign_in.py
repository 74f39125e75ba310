"""Sign-in by email, rate limiting, logout everywhere, deactivation (end to end through the pages)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.urls import reverse

from accounts.models import LoginAttempt
from accounts.services.ratelimit import MAX_FAILURES

from .conftest import PASSWORD

LOGIN = "/compte/connexion/"


def _login(client, email, password, ip="192.0.2.10"):
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_by_email_is_case_insensitive_and_lands_on_mon_espace(client, make_user):
    make_user("Chef.Projet@Exemple.fr")
    response = _login(client, "chef.projet@exemple.FR", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:dashboard")
    page = client.get(reverse("accounts:dashboard"))
    assert "Mon espace" in page.content.decode()


def test_wrong_password_gives_a_french_message_and_no_session(client, make_user):
    make_user("elu@exemple.fr")
    response = _login(client, "elu@exemple.fr", "pas le bon")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_next_parameter_is_followed_only_on_this_site(client, make_user):
    make_user("lead@exemple.fr")
    ok = client.post(
        LOGIN + "?next=/compte/journal/", {"email": "lead@exemple.fr", "password": PASSWORD}
    )
    assert ok["Location"] == "/compte/journal/"
    client.logout()
    evil = client.post(
        LOGIN + "?next=https://evil.example/", {"email": "lead@exemple.fr", "password": PASSWORD}
    )
    assert evil["Location"] == reverse("accounts:dashboard")


def test_five_failures_on_an_account_lock_it_even_with_the_right_password_then_it_recovers(
    client, make_user
):
    make_user("cible@exemple.fr")
    for attempt in range(MAX_FAILURES):
        assert (
            _login(
                client, "cible@exemple.fr", f"mauvais-{attempt}", ip=f"198.51.100.{attempt}"
            ).status_code
            == 200
        )

    locked = _login(client, "cible@exemple.fr", PASSWORD, ip="203.0.113.99")
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # Fifteen minutes later the failures leave the window.
    LoginAttempt.objects.update(created_at=F("created_at") - timedelta(minutes=16))
    assert _login(client, "cible@exemple.fr", PASSWORD, ip="203.0.113.99").status_code == 302


def test_five_failures_from_one_address_lock_that_address_for_every_account(client, make_user):
    make_user("autre@exemple.fr")
    for attempt in range(MAX_FAILURES):
        _login(client, f"devine-{attempt}@exemple.fr", "mauvais", ip="192.0.2.66")
    assert _login(client, "autre@exemple.fr", PASSWORD, ip="192.0.2.66").status_code == 429
    assert _login(client, "autre@exemple.fr", PASSWORD, ip="192.0.2.67").status_code == 302


def test_logout_everywhere_closes_every_session_of_the_person(client, make_user, django_user_model):
    from django.test import Client

    make_user("partout@exemple.fr")
    other_device = Client()
    assert _login(client, "partout@exemple.fr", PASSWORD).status_code == 302
    assert _login(other_device, "partout@exemple.fr", PASSWORD).status_code == 302
    assert other_device.get(reverse("accounts:dashboard")).status_code == 200

    client.post(reverse("accounts:logout_everywhere"))

    assert other_device.get(reverse("accounts:dashboard")).status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_logout_requires_post(client, make_user):
    make_user("sortie@exemple.fr")
    _login(client, "sortie@exemple.fr", PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_deactivated_account_is_signed_out_and_cannot_sign_in(client, make_user, admin_user):
    from django.test import Client

    make_user("partant@exemple.fr")
    their_browser = Client()
    _login(their_browser, "partant@exemple.fr", PASSWORD)
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.get(email="partant@exemple.fr")
    client.force_login(admin_user)
    assert client.post(reverse("accounts:deactivate_user", args=[account.pk])).status_code == 302

    account.refresh_from_db()
    assert not account.is_active
    assert their_browser.get(reverse("accounts:dashboard")).status_code == 302
    assert _login(Client(), "partant@exemple.fr", PASSWORD).status_code == 200


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_each_sign_in_purges_old_attempts_in_bounded_batches(client, make_user):
    """purge_old_attempts was never called: attempts piled up forever."""
    from django.utils import timezone

    from accounts.models import PasswordResetRequest
    from accounts.services.ratelimit import PURGE_BATCH

    long_ago = timezone.now() - timedelta(days=2)
    LoginAttempt.objects.bulk_create(
        LoginAttempt(email=f"ancien{i}@exemple.fr", created_at=long_ago)
        for i in range(PURGE_BATCH + 20)
    )
    PasswordResetRequest.objects.create(email="ancien@exemple.fr", created_at=long_ago)
    recent = LoginAttempt.objects.create(email="recent@exemple.fr", ip_address="192.0.2.1")
    make_user("purge@exemple.fr")

    _login(client, "purge@exemple.fr", "mauvais")
    assert (
        LoginAttempt.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).count() == 20
    )
    assert not PasswordResetRequest.objects.exists()

    _login(client, "purge@exemple.fr", "mauvais")
    assert not LoginAttempt.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=1)
    ).exists()
    assert LoginAttempt.objects.filter(pk=recent.pk).exists()  # still inside its window


def test_signed_in_visitors_are_sent_to_mon_espace_by_django_login_view(client, make_user):
    make_user("deja@exemple.fr")
    _login(client, "deja@exemple.fr", PASSWORD)
    response = client.get(LOGIN)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:dashboard")
