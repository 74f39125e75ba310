"""Permissions of the service offer, built from the shared predicates of accounts/permissions.py."""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator

# Django admin (rules.contrib.admin asks "<app>.<action>_<model>"): operators as before their move from
# accounts, administrators only.
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"offers.{action}_operator", is_administrator)

# The admin's index lists the app only for those who hold the permission named after it.
rules.add_perm("offers", is_administrator)
