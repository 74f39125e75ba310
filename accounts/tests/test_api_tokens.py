"""Personal API tokens: created from « Mon espace » and shown once, stored hashed, refused (401)
when missing, unknown, expired, revoked or of a deactivated account; creation and revocation are
journalled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import tokens
from accounts.services.roles import deactivate_account

pytestmark = pytest.mark.django_db

API = "/api/v1/moi/plans"
SECRET = re.compile(r"ti_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")


def _call(client, secret=None, **headers):
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    return client.get(API, headers=headers)


def _refused(response, message):
    assert response.status_code == 401
    assert response.json() == {"detail": message}  # the same body whatever the cause
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_created_from_my_space_shown_once_and_stored_hashed(client, make_user):
    person = make_user("cheffe@example.org")
    client.force_login(person)
    assert reverse("accounts:tokens") in client.get(reverse("accounts:dashboard")).text

    created = client.post(reverse("accounts:tokens"), {"name": "Script du plan", "days": "30"})

    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    secret = SECRET.search(created.text).group(0)
    assert "il ne sera plus jamais affiché" in created.text
    # In a text area, which wraps it on a phone's screen instead of cutting it (walk at 390 px).
    assert re.search(
        r'<textarea[^>]*id="jeton-cree"[^>]*readonly[^>]*>' + secret + "</textarea>", created.text
    )
    token = ApiToken.objects.get(user=person)
    assert token.name == "Script du plan"
    assert (token.expires_at - token.created_at) == timedelta(days=30)
    # Only a keyed hash is kept: the secret is in no column.
    assert re.fullmatch(r"[0-9a-f]{64}", token.token_hash)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret.split("_")[2] in str(value) for value in stored.values())
    # Shown once: the list shows the prefix only, never the secret again.
    listing = client.get(reverse("accounts:tokens"))
    assert secret not in listing.text and f"ti_{token.prefix}_…" in listing.text

    client.logout()  # the token works without any session
    response = _call(client, secret)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_expiry_is_required_and_bounded(client, make_user):
    client.force_login(make_user("cheffe@example.org"))
    page = client.get(reverse("accounts:tokens"))
    assert 'value="90"' in page.text  # API_TOKEN_DEFAULT_DAYS
    for days in ("", "0", "366"):
        refused = client.post(reverse("accounts:tokens"), {"name": "Trop long", "days": days})
        assert refused.status_code == 400
    assert not ApiToken.objects.exists()
    with override_settings(API_TOKEN_MAX_DAYS=10), pytest.raises(tokens.TokenError, match="10"):
        tokens.create_token(make_user("autre@example.org"), "x", 11)


def test_missing_unknown_expired_revoked_and_deactivated_are_401(client, make_user):
    person = make_user("cheffe@example.org")
    _refused(_call(client), tokens.MISSING)
    _refused(_call(client, Authorization="Basic Zm9vOmJhcg=="), tokens.MISSING)
    unknown = _call(client, "pas-un-jeton")
    _refused(unknown, tokens.UNKNOWN)
    assert 'error="invalid_token"' in unknown["WWW-Authenticate"]
    assert "error" not in _call(client)["WWW-Authenticate"]  # nothing sent: no error code
    token, secret = tokens.create_token(person, "script", 30)
    # Right prefix, wrong secret: the hash does not match.
    _refused(_call(client, secret[:-4] + "AAAA"), tokens.UNKNOWN)

    old, old_secret = tokens.create_token(
        person, "ancien", 1, now=timezone.now() - timedelta(days=2)
    )
    _refused(_call(client, old_secret), tokens.EXPIRED)

    assert _call(client, secret).status_code == 200
    client.force_login(person)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    client.logout()
    _refused(_call(client, secret), tokens.REVOKED)

    other = make_user("binome@example.org")
    _, other_secret = tokens.create_token(other, "script", 30)
    assert _call(client, other_secret).status_code == 200
    deactivate_account(other)
    response = _call(client, other_secret)
    assert response.status_code == 401  # at once (and revoked: a reactivation does not revive it)
    assert ApiToken.objects.get(user=other).revoked_at is not None


def test_a_session_alone_does_not_authenticate_a_write(client, make_user):
    """Writes take a token only: a session cookie (which a cross-site form would send) gets 401."""
    client.force_login(make_user("cheffe@example.org"))
    response = client.post(
        "/api/v1/demandes-de-contact/DC-X/cloture", "{}", content_type="application/json"
    )
    _refused(response, tokens.MISSING)


def test_creation_and_revocation_are_journalled(client, make_user):
    person = make_user("cheffe@example.org")
    token, _ = tokens.create_token(person, "script", 30)
    admin = make_user("admin@example.org")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)  # an administrator may revoke another's token
    client.post(reverse("accounts:token_revoke", args=[token.pk]))

    records = list(token.history.order_by("history_date").values_list("history_type", "revoked_at"))
    assert [kind for kind, _ in records] == ["+", "~"]
    assert records[1][1] is not None
    authors = list(token.history.order_by("history_date").values_list("history_user", flat=True))
    assert authors == [person.pk, admin.pk]
    journal = client.get(reverse("accounts:journal"))
    assert journal.status_code == 200 and "Jeton « script »" in journal.text
    # The journal never holds the hash.
    assert "token_hash" not in {f.name for f in ApiToken.history.model._meta.fields}


def test_someone_else_cannot_revoke_my_token(client, make_user):
    token, secret = tokens.create_token(make_user("cheffe@example.org"), "script", 30)
    client.force_login(make_user("curieux@example.org"))
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 403
    client.logout()
    assert _call(client, secret).status_code == 200


def test_an_administrator_finds_a_leaked_token_by_its_prefix_and_revokes_it(client, make_user):
    leaked, secret = tokens.create_token(make_user("cheffe@example.org"), "script fuité", 30)
    other, _ = tokens.create_token(make_user("autre@example.org"), "autre script", 30)
    # Someone who is not an administrator sees only their own tokens.
    client.force_login(make_user("curieux@example.org"))
    page = client.get(reverse("accounts:tokens")).text
    assert "Jetons valides des autres personnes" not in page and "script fuité" not in page

    admin = make_user("admin@example.org")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    found = client.get(reverse("accounts:tokens"), {"prefixe": f"ti_{leaked.prefix}"}).text
    assert "1 jeton valide au préfixe" in found
    assert "cheffe@example.org" in found and f"ti_{leaked.prefix}_…" in found
    assert "autre script" not in found
    assert secret not in found
    revoke = reverse("accounts:token_revoke", args=[leaked.pk])
    assert f'action="{revoke}"' in found

    assert client.post(revoke).status_code == 302
    client.logout()
    _refused(_call(client, secret), tokens.REVOKED)
    other.refresh_from_db()
    assert other.revoked_at is None
