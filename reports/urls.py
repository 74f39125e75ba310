from django.urls import path

from . import views

app_name = "reports"

# Beside public's "territoires/<phase>/<ti_id>/", "departements/<code>/" and "regions/<code>/": their
# <str:code> stops at a slash, so these sub-paths never reach public's views.
urlpatterns = [
    path("territoires/<str:phase>/<str:ti_id>/fiche/", views.sheet, name="sheet"),
    path("territoires/<str:phase>/<str:ti_id>/fiche.pdf", views.sheet_pdf, name="sheet-pdf"),
]
