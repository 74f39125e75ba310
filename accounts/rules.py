"""The permissions of accounts, built from the predicates of accounts/permissions.py.

Imported at start-up by ``rules.apps.AutodiscoverRulesConfig``, like every app's ``rules.py``: the one
way a permission is registered (apps' ``ready()`` no longer import them).
"""

from __future__ import annotations

import rules

from accounts.permissions import (
    can_grant_role,
    is_administrator,
    is_coordinator,
    is_own_account,
    is_signed_in,
    is_staff_reader,
)

rules.add_perm("accounts.invite", is_administrator | is_coordinator)  # the invitation form itself
# Target: an unsaved RoleAssignment (from the invitation form or the API), or the one to revoke.
rules.add_perm("accounts.grant_role", can_grant_role)
rules.add_perm("accounts.revoke_role", can_grant_role)
rules.add_perm("accounts.view_user_list", is_administrator)
rules.add_perm("accounts.deactivate_user", is_administrator)
rules.add_perm("accounts.reactivate_user", is_administrator)
rules.add_perm("accounts.view_journal", is_staff_reader)
rules.add_perm("accounts.export_journal", is_staff_reader)
rules.add_perm("accounts.is_signed_in", is_signed_in)  # pages about the person's own account

# Django admin (rules.contrib.admin asks "<app>.<action>_<model>", with or without an object).
# Only administrators manage accounts; the admin site itself also requires ``is_staff`` (see signals.py).
for app_label, model in (
    ("accounts", "roleassignment"),
    ("accounts", "invitation"),
    ("auth", "user"),
    ("auth", "group"),
):
    for action in ("view", "add", "change", "delete"):
        if (app_label, model, action) != ("auth", "user", "view"):
            rules.add_perm(f"{app_label}.{action}_{model}", is_administrator)
# Also the account's "Historique".
rules.add_perm("auth.view_user", is_administrator | is_own_account)

# Programme-level data (territories/admin.py lets the phases' labels and dates be edited).
rules.add_perm("territories.view_phase", is_staff_reader)
rules.add_perm("territories.change_phase", is_staff_reader)

# The admin's index lists an app only when ``has_module_perms(app_label)`` is true, which rules' backend
# reads as the permission named after the app: without these the national team read « Vous n'avez pas la
# permission de voir ou de modifier quoi que ce soit » although it may read territories and plans.
rules.add_perm("accounts", is_administrator)
rules.add_perm("auth", is_administrator)
rules.add_perm("territories", is_staff_reader)


# --- API tokens (« Mon espace » › Jetons d'API; docs/api.md) --------------------------------------


@rules.predicate
def is_token_owner(user, token) -> bool:
    return token is not None and is_signed_in(user) and token.user_id == user.pk


# Any signed-in person creates tokens for itself: a token may do only what its person may.
rules.add_perm("accounts.manage_api_tokens", is_signed_in)
rules.add_perm("accounts.revoke_api_token", is_token_owner | is_administrator)
# The valid tokens of everyone, on the same page, to revoke a leaked one by its prefix.
rules.add_perm("accounts.list_api_tokens", is_administrator)
