from django.contrib import admin

from accounts.admin import RulesHistoryAdmin
from offers.models import Operator


@admin.register(Operator)
class OperatorAdmin(RulesHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
