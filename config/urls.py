from django.contrib import admin
from django.urls import include, path

from accounts.api import api as accounts_api
from core.health import health

urlpatterns = [
    path("sante/", health, name="health"),  # for the proxy and the monitoring (docs/deploiement.md)
    path("admin/", admin.site.urls),
    path("compte/", include("accounts.urls")),
    path("api/compte/", accounts_api.urls),
    path("api/", include("api.urls")),
    path("", include("plans.urls")),  # plans/… and territoires/<phase>/<ti_id>/plan/…
    path("contacts/", include("contacts.urls_directory")),
    path("offre/gestion/", include("offers.urls_manage")),  # before any "offre/<slug>/" pattern
    path("", include("public.urls")),
    path("", include("contacts.urls_requests")),  # contact/… and contacts/demandes/…
    path("offre/", include("offers.urls_catalogue")),  # the public catalogue (issue 11)
    path("demandes-de-service/", include("offers.urls_requests")),
    path("registre/", include("offers.urls_ledger")),  # the operators' ledger
    path("etiquetage/", include("tagging.urls")),  # « Étiqueter un fichier » (issue 14)
    path("", include("reports.urls")),  # fiche/, communique/, rapport/ (issue 13; docs/rapports.md)
    path("donnees/", include("opendata.urls")),  # open data page and bulk downloads (issue 13)
    path("tableaux-de-bord/", include("stats.urls")),  # dashboards (issue 13)
]

# DSFR error pages in French (core/errors.py; CSRF failures: CSRF_FAILURE_VIEW in settings).
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

# Django's default header reads « Administration de Django » to the national team.
admin.site.site_header = "Territoires d'industrie — administration des données"
admin.site.site_title = "Territoires d'industrie"
