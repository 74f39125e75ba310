"""The accounts rows of the permission matrix (see accounts/tests/matrix.py and docs/roles.md)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.tests.matrix import ADMIN, COORDINATORS_IN, SIGNED_IN, STAFF, Endpoint

ALL_COORDINATORS = frozenset(
    {
        "coordinateur-region",
        "coordinateur-region-hors",
        "coordinateur-departement",
        "coordinateur-departement-hors",
    }
)
INVITED = "invitee@matrice.test"


def _someone(world, email="cible@matrice.test"):
    user = get_user_model().objects.create(username=email, email=email)
    return user


def _lead_of_target(world):
    from accounts.models import Role
    from accounts.services.roles import grant_role

    return grant_role(_someone(world), Role.CHEF_DE_PROJET, territory=world.territory)


def _role_state(world, assignment):
    assignment.refresh_from_db()
    return assignment.active


def _roles_of(email):
    from accounts.models import RoleAssignment

    return lambda world, target: sorted(
        RoleAssignment.objects.filter(user__email=email).values_list("role", "active")
    )


def _url(name, *args):
    return lambda world, target: reverse(name, args=args)


def _admin_url(name):
    """Admin URL of the target object (add pages take none)."""
    return lambda world, target: reverse(name, args=[] if name.endswith("_add") else [target.pk])


def _refetch(model_fields):
    """State of the target object's fields (or "supprimé")."""

    def state(world, target):
        row = type(target).objects.filter(pk=target.pk).values(*model_fields).first()
        return row or "supprimé"

    return state


def _operator(world):
    from offers.models import Operator

    return Operator.objects.create(slug="ademe-test", name="ADEME (test)")


def _invitation(world):
    from accounts.models import Invitation, Role

    return Invitation.objects.create(
        email=INVITED, token_hash="x" * 64, role=Role.BINOME, territory=world.territory
    )


def _count(model_path, **filters):
    def state(world, target):
        from django.apps import apps

        return apps.get_model(model_path).objects.filter(**filters).count()

    return state


def _token_of_someone(world):
    from accounts.services.tokens import create_token

    return create_token(_someone(world), "Jeton de la cible", 30)[0]


def _assignment_form(world, target):
    return {"user": target.pk, "role": "binome", "territory": world.territory.pk, "active": "on"}


