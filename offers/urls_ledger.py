"""The operators' ledger, its exports, the operators' fitting actions and suggestions (/registre/)."""

from django.urls import path

from offers import views_ledger

app_name = "offers-ledger"

urlpatterns = [
    path("", views_ledger.ledger, name="ledger"),
    path("export.<str:fmt>", views_ledger.ledger_export, name="export"),
    path("actions-a-accompagner/", views_ledger.fitting_actions, name="fitting_actions"),
    path(
        "suggestions/<int:action_id>/<int:service_id>/ecarter/",
        views_ledger.dismiss_suggestion,
        name="dismiss_suggestion",
    ),
]
