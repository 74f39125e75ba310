from django.http import JsonResponse
from django.urls import include, path


def floor(request):
    """The least a Django view can do: the same middleware stack, a small JSON body, no database."""
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/plancher/", floor), path("", include("config.urls"))]
