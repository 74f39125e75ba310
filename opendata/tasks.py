"""The background build of one open data file (docs/opendata.md, docs/tasks.md)."""

from __future__ import annotations

from django_tasks import task

from core.tasks import retrying


@retrying(max_attempts=3, backoff_seconds=60)
@task()
def build_dataset(name: str) -> str:
    """Build the file ``name`` at the current version of its data (idempotent: a file already built
    at that version is left as it is). Returns the version built, "" for a dataset gone."""
    from opendata import services

    try:
        built = services.build(name)
    except Exception as error:
        # Shown on the page as « échec » until a retry succeeds (the policy above) or, after the
        # last attempt, until the next visit an hour later queues it again.
        services.mark_failed(name, f"{type(error).__name__}: {error}")
        raise
    return built.version if built else ""
