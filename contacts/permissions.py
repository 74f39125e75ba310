"""Contacts' shared predicates (registered as permissions in contacts/rules.py).

``is_team_member`` ties an account to a team without a role: a member of a team is listed by
professional email (the import and the team screens), and the account with that address, if active,
works the team's inbox. The match is case-insensitive (addresses come from spreadsheets typed by hand).
"""

from __future__ import annotations

import rules


@rules.predicate
def is_team_member(user, team) -> bool:
    """``user`` (active, signed in) is a TeamMember of ``team`` by email, case-insensitively."""
    if team is None or not (user and user.is_authenticated and user.is_active):
        return False
    email = (user.email or "").strip()
    if not email:
        return False
    return team.members.filter(email__iexact=email).exists()
