from django.contrib import admin

from geo.admin import ReadOnlyAdmin, ReadOnlyInline
from territories.models import Lineage, Phase, Territory, TerritoryCommune, TerritoryMember


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    """Programme-level data: labels and dates are editable; what the import sets is not."""

    list_display = [
        "code",
        "label",
        "start_date",
        "end_date",
        "cog_year",
        "source_name",
        "imported_at",
    ]
    readonly_fields = ["code", "number", "cog_year", "source_name", "imported_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(ReadOnlyInline):
    model = TerritoryMember
    fields = ["siren", "name", "kind", "legal_nature", "population"]


class CommuneInline(ReadOnlyInline):
    model = TerritoryCommune
    fields = ["commune", "source_code"]


class PredecessorInline(ReadOnlyInline):
    model = Lineage
    fk_name = "successor"
    verbose_name = "prédécesseur"
    verbose_name_plural = "prédécesseurs (phase précédente)"
    fields = ["predecessor", "shared_communes", "successor_share", "predecessor_share"]


@admin.register(Territory)
class TerritoryAdmin(ReadOnlyAdmin):
    list_display = [
        "ti_id",
        "name",
        "phase",
        "principal_region",
        "principal_departement",
        "lineage_status",
        "outcome_status",
        "commune_count",
        "population",
    ]
    list_filter = ["phase", "lineage_status", "outcome_status", "principal_region", "departements"]
    search_fields = ["ti_id", "name", "search_name", "members__name", "members__siren"]
    list_select_related = ["phase", "principal_region", "principal_departement"]
    exclude = ["geometry", "geometry_simplified", "source_fingerprint", "communes"]
    inlines = [MemberInline, PredecessorInline, CommuneInline]


@admin.register(TerritoryMember)
class TerritoryMemberAdmin(ReadOnlyAdmin):
    list_display = ["siren", "name", "legal_nature", "territory", "population"]
    list_filter = ["territory__phase", "kind", "legal_nature"]
    search_fields = ["siren", "name", "territory__name", "territory__ti_id"]
    list_select_related = ["territory"]
