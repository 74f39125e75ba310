from django.contrib import admin

from accounts.admin import RulesHistoryAdmin
from offers.models import Operator, Service


@admin.register(Operator)
class OperatorAdmin(RulesHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Service)
class ServiceAdmin(RulesHistoryAdmin):
    list_display = ["title", "operator", "kind", "scope", "status"]
    list_filter = ["status", "kind", "scope", "operator"]
    search_fields = ["title", "slug", "description"]
    autocomplete_fields = ["regions", "departements", "territories"]
    list_select_related = ["operator"]
