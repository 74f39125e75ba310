"""HTML → PDF with WeasyPrint, offline: the only files it may read are the project's static files.

WeasyPrint fetches every URL a document names (stylesheets, fonts, images). Ours never leaves the
machine: ``StaticOnlyFetcher`` answers the URLs under ``STATIC_URL`` of the pseudo-host
``BASE_URL`` from the static files finders (the Marianne fonts of django-dsfr, our print CSS) and
refuses everything else — another host, ``file:``, ``data:``, a path outside the static files — so a
title typed in a plan (``<img src="http://…">`` is escaped anyway) can never make the server fetch
a URL or read a file.
"""

from __future__ import annotations

import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

BASE_URL = "https://pdf.invalid/"  # .invalid: a name that can never resolve (RFC 2606)

logger = logging.getLogger(__name__)


class FetchRefused(ValueError):
    pass


def static_path(url: str):
    """The file behind a static URL of BASE_URL's host, or None."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or ".." in path.split("/"):
        return None
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    return found if isinstance(found, str) else None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_path(url)
            if path is None:
                logger.warning("PDF : adresse refusée (seuls les fichiers statiques) : %s", url)
                raise FetchRefused(f"adresse refusée : {url}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnlyFetcher()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document whose static URLs are ``{% static %}`` paths."""
    from weasyprint import HTML  # ~0.3 s to import: only in the process that renders

    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()
