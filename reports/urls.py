from django.urls import path

from . import views

app_name = "reports"

# Beside public's "territoires/<phase>/<ti_id>/", "departements/<code>/" and "regions/<code>/": their
# <str:code> stops at a slash, so these sub-paths never reach public's views.
urlpatterns = [
    path("territoires/<str:phase>/<str:ti_id>/fiche/", views.sheet, name="sheet"),
    path("territoires/<str:phase>/<str:ti_id>/fiche.pdf", views.sheet_pdf, name="sheet-pdf"),
]
urlpatterns += [
    path("departements/<str:code>/communique/", views.press_departement, name="press-departement"),
    path(
        "departements/<str:code>/communique.pdf",
        views.press_departement_pdf,
        name="press-departement-pdf",
    ),
    path("regions/<str:code>/communique/", views.press_region, name="press-region"),
    path("regions/<str:code>/communique.pdf", views.press_region_pdf, name="press-region-pdf"),
]
urlpatterns += [
    path("rapport/national.pdf", views.national_pdf, name="national-pdf"),
    path("rapport/national.xlsx", views.national_xlsx, name="national-xlsx"),
]
