"""Invitation and password reset, end to end through Django's test email outbox."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Role, RoleAssignment

NEW_PASSWORD = "Atelier-Lumiere-2026"


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _invite(client, inviter, territory, email="nouvelle.cheffe@exemple.fr"):
    client.force_login(inviter)
    return client.post(
        reverse("accounts:invite"),
        {"email": email, "role": Role.CHEF_DE_PROJET, "territory": territory.pk},
    )


def test_admin_invitation_creates_the_account_with_its_role(client, admin_user, territory):
    response = _invite(client, admin_user, territory)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.cheffe@exemple.fr"]
    assert "valable 7 jours" in message.body
    link = _link(message)
    client.logout()

    page = client.get(link)
    assert page.status_code == 200 and "nouvelle.cheffe@exemple.fr" in page.content.decode()
    accepted = client.post(
        link,
        {
            "first_name": "Camille",
            "last_name": "Durand",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert accepted.status_code == 302 and accepted["Location"] == reverse("accounts:dashboard")

    user = get_user_model().objects.get(email="nouvelle.cheffe@exemple.fr")
    assert user.check_password(NEW_PASSWORD) and user.get_full_name() == "Camille Durand"
    assert RoleAssignment.objects.filter(
        user=user, role=Role.CHEF_DE_PROJET, territory=territory, active=True
    ).exists()
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert territory.name in dashboard

    # The link works once.
    client.logout()
    assert client.get(link).status_code == 410


def test_invitation_expires_after_seven_days(client, admin_user, territory):
    _invite(client, admin_user, territory)
    link = _link(mail.outbox[0])
    Invitation.objects.update(
        created_at=Invitation.objects.get().created_at - timedelta(days=7, minutes=1)
    )
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "expiré" in response.content.decode()
    post = client.post(
        link,
        {"first_name": "A", "last_name": "B", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert post.status_code == 410
    assert not get_user_model().objects.filter(email="nouvelle.cheffe@exemple.fr").exists()


def test_unknown_invitation_link_is_explained(client, db):
    response = client.get(reverse("accounts:accept_invitation", args=["nimporte-quoi"]))
    assert response.status_code == 410 and "copié en entier" in response.content.decode()


def test_weak_password_is_refused_and_nothing_is_created(client, admin_user, territory):
    _invite(client, admin_user, territory)
    link = _link(mail.outbox[0])
    client.logout()
    response = client.post(
        link,
        {"first_name": "A", "last_name": "B", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not get_user_model().objects.filter(email="nouvelle.cheffe@exemple.fr").exists()
    assert Invitation.objects.get().accepted_at is None


def test_coordinator_invites_within_its_area_only(client, make_user, territory):
    from territories.models import Territory

    coordinator = make_user(
        "coord@prefecture.test",
        (Role.COORDINATEUR, {"departement": territory.principal_departement}),
    )
    assert _invite(client, coordinator, territory).status_code == 302
    assert len(mail.outbox) == 1

    far_away = (
        Territory.objects.exclude(departements=territory.principal_departement)
        .exclude(regions=territory.principal_departement.region)
        .first()
    )
    refused = _invite(client, coordinator, far_away, email="hors.zone@exemple.fr")
    assert refused.status_code == 403
    assert not Invitation.objects.filter(email="hors.zone@exemple.fr").exists()
    assert len(mail.outbox) == 1

    # Nor may a coordinator hand out an administrator role.
    response = client.post(
        reverse("accounts:invite"), {"email": "x@exemple.fr", "role": Role.ADMINISTRATEUR}
    )
    assert (
        response.status_code == 200 and not Invitation.objects.filter(email="x@exemple.fr").exists()
    )


def test_invitation_with_an_incoherent_scope_is_refused_with_a_french_message(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:invite"), {"email": "x@exemple.fr", "role": Role.CHEF_DE_PROJET}
    )
    assert response.status_code == 200
    assert "attend : territory" in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


def test_password_reset_end_to_end(client, make_user):
    make_user("oubli@exemple.fr")
    response = client.post(reverse("accounts:password_reset"), {"email": "OUBLI@exemple.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["oubli@exemple.fr"]
    link = _link(mail.outbox[0])

    form_page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse(
        "accounts:password_reset_complete"
    )

    assert (
        client.post(
            "/compte/connexion/", {"email": "oubli@exemple.fr", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    # The link cannot be replayed.
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@exemple.fr"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:password_reset_done"
    )
    assert mail.outbox == []


def test_the_scope_fields_of_an_invitation_are_not_called_optional(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("accounts:invite")).content.decode()
    for name in ("email", "role", "territory", "departement", "region", "operator", "phase"):
        assert f'for="id_{name}"' in html
    # Required for a chef de projet: « Territoire (Optionnel) » misled; the help text says when.
    assert (
        "Territoire\xa0(Optionnel)" not in html and "Pour un chef de projet ou un binôme." in html
    )
    assert "Phase\xa0(Optionnel)" in html  # the one truly optional field keeps its mark


def test_a_coordinator_is_offered_only_the_latest_phase_territories_of_its_area(client, make_user):
    from geo.models import Departement
    from territories.models import Territory

    seine_et_marne = Departement.objects.get(code="77")
    coordinator = make_user(
        "coord77@prefecture.test", (Role.COORDINATEUR, {"departement": seine_et_marne})
    )
    client.force_login(coordinator)
    html = client.get(reverse("accounts:invite")).content.decode()
    current = Territory.objects.filter(phase_id="2023-2027", departements=seine_et_marne)
    ended = Territory.objects.filter(phase_id="2019-2022", departements=seine_et_marne)
    assert current.exists() and ended.exists()
    for territory in current:
        assert f'value="{territory.pk}"' in html
    for territory in ended:
        assert f'value="{territory.pk}"' not in html
