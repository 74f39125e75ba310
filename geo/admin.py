from django.contrib import admin

from geo.models import Commune, Departement, Groupement, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    """Official reference data: loaded by `territoires load-geo` / `import-ti`, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown inside a read-only page: every listed field read-only, nothing added, changed or deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    exclude = ["geometry"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    exclude = ["geometry"]


@admin.register(Groupement)
class GroupementAdmin(ReadOnlyAdmin):
    list_display = ["siren", "name", "nature", "population"]
    list_filter = ["nature"]
    search_fields = ["siren", "name", "search_name"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "departement", "epci", "population"]
    list_filter = ["region", "departement"]
    search_fields = ["code", "name", "search_name", "siren"]
    list_select_related = ["departement", "epci"]
