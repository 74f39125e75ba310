"""JSON API of accounts (django-ninja): who am I, and granting / revoking roles."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError

from accounts.models import RoleAssignment
from accounts.selectors import active_assignments, get_or_404
from accounts.services.invitations import existing_account
from accounts.services.roles import grant_role, revoke_role
from core.authz import api_auth, api_authorize, api_permission_required

api = NinjaAPI(
    title="Territoires d'industrie — comptes",
    urls_namespace="accounts-api",
    auth=api_auth,
    docs_url=None,
)


class RoleOut(Schema):
    id: int
    role: str
    scope: str
    territory_id: int | None = None
    departement_id: str | None = None
    region_id: str | None = None
    operator_id: int | None = None
    phase_id: str | None = None


class MeOut(Schema):
    email: str
    roles: list[RoleOut]


class RoleIn(Schema):
    user_email: str
    role: str
    territory_id: int | None = None
    departement_id: str | None = None
    region_id: str | None = None
    operator_id: int | None = None
    phase_id: str | None = None


def _role_out(assignment: RoleAssignment) -> RoleOut:
    return RoleOut(
        id=assignment.pk,
        role=assignment.role,
        scope=assignment.scope_label,
        territory_id=assignment.territory_id,
        departement_id=assignment.departement_id,
        region_id=assignment.region_id,
        operator_id=assignment.operator_id,
        phase_id=assignment.phase_id,
    )


@api.get("/moi", response=MeOut)
@api_permission_required("accounts.is_signed_in")
def me(request):
    roles = active_assignments(request.user)
    return MeOut(email=request.user.email, roles=[_role_out(r) for r in roles])


@api.post("/roles", response={201: RoleOut})
def create_role(request, payload: RoleIn):
    """Grant a role to an existing active account.

    The order matters: the role and scope are checked first, so that a caller who may not grant that
    role there gets the same 403 whether or not the address has an account (it answered 422 "Aucun
    compte actif" for an unknown address and 403 for a known one); only an allowed caller learns that
    no account exists, with the invitation page to use instead. Nobody grants a role to themselves.
    """
    scope = payload.dict(exclude={"user_email", "role"}, exclude_none=True)
    proposal = RoleAssignment(role=payload.role, **scope)
    try:
        proposal.clean()
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    api_authorize(request.user, "accounts.grant_role", proposal)
    user = existing_account(payload.user_email)
    if user is None or not user.is_active:
        invite = settings.SITE_URL + reverse("accounts:invite")
        raise HttpError(
            422,
            f"Aucun compte actif pour l'adresse « {payload.user_email} ». "
            f"Pour lui donner accès, invitez cette personne : {invite}",
        )
    proposal.user = user
    api_authorize(request.user, "accounts.grant_role", proposal)  # not to oneself
    assignment = grant_role(user, payload.role, granted_by=request.user, **scope)
    return Status(201, _role_out(assignment))


create_role.authz_permission = "accounts.grant_role"


def _get_assignment(request, assignment_id: int):
    return get_or_404(RoleAssignment.objects.filter(active=True), assignment_id)


@api.delete("/roles/{assignment_id}", response={204: None})
@api_permission_required("accounts.revoke_role", _get_assignment)
def delete_role(request, assignment_id: int):
    revoke_role(request.authorized_object)
    return Status(204, None)
