"""Building the open data files in the background, and knowing which one is current (docs/opendata.md).

A file is current when it was built from the data at the current version of the parts it is made of
(``core.datastamp.data_stamp(*dataset.parts)``, one small query). When it is not built yet, the first
page view or download asking for it records a « en préparation » row and queues ``build_dataset``
(after the request's transaction commits); the worker builds it into the media storage at
``opendata/<version>/<name>``. A download address never serves a stale file silently: the current
version, or a 202 saying it is being prepared; the previous version stays downloadable at its own
address, labelled with its date. Older versions are deleted once a newer one is ready.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.datastamp import data_stamp
from opendata.datasets import Dataset, datasets, find
from opendata.models import Build, BuildState

logger = logging.getLogger(__name__)

# A request still « en préparation » after this long lost its task (a worker killed past its retries,
# a queue emptied by hand): the next visit queues it again. Longer than a build (~10 s for every file
# of both phases on the shared 2-core machine) plus a busy queue.
STALE_AFTER = timedelta(minutes=30)
# A failed build is tried again after this long, not at every visit.
RETRY_FAILED_AFTER = timedelta(hours=1)
# How many attempts a build gets when the data change while it is being written.
BUILD_ATTEMPTS = 3


def version_of(dataset: Dataset, cache: dict | None = None) -> str:
    """The version of the data ``dataset`` is made of (``cache``: one query per set of parts)."""
    cache = {} if cache is None else cache
    if dataset.parts not in cache:
        cache[dataset.parts] = data_stamp(*dataset.parts)
    return cache[dataset.parts]


def storage_path(dataset: Dataset, version: str) -> str:
    return f"opendata/{version}/{dataset.name}"


@dataclass
class Entry:
    """What the page shows of one file: the current build if ready, else its state, and the latest
    ready build of an earlier version (labelled with its date)."""

    dataset: Dataset
    version: str
    current: Build | None
    previous: Build | None

    @property
    def ready(self) -> bool:
        return self.current is not None and self.current.state == BuildState.READY

    @property
    def failed(self) -> bool:
        return self.current is not None and self.current.state == BuildState.FAILED


def _entry(dataset: Dataset, version: str, builds: list[Build], request_missing: bool) -> Entry:
    """``builds``: the dataset's rows, latest first."""
    current = next((b for b in builds if b.version == version), None)
    previous = next(
        (b for b in builds if b.version != version and b.state == BuildState.READY), None
    )
    if request_missing and _needs_request(current):
        current = request_build(dataset, version)
    return Entry(dataset, version, current, previous)


def _builds(names: list[str]) -> dict[str, list[Build]]:
    found: dict[str, list[Build]] = {}
    for row in Build.objects.filter(dataset__in=names).order_by("-built_at", "-requested_at"):
        found.setdefault(row.dataset, []).append(row)
    return found


def entries(request_missing: bool = True) -> list[Entry]:
    """Every file of the page with its state; files not built at the current version are requested."""
    cache: dict = {}
    all_datasets = datasets()
    builds = _builds([d.name for d in all_datasets])
    return [
        _entry(d, version_of(d, cache), builds.get(d.name, []), request_missing)
        for d in all_datasets
    ]


def entry(dataset: Dataset) -> Entry:
    """One file's state (for its download address); requested if not built."""
    builds = _builds([dataset.name]).get(dataset.name, [])
    return _entry(dataset, version_of(dataset), builds, request_missing=True)


def _needs_request(build: Build | None) -> bool:
    if build is None:
        return True
    now = timezone.now()
    if build.state == BuildState.PENDING:
        return build.requested_at < now - STALE_AFTER
    if build.state == BuildState.FAILED:
        return build.requested_at < now - RETRY_FAILED_AFTER
    return False


def request_build(dataset: Dataset, version: str) -> Build:
    """Record that the file of ``dataset`` at ``version`` is wanted, and queue its build once (two
    servers asking at once: the unique row lets one of them queue it)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            build, created = Build.objects.get_or_create(
                dataset=dataset.name, version=version, defaults={"requested_at": now}
            )
    except IntegrityError:  # another server created it between our read and our write
        return Build.objects.get(dataset=dataset.name, version=version)
    if not created:
        if not _needs_request(build):
            return build
        Build.objects.filter(pk=build.pk).update(
            state=BuildState.PENDING, requested_at=now, error=""
        )
        build.refresh_from_db()
    transaction.on_commit(lambda: _enqueue(dataset.name))
    return build


def _enqueue(name: str) -> None:
    from opendata.tasks import build_dataset

    result = build_dataset.enqueue(name)
    Build.objects.filter(dataset=name, state=BuildState.PENDING, task_id="").update(
        task_id=str(result.id)
    )


def build(name: str) -> Build | None:
    """Build the file of ``name`` at the current version of its data, unless it is already ready.
    Returns the ready Build (None for a dataset that no longer exists, e.g. a phase deleted)."""
    dataset = find(name)
    if dataset is None:
        Build.objects.filter(dataset=name, state=BuildState.PENDING).delete()
        return None
    for _ in range(BUILD_ATTEMPTS):
        version = version_of(dataset)
        done = Build.objects.filter(dataset=name, version=version, state=BuildState.READY).first()
        if done is not None:
            return done
        with tempfile.TemporaryDirectory(prefix="opendata-") as directory:
            path = Path(directory) / dataset.name
            rows = dataset.write(path)
            if version_of(dataset) != version:
                continue  # the data changed while the file was written: write it again
            target = storage_path(dataset, version)
            if default_storage.exists(target):
                default_storage.delete(target)
            with path.open("rb") as handle:
                saved = default_storage.save(target, File(handle, name=dataset.name))
            size = path.stat().st_size
        now = timezone.now()
        Build.objects.update_or_create(
            dataset=name,
            version=version,
            defaults={
                "state": BuildState.READY,
                "built_at": now,
                "path": saved,
                "size": size,
                "rows": rows,
                "error": "",
                "requested_at": now,
            },
        )
        _forget_older(dataset, version)
        return Build.objects.get(dataset=name, version=version)
    raise RuntimeError(f"{name} : les données ont changé pendant chacune des écritures du fichier.")


def _forget_older(dataset: Dataset, version: str) -> None:
    """Keep the new version and the latest ready one before it (the page's « version précédente »)."""
    others = Build.objects.filter(dataset=dataset.name).exclude(version=version)
    kept = others.filter(state=BuildState.READY).order_by("-built_at").first()
    for old in others.exclude(pk=kept.pk if kept else None):
        if old.path and default_storage.exists(old.path):
            default_storage.delete(old.path)
        old.delete()


def mark_failed(name: str, error: str) -> None:
    Build.objects.filter(dataset=name, state=BuildState.PENDING).update(
        state=BuildState.FAILED, error=error[:2000]
    )
