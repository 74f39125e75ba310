from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import views
from .sitemaps import SITEMAPS


class PhaseConverter:
    regex = r"\d{4}-\d{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PhaseConverter, "phase")

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("carte/", views.map_page, name="map"),
    path("territoires/<phase:phase>/<slug:ti_id>/", views.territory, name="territory"),
    path("regions/<str:code>/", views.region, name="region"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("communes/<str:code>/", views.commune, name="commune"),
    path("intercommunalites/<str:siren>/", views.groupement, name="groupement"),
    path("plan-du-site/", views.site_plan, name="site-plan"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
