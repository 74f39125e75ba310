"""Predicates of the contacts app (registered as permissions in contacts/rules.py)."""

from __future__ import annotations

import rules

from contacts.models import TeamMember


@rules.predicate
def is_team_member(user, team) -> bool:
    """A member of ``team``: an active account whose email is a member's (case ignored)."""
    if team is None or not (user and user.is_authenticated and user.is_active) or not user.email:
        return False
    return TeamMember.objects.filter(team=team, email__iexact=user.email).exists()
