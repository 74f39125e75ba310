"""Tasks run by real `territoires db_worker` processes in config/tests/test_workers.py.

Each run leaves a trace in the database (an auth Group named after the task and the run), so the test
counts how many times each task ran, whatever process ran it.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.contrib.auth.models import Group
from django_tasks import task

from core.tasks import retrying


@retrying(max_attempts=1)
@task()
def record(number: int) -> str:
    """Runs once (no retry): a second run of the same task would be the bug under test. It lasts 0.2 s,
    so that both workers get a share of the queue."""
    time.sleep(0.2)
    Group.objects.create(name=f"execution-{number}-{uuid.uuid4().hex[:8]}")
    return f"ok {number}"


# A lease of 2 s: a worker that has not finished an attempt 2 s after starting it is taken as dead.
@retrying(max_attempts=3, backoff_seconds=0, lease_seconds=2)
@task()
def slow_first_time(marker: str) -> str:
    """The first attempt signals it started, then hangs (its worker is killed meanwhile); the next one
    finishes at once."""
    started = Path(marker)
    if not started.exists():
        started.touch()
        time.sleep(120)
    Group.objects.create(name=f"reprise-{uuid.uuid4().hex[:8]}")
    return "repris"
