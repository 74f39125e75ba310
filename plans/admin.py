"""Read-only admin of the plans: edits go through the plan screens (permissions, journal, validation)."""

from django.contrib import admin

from geo.admin import ReadOnlyAdmin, ReadOnlyInline
from plans.models import Action, ActionPlan, Funding


class FundingInline(ReadOnlyInline):
    model = Funding
    fields = [
        "position",
        "funder",
        "scheme",
        "amount",
        "state",
        "requested_on",
        "decided_on",
        "paid_on",
    ]


@admin.register(ActionPlan)
class ActionPlanAdmin(ReadOnlyAdmin):
    list_display = ["territory", "state", "updated_at"]
    list_filter = ["state", "territory__phase"]
    search_fields = ["territory__name", "territory__ti_id"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "title",
        "plan",
        "axis",
        "status",
        "maturity",
        "confidential",
        "archived",
    ]
    list_filter = [
        "axis",
        "status",
        "maturity",
        "confidential",
        "archived",
        "plan__territory__phase",
    ]
    search_fields = ["code", "title", "plan__territory__ti_id", "plan__territory__name"]
    list_select_related = ["plan__territory"]
    exclude = ["communes"]
    inlines = [FundingInline]
