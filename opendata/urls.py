"""The open data page and its files (/donnees/), public, read-only (docs/opendata.md)."""

from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.page, name="page"),
    path("fichiers/<str:name>", views.download, name="download"),
    path("fichiers/<str:version>/<str:name>", views.download_version, name="download_version"),
]
