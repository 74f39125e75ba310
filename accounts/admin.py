"""Admin of accounts: every permission comes from rules (accounts/permissions.py); the journal is read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from rules.contrib.admin import ObjectPermissionsModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Invitation, RoleAssignment
from accounts.services.roles import notify_grant, revoke_role
from core.authz import authorize
from core.french import quantity


class RulesHistoryAdmin(ObjectPermissionsModelAdmin, SimpleHistoryAdmin):
    """Object permissions from rules, with the "Historique" button of django-simple-history (read-only)."""

    def has_add_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the button: refuse the "revert" POST itself.
        if request.method == "POST":
            raise PermissionDenied("Le journal se consulte ; il ne se modifie pas.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.action(description="Retirer les rôles sélectionnés")
def revoke_selected(modeladmin, request, queryset):
    for assignment in queryset:
        authorize(request.user, "accounts.revoke_role", assignment)
    for assignment in queryset:
        revoke_role(assignment)
    modeladmin.message_user(
        request,
        quantity(queryset.count(), "rôle retiré.", "rôles retirés."),
        messages.SUCCESS,
    )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(RulesHistoryAdmin):
    list_display = ["user", "role", "scope", "active", "created_at"]
    list_filter = ["role", "active", "phase"]
    search_fields = [
        "user__email",
        "territory__name",
        "departement__name",
        "region__name",
        "operator__name",
    ]
    autocomplete_fields = ["user"]
    raw_id_fields = ["territory"]
    actions = [revoke_selected]

    @admin.display(description="périmètre")
    def scope(self, obj):
        # A model property has no column title of its own: without this one the list shows "Scope label".
        return obj.scope_label

    def save_model(self, request, obj, form, change):
        # The same rule as the invitation form and the API: nobody grants a role to themselves.
        authorize(request.user, "accounts.grant_role", obj)
        obj._change_reason = f"Rôle {'modifié' if change else 'attribué'} par {request.user.email}"
        super().save_model(request, obj, form, change)
        if obj.active and (
            not change or "active" in form.changed_data or "role" in form.changed_data
        ):
            notify_grant(obj, request.user)


@admin.register(Invitation)
class InvitationAdmin(RulesHistoryAdmin):
    list_display = ["email", "role", "invited_by", "created_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["invited_by", "created_at", "accepted_at"]

    def has_add_permission(self, request):
        return (
            False  # invitations are sent from /compte/invitations/nouvelle/ (which emails the link)
        )
