"""Keep derived account state in step with roles and sign-ins."""

from __future__ import annotations

from django.contrib.auth import get_user_model, user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import RoleAssignment
from accounts.services.roles import end_roles_of_inactive, sync_staff_flag
from accounts.services.sessions import remember_session


@receiver(post_save, sender=RoleAssignment)
@receiver(post_delete, sender=RoleAssignment)
def _role_changed(sender, instance, **kwargs):
    sync_staff_flag(instance.user_id)


@receiver(post_save, sender=get_user_model())
def _account_saved(sender, instance, **kwargs):
    # However an account is deactivated (the page, the admin, a shell), its roles end with it.
    end_roles_of_inactive(instance)


@receiver(user_logged_in)
def _remember_session(sender, request, user, **kwargs):
    remember_session(request, user)


@receiver(post_save, sender=get_user_model())
def _revoke_tokens_of_inactive(sender, instance, **kwargs):
    # A deactivated account's API tokens are refused at once (the API checks is_active on each
    # call); revoking them too means a reactivation does not bring them back.
    if not instance.is_active:
        from accounts.services.tokens import revoke_all

        revoke_all(instance)
