"""The public catalogue of the service offer (/offre/), read-only."""

from django.urls import path

from offers import views_catalogue

app_name = "offers"
urlpatterns = [
    path("", views_catalogue.catalogue, name="catalogue"),
    path("<slug:slug>/", views_catalogue.service_detail, name="service"),
]
