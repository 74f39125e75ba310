"""The dashboards, under /tableaux-de-bord/ (docs/stats.md)."""

from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.national, name="national"),
    path("regions/<str:code>/", views.region, name="region"),
    path("departements/", views.departements, name="departements"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("territoires/<str:phase>/<slug:ti_id>/", views.territory, name="territory"),
]
