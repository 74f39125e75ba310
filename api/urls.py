from django.urls import path

from . import legacy
from .v1 import api

urlpatterns = [path("v1/", api.urls), *legacy.urlpatterns]
