"""Background building of the PDFs (reports/services/documents.py; docs/rapports.md)."""

from __future__ import annotations

from django_tasks import task

from core.tasks import retrying


# Idempotent (rewrites the same file): retried twice. A document takes ~1 s (docs/rapports.md): well within
# the default lease.
@retrying(max_attempts=3, backoff_seconds=30)
@task()
def build_pdf(kind: str, args: list[str]) -> str:
    from reports.services import documents

    return documents.build(documents.Document(kind, tuple(args))).name
