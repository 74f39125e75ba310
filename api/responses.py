"""HTTP responses for large, rarely changing payloads: gzip, ETag and cache headers.

Bodies are compressed here (once per process and data version, via ``public.services.versioning``)
rather than by a middleware, so that only these public, token-free payloads are compressed.
"""

from __future__ import annotations

import gzip
import hashlib

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from public.services.versioning import cached

# A URL carrying the current data version (``?v=...``) never changes content: cache it for a year.
# Without it, clients revalidate with the ETag every hour.
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
DEFAULT_MAX_AGE = 3600


def _gzipped(key: object | None, body: bytes, version: str) -> bytes:
    """Compressed once per process when ``key`` names a payload worth keeping (a whole phase, an outline)."""
    if key is None:
        return gzip.compress(body, compresslevel=6, mtime=0)
    return cached(("gzip", key), lambda: gzip.compress(body, compresslevel=6, mtime=0), version)


def cached_payload_response(
    request: HttpRequest,
    body: bytes,
    content_type: str,
    version: str,
    *,
    identity: str,
    keep_compressed: bool = False,
    filename: str | None = None,
) -> HttpResponse:
    """``body``, the same bytes for ``identity`` (e.g. the path and filters) at ``version`` of the data.

    Compressed when the client accepts gzip (kept in memory when ``keep_compressed``); 304 when the
    client already holds it.
    """
    etag = '"' + hashlib.sha256(f"{version}:{identity}".encode()).hexdigest()[:24] + '"'
    max_age = IMMUTABLE_MAX_AGE if request.GET.get("v") == version else DEFAULT_MAX_AGE
    cache_control = f"public, max-age={max_age}" + (
        ", immutable" if max_age == IMMUTABLE_MAX_AGE else ""
    )
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(
            _gzipped(identity if keep_compressed else None, body, version),
            content_type=content_type,
        )
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    patch_vary_headers(response, ["Accept-Encoding"])
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