PERMISSION_MATRIX = [
    # Pages about the person's own account.
    Endpoint("accounts:dashboard", "page", "GET", SIGNED_IN, url=_url("accounts:dashboard")),
    Endpoint(
        "accounts:logout_everywhere",
        "page",
        "POST",
        SIGNED_IN,
        url=_url("accounts:logout_everywhere"),
    ),
    # Personal API tokens (« Mon espace » › Jetons d'API): one's own; revoking another's: administrators.
    Endpoint("accounts:tokens", "page", "GET", SIGNED_IN, url=_url("accounts:tokens")),
    Endpoint(
        "accounts:tokens",
        "page",
        "POST",
        SIGNED_IN,
        url=_url("accounts:tokens"),
        data=lambda world, target: {"name": "Script de la matrice", "days": "30"},
        state=_count("accounts.ApiToken", name="Script de la matrice"),
        label="création",
    ),
    Endpoint(
        "accounts:token_revoke",
        "page",
        "POST",
        ADMIN,
        setup=_token_of_someone,
        url=lambda world, target: reverse("accounts:token_revoke", args=[target.pk]),
        state=_refetch(["revoked_at"]),
    ),
    # Invitations: any coordinator opens the form, but may only invite within its area.
    Endpoint(
        "accounts:invite",
        "page",
        "GET",
        ADMIN | ALL_COORDINATORS,
        url=_url("accounts:invite"),
        label="formulaire",
    ),
    Endpoint(
        "accounts:invite",
        "page",
        "POST",
        ADMIN | COORDINATORS_IN,
        url=_url("accounts:invite"),
        data=lambda world, target: {
            "email": INVITED,
            "role": "chef-de-projet",
            "territory": world.territory.pk,
        },
        state=_count("accounts.Invitation", email=INVITED),
        ok=frozenset({302}),
        label="envoi",
    ),
    Endpoint(
        "accounts:revoke_role",
        "page",
        "POST",
        ADMIN | COORDINATORS_IN,
        setup=_lead_of_target,
        url=lambda world, target: reverse("accounts:revoke_role", args=[target.pk]),
        state=_role_state,
    ),
    Endpoint(
        "accounts:deactivate_user",
        "page",
        "POST",
        ADMIN,
        setup=_someone,
        url=lambda world, target: reverse("accounts:deactivate_user", args=[target.pk]),
        state=_refetch(["is_active"]),
    ),
    Endpoint(
        "accounts:reactivate_user",
        "page",
        "POST",
        ADMIN,
        setup=lambda world: get_user_model().objects.create(
            username="inactif@matrice.test", email="inactif@matrice.test", is_active=False
        ),
        url=lambda world, target: reverse("accounts:reactivate_user", args=[target.pk]),
        state=_refetch(["is_active"]),
    ),
    Endpoint("accounts:users", "page", "GET", ADMIN, url=_url("accounts:users")),
    Endpoint("accounts:journal", "page", "GET", STAFF, url=_url("accounts:journal")),
    Endpoint(
        "accounts:journal_export", "export", "GET", STAFF, url=_url("accounts:journal_export")
    ),
    Endpoint(
        "accounts:object_history",
        "page",
        "GET",
        ADMIN,
        setup=_someone,
        url=lambda world, target: reverse(
            "accounts:object_history", args=["auth", "user", target.pk]
        ),
    ),
    # JSON API.
    Endpoint("accounts-api:me", "api", "GET", SIGNED_IN, url=_url("accounts-api:me")),
    Endpoint(
        "accounts-api:create_role",
        "api",
        "POST",
        ADMIN | COORDINATORS_IN,
        setup=_someone,
        url=_url("accounts-api:create_role"),
        data=lambda world, target: {
            "user_email": target.email,
            "role": "binome",
            "territory_id": world.territory.pk,
        },
        state=_roles_of("cible@matrice.test"),
        ok=frozenset({201}),
    ),
    Endpoint(
        "accounts-api:delete_role",
        "api",
        "DELETE",
        ADMIN | COORDINATORS_IN,
        setup=_lead_of_target,
        url=lambda world, target: reverse("accounts-api:delete_role", args=[target.pk]),
        state=_role_state,
        ok=frozenset({204}),
    ),
    # Django admin.
    Endpoint(
        "admin:accounts_roleassignment_add",
        "admin",
        "POST",
        ADMIN,
        url=_admin_url("admin:accounts_roleassignment_add"),
        setup=_someone,
        data=_assignment_form,
        state=_roles_of("cible@matrice.test"),
    ),
    Endpoint(
        "admin:accounts_roleassignment_change",
        "admin",
        "POST",
        ADMIN,
        setup=_lead_of_target,
        url=_admin_url("admin:accounts_roleassignment_change"),
        data=lambda world, target: {
            "user": target.user_id,
            "role": "binome",
            "territory": world.territory.pk,
        },
        state=_refetch(["role", "active"]),
    ),
    Endpoint(
        "admin:accounts_roleassignment_delete",
        "admin",
        "POST",
        ADMIN,
        setup=_lead_of_target,
        url=_admin_url("admin:accounts_roleassignment_delete"),
        data=lambda world, target: {"post": "yes"},
        state=_refetch(["role"]),
    ),
    Endpoint(
        "admin:offers_operator_add",
        "admin",
        "POST",
        ADMIN,
        url=_admin_url("admin:offers_operator_add"),
        data=lambda world, target: {"slug": "nouvel-operateur", "name": "Nouvel opérateur"},
        state=_count("offers.Operator", slug="nouvel-operateur"),
    ),
    Endpoint(
        "admin:offers_operator_change",
        "admin",
        "POST",
        ADMIN,
        setup=_operator,
        url=_admin_url("admin:offers_operator_change"),
        data=lambda world, target: {"slug": target.slug, "name": "Nom changé"},
        state=_refetch(["name"]),
    ),
    Endpoint(
        "admin:offers_operator_delete",
        "admin",
        "POST",
        ADMIN,
        setup=_operator,
        url=_admin_url("admin:offers_operator_delete"),
        data=lambda world, target: {"post": "yes"},
        state=_refetch(["name"]),
    ),
    Endpoint(
        "admin:accounts_invitation_change",
        "admin",
        "POST",
        ADMIN,
        setup=_invitation,
        url=_admin_url("admin:accounts_invitation_change"),
        data=lambda world, target: {
            "email": target.email,
            "role": "chef-de-projet",
            "territory": world.territory.pk,
        },
        state=_refetch(["email", "role"]),
    ),
    Endpoint(
        "admin:accounts_invitation_delete",
        "admin",
        "POST",
        ADMIN,
        setup=_invitation,
        url=_admin_url("admin:accounts_invitation_delete"),
        data=lambda world, target: {"post": "yes"},
        state=_refetch(["email"]),
    ),
    # Programme-level data: the national team edits the phases' labels and dates.
    Endpoint(
        "admin:territories_phase_change",
        "admin",
        "POST",
        STAFF,
        setup=lambda world: world.territory.phase,
        url=_admin_url("admin:territories_phase_change"),
        data=lambda world, target: {
            "label": "Phase renommée",
            "start_date": "2023-01-01",
            "end_date": "2027-12-31",
        },
        state=_refetch(["label"]),
    ),
]

# URL names of accounts that need no row, and why.
NOT_EDITING = {
    "accounts:login": "formulaire de connexion, public par nature (limité en débit, testé à part)",
    "accounts:logout": "ferme la session en cours, sans effet hors de celle-ci",
    "accounts:password_reset": "public par nature (testé de bout en bout)",
    "accounts:password_reset_done": "page d'information publique",
    "accounts:password_reset_confirm": "protégé par le jeton du courriel (testé de bout en bout)",
    "accounts:password_reset_complete": "page d'information publique",
    "accounts:accept_invitation": "protégé par le jeton de l'invitation (testé de bout en bout)",
}
