"""Invitations: an administrator or coordinator invites a person by email to hold one role."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import SCOPE_FIELDS, Invitation
from accounts.services.roles import DeactivatedAccountError, grant_role
from core.emails import queue_email


class InvitationError(Exception):
    """The link is unknown, already used or expired (the message is shown to the visitor)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])


@transaction.atomic
def send_invitation(invitation: Invitation, invited_by) -> str:
    """Save ``invitation`` (validated and authorised by the caller) and email its link; returns the
    token (sent, never stored). A deactivated account is not invited: ``DeactivatedAccountError``."""
    invitation.email = invitation.email.strip().lower()
    account = existing_account(invitation.email)
    if account is not None and not account.is_active:
        raise DeactivatedAccountError(invitation.email)
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.invited_by = invited_by
    invitation.created_at = timezone.now()
    invitation.save()
    context = {"invitation": invitation, "url": invitation_url(token), "invited_by": invited_by}
    queue_email(
        "Invitation à la plateforme Territoires d'industrie",
        render_to_string("accounts/emails/invitation.txt", context),
        [invitation.email],
    )
    return token


def existing_account(email: str):
    """The account with this address (active or not), or None."""
    return get_user_model().objects.filter(email__iexact=email.strip()).order_by("pk").first()


def find_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise InvitationError(
            "Ce lien d'invitation n'existe pas. Vérifiez qu'il a été copié en entier."
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            "Cette invitation a déjà été utilisée. Connectez-vous avec votre adresse électronique."
        )
    if not invitation.is_usable():
        raise InvitationError(
            "Cette invitation a expiré (validité : 7 jours). Demandez une nouvelle invitation à la personne qui vous a invité."
        )
    account = existing_account(invitation.email)
    if account is not None and not account.is_active:
        raise InvitationError(
            "Ce compte a été désactivé : une invitation ne peut pas le réactiver. "
            "Adressez-vous à un administrateur de la plateforme."
        )
    return invitation


@transaction.atomic
def accept_invitation(token: str, password: str, first_name: str = "", last_name: str = ""):
    """Create the account (or use the active one), set its password, grant the role; returns the user.

    An invitation never reactivates an account: a coordinator used one to undo an administrator's
    deactivation (and the person's old national-team roles came back with it)."""
    invitation = find_invitation(token)  # refuses a deactivated account
    User = get_user_model()
    user = existing_account(invitation.email)
    if user is None:
        user = User(username=invitation.email[:150], email=invitation.email, is_active=True)
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    user.set_password(password)
    user.save()
    scope = {
        field: getattr(invitation, field)
        for field in SCOPE_FIELDS
        if getattr(invitation, field) is not None
    }
    if invitation.phase_id:
        scope["phase"] = invitation.phase
    grant_role(user, invitation.role, **scope)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
