"""The project's URLs plus views that fail on purpose (core/tests/test_error_pages.py)."""

from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns

SECRET = "détail-interne-7f3a"


def crash(request):
    raise RuntimeError(f"boom {SECRET}")


def locked(request):
    raise OperationalError("database is locked")


def suspicious(request):
    raise SuspiciousOperation(f"bad {SECRET}")


urlpatterns = [
    path("test-erreurs/plantage/", crash),
    path("test-erreurs/verrou/", locked),
    path("test-erreurs/suspect/", suspicious),
    path("api/test-erreurs/verrou/", locked),
    path("api/test-erreurs/plantage/", crash),
    *project_urlpatterns,
]
