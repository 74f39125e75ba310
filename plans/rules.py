"""Permissions of the action plans (placeholder until accounts/permissions.py exists)."""
