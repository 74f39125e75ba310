from django.contrib import admin
from django.urls import include, path

from accounts.api import api as accounts_api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("compte/", include("accounts.urls")),
    path("api/compte/", accounts_api.urls),
    path("api/", include("api.urls")),
    path("", include("plans.urls")),  # plans/… and territoires/<phase>/<ti_id>/plan/…
    path("", include("public.urls")),
]
