from django.contrib import admin
from django.urls import include, path

from accounts.api import api as accounts_api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("compte/", include("accounts.urls")),
    path("api/compte/", accounts_api.urls),
]
