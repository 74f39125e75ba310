"""Invitations: an administrator or coordinator invites a person by email to hold one role."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import SCOPE_FIELDS, Invitation
from accounts.services.roles import grant_role


class InvitationError(Exception):
    """The link is unknown, already used or expired (the message is shown to the visitor)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])


@transaction.atomic
def send_invitation(invitation: Invitation, invited_by) -> str:
    """Save ``invitation`` (validated by the caller) and email its link; returns the token (sent, never stored)."""
    token = secrets.token_urlsafe(32)
    invitation.email = invitation.email.strip().lower()
    invitation.token_hash = _hash(token)
    invitation.invited_by = invited_by
    invitation.created_at = timezone.now()
    invitation.save()
    context = {"invitation": invitation, "url": invitation_url(token), "invited_by": invited_by}
    send_mail(
        subject="Invitation à la plateforme Territoires d'industrie",
        message=render_to_string("accounts/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return token


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
    return invitation


@transaction.atomic
def accept_invitation(token: str, password: str, first_name: str = "", last_name: str = ""):
    """Create (or reactivate) the account, set its password, grant the role; returns the user."""
    invitation = find_invitation(token)
    User = get_user_model()
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User(username=invitation.email[:150], email=invitation.email)
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    user.is_active = True
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
