from django.http import JsonResponse
from django.urls import path

from config import urls


def floor(request):
    """The least a Django view can do: the same middleware stack, a small JSON body, no database."""
    return JsonResponse({"ok": True})


# The site's own patterns at the top level, as in production (config.urls is the ROOT_URLCONF there):
# included under one more level, every address would have paid a resolver the site does not run
# (~5-8 us of the ~40 us of resolving /api/v1/lookup, measured), which the floor did not.
urlpatterns = [path("bench/plancher/", floor), *urls.urlpatterns]
handler400, handler403 = urls.handler400, urls.handler403
handler404, handler500 = urls.handler404, urls.handler500
