"""Task workers as production runs them: several `territoires db_worker` processes on one database.

Two workers share the queue without running a task twice; a worker killed in the middle of a task
(kill -9) leaves it RUNNING, and the next worker's reaper takes it up again after its lease.
Child processes on a scratch database (config/tests/scratch.py), with the database task backend.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from config.tests.scratch import ROOT, Scratch

ENQUEUE = """
import sys, django
django.setup()
from config.tests import worker_tasks
task = getattr(worker_tasks, sys.argv[1])
for argument in sys.argv[2:]:
    print(task.enqueue(int(argument) if argument.isdigit() else argument).id)
"""


def _worker(database: Scratch, worker_id: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--no-reload",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--worker-id",
            worker_id,
        ],
        cwd=ROOT,
        env=database.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _enqueue(database: Scratch, task: str, *arguments: str) -> list[str]:
    process = database.python(ENQUEUE, task, *arguments)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out.split()


def _statuses(database: Scratch) -> dict[str, int]:
    rows = database.query(
        "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
    )
    return dict(rows)


def _wait(condition, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def _stop(*workers: subprocess.Popen) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.mark.django_db
def test_two_workers_share_the_queue_without_running_a_task_twice(scratch):
    database = scratch("file")
    count = 60
    _enqueue(database, "record", *map(str, range(count)))
    first, second = _worker(database, "hote-a"), _worker(database, "hote-b")
    try:
        assert _wait(lambda: _statuses(database).get("SUCCESSFUL") == count), _statuses(database)
    finally:
        _stop(first, second)
    runs = [name for (name,) in database.query("SELECT name FROM auth_group")]
    numbers = sorted(int(name.split("-")[1]) for name in runs)
    assert numbers == list(range(count))  # each task ran exactly once
    claims = " ".join(
        str(ids)
        for (ids,) in database.query("SELECT worker_ids FROM django_tasks_database_dbtaskresult")
    )
    assert "hote-a" in claims and "hote-b" in claims  # both took a share of the queue


@pytest.mark.django_db
def test_a_task_whose_worker_is_killed_is_taken_up_again(scratch, tmp_path):
    database = scratch("reprise")
    marker = tmp_path / "premier-essai"
    (result_id,) = _enqueue(database, "slow_first_time", str(marker))
    doomed = _worker(database, "hote-tue")
    try:
        assert _wait(marker.exists), "the first attempt never started"
        assert _statuses(database) == {"RUNNING": 1}
    finally:
        doomed.kill()  # kill -9: no chance to mark the task
        doomed.wait(timeout=30)
    time.sleep(2.5)  # the attempt's 2 s lease runs out
    rescuer = _worker(database, "hote-relais")
    try:
        assert _wait(lambda: _statuses(database) == {"SUCCESSFUL": 1}), _statuses(database)
    finally:
        _stop(rescuer)
    ((worker_ids,),) = database.query("SELECT worker_ids FROM django_tasks_database_dbtaskresult")
    assert "hote-tue" in str(worker_ids) and "hote-relais" in str(worker_ids)
    assert [n for (n,) in database.query("SELECT name FROM auth_group")][0].startswith("reprise-")
    assert len(database.query("SELECT name FROM auth_group")) == 1
