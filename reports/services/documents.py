"""PDFs at fixed addresses, built in the background and kept as files keyed by the data version.

A PDF (a territory sheet, a press summary, the national report) is a pure function of the public data:
it is built once per data version (core/datastamp.py) by a task (reports/tasks.py), written under
``MEDIA_ROOT/reports/`` as ``<key>.<version>.pdf``, and served from there until the data change. A
request finding no file for the current version queues the build (once: a ``.pending`` marker stops a
second request from queueing it again while it waits) and gets « Document en préparation », a page
that reloads itself. The files are bounded: one per document, the older versions of a document being
deleted when its new version is written; a document nobody asks for is never built.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.datastamp import data_stamp

# A queued build older than this is presumed lost (its worker died before the task's own lease, see
# core/tasks.py, would take it up): the next request queues it again.
PENDING_SECONDS = 10 * 60
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Document:
    """One PDF: its kind (a key of ``BUILDERS``) and its arguments (codes), e.g. ("fiche",
    ("2023-2027", "ti-1108"))."""

    kind: str
    args: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return _SAFE.sub("_", "-".join((self.kind, *self.args)))

    def path(self, version: str) -> Path:
        return cache_dir() / f"{self.key}.{version}.pdf"

    def pending_marker(self, version: str) -> Path:
        return cache_dir() / f"{self.key}.{version}.pending"


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "reports"


def current_version() -> str:
    return data_stamp()


def cached_file(document: Document, version: str | None = None) -> Path | None:
    path = document.path(version or current_version())
    return path if path.is_file() else None


# kind -> function(*args) returning (template, context) of the PDF. Filled by
# reports/services/builders.py through ``register``, imported at the first rendering rather than at
# start-up: every ``territoires`` command would pay 0.09-0.16 s for it (measured by the tagging
# benchmark, where start-up is most of the time of a file of commune codes).
BUILDERS: dict[str, Callable[..., tuple[str, dict]]] = {}


def register(kind: str):
    def decorator(function):
        BUILDERS[kind] = function
        return function

    return decorator


def render_html(document: Document, version: str) -> str:
    from reports.services import builders  # noqa: F401  (fills BUILDERS on first use)

    template, context = BUILDERS[document.kind](*document.args)
    return render_to_string(
        template,
        {
            **context,
            "data_version": version,
            "generated_at": timezone.localtime(),
            "link_base": settings.SITE_URL,
        },
    )


def build(document: Document) -> Path:
    """Render the document for the data as they are now and write it (atomically); return its path.
    Idempotent: a second run for the same version rewrites the same file."""
    from reports.services.pdf import html_to_pdf

    version = current_version()
    pdf = html_to_pdf(render_html(document, version))
    target = document.path(version)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(pdf)
    os.replace(partial, target)  # a reader sees the whole file or none
    for old in target.parent.glob(f"{document.key}.*"):
        if old != target and old.suffix in (".pdf", ".pending"):
            old.unlink(missing_ok=True)
    return target


def request_build(document: Document, version: str) -> bool:
    """Queue the build of ``document`` unless one is already waiting; True if queued now."""
    from reports.tasks import build_pdf

    marker = document.pending_marker(version)
    try:
        if time.time() - marker.stat().st_mtime < PENDING_SECONDS:
            return False
    except FileNotFoundError:
        pass
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    try:
        build_pdf.enqueue(document.kind, list(document.args))
    except BaseException:
        marker.unlink(missing_ok=True)  # not queued: the next request tries again
        raise
    return True
