"""Issue 8: each attack that got through, replayed as a hostile user would send it.

Deactivation that an invitation undid, self-granted roles, account enumeration through the roles API,
formula injection in the journal export, reset-email flooding and 500s on odd URLs.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, Role, RoleAssignment
from offers.models import Operator

from .conftest import PASSWORD

ROLES_API = "/api/compte/roles"
NEW_PASSWORD = "Atelier-Lumiere-2026"


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _post_json(client, url, payload):
    import json

    return client.post(url, json.dumps(payload), content_type="application/json")


@pytest.fixture
def coordinator(make_user, territory):
    return make_user(
        "coord@region.test", (Role.COORDINATEUR, {"region": territory.principal_region})
    )


@pytest.fixture
def national(make_user):
    return make_user("national@anct.test", (Role.EQUIPE_NATIONALE, {}), (Role.ADMINISTRATEUR, {}))


# --- 1. Deactivation holds ------------------------------------------------------------------------


def test_deactivating_ends_the_roles_and_nothing_brings_them_back(client, admin_user, national):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:deactivate_user", args=[national.pk]))
    assert response.status_code == 302
    national.refresh_from_db()
    assert not national.is_active and not national.is_staff
    assert not RoleAssignment.objects.filter(user=national, active=True).exists()

    # An administrator reactivates the account explicitly (its button on the accounts page): its old
    # roles stay ended, and the journal says who reactivated it.
    page = client.get(reverse("accounts:users")).content.decode()
    assert reverse("accounts:reactivate_user", args=[national.pk]) in page
    response = client.post(reverse("accounts:reactivate_user", args=[national.pk]), follow=True)
    assert "réactivé, sans rôle" in response.content.decode()
    national.refresh_from_db()
    assert national.is_active
    assert not RoleAssignment.objects.filter(user=national, active=True).exists()
    assert (
        national.history.first().history_change_reason == f"Compte réactivé par {admin_user.email}"
    )


def test_a_deactivation_in_the_admin_ends_the_roles_too(national):
    national.is_active = False
    national.save()
    assert list(national.role_assignments.values_list("active", flat=True)) == [False, False]


def test_a_coordinator_cannot_invite_a_deactivated_account_back(
    client, admin_user, coordinator, national, territory
):
    admin = Client()
    admin.force_login(admin_user)
    admin.post(reverse("accounts:deactivate_user", args=[national.pk]))

    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:invite"),
        {"email": national.email, "role": Role.CHEF_DE_PROJET, "territory": territory.pk},
    )
    assert response.status_code == 200
    assert "est désactivé" in response.content.decode()
    assert not Invitation.objects.filter(email=national.email).exists()
    assert mail.outbox == []


def test_an_old_invitation_link_does_not_reactivate_the_account(
    client, admin_user, coordinator, make_user, territory
):
    person = make_user("binome@exemple.fr")
    client.force_login(coordinator)
    client.post(
        reverse("accounts:invite"),
        {"email": person.email, "role": Role.BINOME, "territory": territory.pk},
    )
    link = _link(mail.outbox[-1])
    client.force_login(admin_user)
    client.post(reverse("accounts:deactivate_user", args=[person.pk]))
    client.logout()

    page = client.get(link)
    assert page.status_code == 410 and "désactivé" in page.content.decode()
    accepted = client.post(
        link,
        {
            "first_name": "Eve",
            "last_name": "Attaque",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert accepted.status_code == 410
    person.refresh_from_db()
    assert not person.is_active and person.check_password(PASSWORD)
    assert not RoleAssignment.objects.filter(user=person, active=True).exists()


def test_no_role_is_granted_to_a_deactivated_account(client, admin_user, make_user, territory):
    person = make_user("parti@exemple.fr")
    person.is_active = False
    person.save()
    client.force_login(admin_user)
    response = _post_json(
        client,
        ROLES_API,
        {"user_email": person.email, "role": "binome", "territory_id": territory.pk},
    )
    assert response.status_code == 422
    assert not RoleAssignment.objects.filter(user=person).exists()


# --- 2. Self-granted rights ------------------------------------------------------------------------


def test_a_coordinator_cannot_grant_itself_a_role(client, coordinator, territory):
    client.force_login(coordinator)
    response = _post_json(
        client,
        ROLES_API,
        {"user_email": coordinator.email, "role": "chef-de-projet", "territory_id": territory.pk},
    )
    assert response.status_code == 403
    assert not coordinator.role_assignments.filter(role=Role.CHEF_DE_PROJET).exists()


def test_an_administrator_cannot_grant_itself_a_role_either(client, admin_user, territory):
    client.force_login(admin_user)
    response = _post_json(
        client,
        ROLES_API,
        {"user_email": admin_user.email, "role": "binome", "territory_id": territory.pk},
    )
    assert response.status_code == 403


def test_nobody_invites_themselves_to_a_role(client, coordinator, territory):
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:invite"),
        {"email": coordinator.email, "role": Role.CHEF_DE_PROJET, "territory": territory.pk},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "role, scope",
    [
        ("coordinateur", "region"),  # its own level
        ("equipe-nationale", None),  # above it
        ("administrateur", None),
    ],
)
def test_a_coordinator_grants_only_roles_below_its_own(
    client, coordinator, make_user, territory, role, scope
):
    make_user("autre@exemple.fr")
    payload = {"user_email": "autre@exemple.fr", "role": role}
    if scope:
        payload["region_id"] = territory.principal_region.pk
    client.force_login(coordinator)
    assert _post_json(client, ROLES_API, payload).status_code == 403
    assert not RoleAssignment.objects.filter(user__email="autre@exemple.fr").exists()


def test_a_granted_role_is_journalled_and_the_person_told(
    client, coordinator, make_user, territory
):
    grantee = make_user("nouveau.binome@exemple.fr")
    client.force_login(coordinator)
    response = _post_json(
        client,
        ROLES_API,
        {"user_email": grantee.email, "role": "binome", "territory_id": territory.pk},
    )
    assert response.status_code == 201
    assignment = RoleAssignment.objects.get(user=grantee, role=Role.BINOME)
    record = assignment.history.latest()
    assert record.history_user == coordinator
    assert record.history_change_reason == f"Rôle attribué par {coordinator.email}"
    assert [m.to for m in mail.outbox] == [[grantee.email]]
    assert "Binôme" in mail.outbox[0].body and territory.name in mail.outbox[0].body


# --- 3. Account enumeration ------------------------------------------------------------------------


def test_a_caller_who_may_not_grant_learns_nothing_about_the_address(client, make_user, territory):
    from territories.models import Territory

    elsewhere = (
        Territory.objects.exclude(regions=territory.principal_region)
        .defer("geometry", "geometry_simplified")
        .order_by("ti_id")
        .first()
    )
    outsider = make_user(
        "coord@ailleurs.test", (Role.COORDINATEUR, {"region": elsewhere.principal_region})
    )
    make_user("existe@exemple.fr")
    client.force_login(outsider)
    answers = [
        _post_json(
            client,
            ROLES_API,
            {"user_email": email, "role": "binome", "territory_id": territory.pk},
        )
        for email in ("existe@exemple.fr", "inconnu@exemple.fr")
    ]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].content == answers[1].content


def test_an_allowed_caller_learns_that_no_account_exists_with_the_invitation_link(
    client, coordinator, territory
):
    client.force_login(coordinator)
    response = _post_json(
        client,
        ROLES_API,
        {"user_email": "inconnu@exemple.fr", "role": "binome", "territory_id": territory.pk},
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "Aucun compte actif" in detail and reverse("accounts:invite") in detail


# --- 4. Formula injection in the journal export ---------------------------------------------------


@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", '=HYPERLINK("https://evil.example")'])
def test_journal_export_neutralises_formulas(client, admin_user, payload):
    Operator.objects.create(slug="piege", name=payload)
    client.force_login(admin_user)
    response = client.get(reverse("accounts:journal_export"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'" + payload in cells  # the value is there, as text
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]


# --- 6. Password-reset flooding -------------------------------------------------------------------


def test_eight_reset_requests_for_one_account_do_not_send_eight_emails(client, make_user):
    make_user("victime@exemple.fr")
    for attempt in range(8):
        response = client.post(
            reverse("accounts:password_reset"),
            {"email": "victime@exemple.fr"},
            REMOTE_ADDR=f"198.51.100.{attempt}",
        )
        assert response.status_code == 302  # the same answer every time: it reveals nothing
    assert len(mail.outbox) == 3


def test_reset_requests_from_one_address_are_capped_across_accounts(client, make_user):
    for index in range(12):
        make_user(f"agent{index}@exemple.fr")
        client.post(
            reverse("accounts:password_reset"),
            {"email": f"agent{index}@exemple.fr"},
            REMOTE_ADDR="192.0.2.200",
        )
    assert len(mail.outbox) == 10


def test_reset_email_still_works_and_goes_through_the_task_queue(client, make_user, monkeypatch):
    from core import emails

    queued = []
    original = emails.queue_email
    monkeypatch.setattr(
        "accounts.forms.queue_email", lambda *args: queued.append(args) or original(*args)
    )
    make_user("oubli@exemple.fr")
    client.post(reverse("accounts:password_reset"), {"email": "oubli@exemple.fr"})
    assert len(queued) == 1 and queued[0][2] == ["oubli@exemple.fr"]
    assert len(mail.outbox) == 1 and "/compte/mot-de-passe/" in mail.outbox[0].body


# --- 7. Odd URLs are 404s, not 500s ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/compte/journal/?page=99999999999999999999999",
        "/compte/journal/?page=0",
        "/compte/journal/?page=abc",
        "/compte/historique/auth/user/abc/",
        "/compte/historique/auth/user/99999999999999999999999/",
        "/compte/historique/plans/action/abc/",
        "/compte/historique/territories/phase/2023%00-2027/",
        "/compte/historique/auth%00/user/1/",
    ],
)
def test_odd_urls_are_404(client, admin_user, url):
    client.raise_request_exception = False
    client.force_login(admin_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "user=99999999999999999999999",
        "since=0001-01-01",
        "until=0001-01-01",
        "since=9999-12-31&until=9999-12-31",
        "model=auth.user%00",
    ],
)
def test_odd_journal_filters_are_not_500s(client, admin_user, query):
    client.raise_request_exception = False
    client.force_login(admin_user)
    for name in ("accounts:journal", "accounts:journal_export"):
        assert client.get(reverse(name) + "?" + query).status_code == 200


def test_an_odd_territory_in_the_invitation_form_is_a_form_error(client, coordinator):
    client.raise_request_exception = False
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:invite"),
        {"email": "x@exemple.fr", "role": "binome", "territory": "99999999999999999999999"},
    )
    assert response.status_code == 200 and not Invitation.objects.exists()


def test_odd_identifiers_in_posts_are_404(client, admin_user):
    client.raise_request_exception = False
    client.force_login(admin_user)
    huge = "99999999999999999999999"
    assert client.post(f"/compte/utilisateurs/{huge}/desactiver/").status_code == 404
    assert client.post(f"/compte/roles/{huge}/retirer/").status_code == 404
    assert client.delete(f"{ROLES_API}/{huge}").status_code in {404, 422}


# --- 8. Administrators read the plans in the admin and their history -----------------------------


def test_administrators_read_plans_in_the_admin_and_history(client, admin_user, territory):
    from plans.models import Action, ActionPlan

    plan = ActionPlan.objects.create(territory=territory)
    action = Action.objects.create(
        plan=plan,
        code="A1",
        title="Action d'exemple",
        axis=Action._meta.get_field("axis").choices[0][0],
    )
    client.force_login(admin_user)
    assert client.get("/admin/plans/action/").status_code == 200
    assert client.get(f"/admin/plans/action/{action.pk}/change/").status_code == 200
    assert (
        client.get(reverse("accounts:object_history", args=["plans", "action", action.pk]))
    ).status_code == 200


def test_an_administrator_cannot_grant_itself_a_role_in_the_django_admin(
    client, admin_user, territory
):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": admin_user.pk, "role": "binome", "territory": territory.pk, "active": "on"},
    )
    assert response.status_code == 403
    assert not admin_user.role_assignments.filter(role=Role.BINOME).exists()


def test_a_role_granted_in_the_django_admin_is_journalled_and_told(
    client, admin_user, make_user, territory
):
    grantee = make_user("par.admin@exemple.fr")
    client.force_login(admin_user)
    client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": grantee.pk, "role": "binome", "territory": territory.pk, "active": "on"},
    )
    assignment = grantee.role_assignments.get()
    assert assignment.history.latest().history_change_reason.endswith(admin_user.email)
    assert [m.to for m in mail.outbox] == [[grantee.email]]
