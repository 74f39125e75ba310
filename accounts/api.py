"""JSON API of accounts (django-ninja): who am I, and granting / revoking roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError

from accounts.models import RoleAssignment
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
    roles = RoleAssignment.objects.filter(user=request.user, active=True)
    return MeOut(email=request.user.email, roles=[_role_out(r) for r in roles])


@api.post("/roles", response={201: RoleOut})
def create_role(request, payload: RoleIn):
    user = get_user_model().objects.filter(email__iexact=payload.user_email, is_active=True).first()
    if user is None:
        raise HttpError(422, f"Aucun compte actif pour l'adresse « {payload.user_email} ».")
    proposal = RoleAssignment(user=user, **payload.dict(exclude={"user_email"}))
    try:
        proposal.clean()
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    api_authorize(
        request.user, "accounts.grant_role", proposal
    )  # the object only exists once the payload is read
    scope = payload.dict(exclude={"user_email", "role"}, exclude_none=True)
    return Status(201, _role_out(grant_role(user, payload.role, **scope)))


create_role.authz_permission = "accounts.grant_role"


def _get_assignment(request, assignment_id: int):
    return get_object_or_404(RoleAssignment, pk=assignment_id, active=True)


@api.delete("/roles/{assignment_id}", response={204: None})
@api_permission_required("accounts.revoke_role", _get_assignment)
def delete_role(request, assignment_id: int):
    revoke_role(request.authorized_object)
    return Status(204, None)
