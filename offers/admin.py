from django import forms
from django.contrib import admin

from accounts.admin import RulesHistoryAdmin
from offers.models import Operator, Service


@admin.register(Operator)
class OperatorAdmin(RulesHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ServiceAdminForm(forms.ModelForm):
    """Axes and applicants may be empty lists (a service open to every axis), which the JSON fields'
    default form fields refuse as « obligatoire »."""

    class Meta:
        model = Service
        fields = "__all__"  # noqa: DJ007 (the admin shows every field; only two are adjusted)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("axes", "applicants"):
            self.fields[name].required = False

    def clean_axes(self):
        return self.cleaned_data.get("axes") or []

    def clean_applicants(self):
        return self.cleaned_data.get("applicants") or []


@admin.register(Service)
class ServiceAdmin(RulesHistoryAdmin):
    form = ServiceAdminForm
    list_display = ["title", "operator", "kind", "scope", "status"]
    list_filter = ["status", "kind", "scope", "operator"]
    search_fields = ["title", "slug", "description"]
    autocomplete_fields = ["regions", "departements", "territories"]
    list_select_related = ["operator"]
