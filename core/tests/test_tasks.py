"""Background tasks on the database backend: retries with backoff, the reaper, emails retried on SMTP errors.

The suite runs tasks at once (config/settings_test.py); these tests switch to the database backend and
run our worker (`territoires db_worker`) in batch mode, in the test's transaction.
"""

from __future__ import annotations

import signal
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.management.commands import db_worker as base
from django_tasks_db.models import DBTaskResult

from core import tasks
from core.emails import queue_email
from core.management.commands.db_worker import Worker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CALLS: list[str] = []


@tasks.retrying(max_attempts=3, backoff_seconds=10)
@task()
def flaky(name: str) -> str:
    """Fails on its first two calls, succeeds on the third."""
    CALLS.append(name)
    if len(CALLS) < 3:
        raise ConnectionError(f"attempt {len(CALLS)} failed")
    return f"done {name}"


@tasks.retrying(max_attempts=2, backoff_seconds=10)
@task()
def always_fails() -> None:
    CALLS.append("always")
    raise ValueError("bad input")


@task()
def undeclared() -> str:
    CALLS.append("undeclared")
    return "ok"


class FlakySMTPBackend(LocmemBackend):
    """The mail server drops the connection on the first send, then accepts."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakySMTPBackend.failures_left:
            FlakySMTPBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def database_tasks(db, monkeypatch):
    CALLS.clear()
    # The worker closes "old" connections between tasks: that would end the test's transaction.
    monkeypatch.setattr(base, "close_old_connections", lambda: None)
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def run_worker():
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-test",
        excluded_queue_names=[],
    ).run()


def time_passes(result_id) -> None:
    """The backoff is over: make the waiting attempt due now."""
    DBTaskResult.objects.filter(id=result_id).update(run_after=timezone.now())


def test_a_failing_task_is_retried_with_backoff_then_succeeds(database_tasks):
    result = flaky.enqueue("plan-42")
    before = timezone.now()
    run_worker()

    state = tasks.task_state(result.id)
    assert CALLS == ["plan-42"]  # the batch worker did not retry at once: the retry waits
    assert state.status == TaskResultStatus.READY
    assert state.label == "Nouvelle tentative prévue (2 sur 3)"
    assert state.last_error == "builtins.ConnectionError"
    assert timedelta(seconds=9) < state.next_attempt_at - before < timedelta(seconds=60)

    time_passes(result.id)
    run_worker()
    state = tasks.task_state(result.id)
    assert state.attempts == 2
    # Backoff doubles: 20 s after the second failure.
    assert timedelta(seconds=19) < state.next_attempt_at - timezone.now() <= timedelta(seconds=20)

    time_passes(result.id)
    run_worker()
    state = tasks.task_state(result.id)
    assert CALLS == ["plan-42"] * 3
    assert state.status == TaskResultStatus.SUCCESSFUL
    assert state.label == "Terminée"
    assert state.return_value == "done plan-42"
    assert flaky.get_result(result.id).status == TaskResultStatus.SUCCESSFUL


def test_a_task_failing_every_attempt_ends_failed_with_its_error(database_tasks):
    result = always_fails.enqueue()
    run_worker()
    time_passes(result.id)
    run_worker()
    time_passes(result.id)
    run_worker()  # nothing left to run: the second attempt was the last

    assert CALLS == ["always", "always"]
    state = tasks.task_state(result.id)
    assert state.status == TaskResultStatus.FAILED
    assert state.label == "Échouée après 2 tentatives"
    assert state.last_error == "builtins.ValueError"
    row = DBTaskResult.objects.get(id=result.id)
    assert "ValueError: bad input" in row.traceback
    assert row.finished_at is not None


def test_the_reaper_takes_up_a_task_left_running_by_a_killed_worker(database_tasks):
    result = undeclared.enqueue()
    # What `kill -9` of a worker leaves: the row claimed, RUNNING, its lease long expired.
    lease = tasks.DEFAULT_POLICY.lease_seconds
    DBTaskResult.objects.filter(id=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=lease + 60),
        worker_ids=["killed-worker"],
    )
    running_recently = undeclared.enqueue()
    DBTaskResult.objects.filter(id=running_recently.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=30),
        worker_ids=["busy-worker"],
    )

    run_worker()  # the worker reaps at start, then runs what is ready

    assert CALLS == ["undeclared"]
    state = tasks.task_state(result.id)
    assert state.status == TaskResultStatus.SUCCESSFUL
    assert state.attempts == 2  # the killed attempt counts
    assert DBTaskResult.objects.get(id=result.id).worker_ids == ["killed-worker", "worker-test"]
    # A task within its lease belongs to a live worker: left alone.
    assert tasks.task_state(running_recently.id).status == TaskResultStatus.RUNNING


def test_the_reaper_marks_failed_a_task_whose_attempts_are_spent(database_tasks):
    result = always_fails.enqueue()
    DBTaskResult.objects.filter(id=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        worker_ids=["first", "killed-worker"],  # second and last attempt, lost
    )
    assert tasks.reap_stale_tasks() == 1
    state = tasks.task_state(result.id)
    assert state.status == TaskResultStatus.FAILED
    assert state.last_error == "core.tasks.WorkerLost"
    assert "killed-worker" in DBTaskResult.objects.get(id=result.id).traceback
    assert CALLS == []


def test_an_email_is_retried_when_the_mail_server_fails(database_tasks):
    FlakySMTPBackend.failures_left = 1
    with override_settings(EMAIL_BACKEND=f"{__name__}.FlakySMTPBackend"):
        queue_email("Plan validé", "Votre plan est validé.", ["cheffe@example.org"])
        row = DBTaskResult.objects.get(task_path="core.emails.send_email")
        run_worker()
        assert mail.outbox == []
        state = tasks.task_state(row.id)
        assert state.status == TaskResultStatus.READY
        assert state.last_error == "smtplib.SMTPServerDisconnected"
        assert state.max_attempts == 5

        time_passes(row.id)
        run_worker()
    assert tasks.task_state(row.id).status == TaskResultStatus.SUCCESSFUL
    assert [message.to for message in mail.outbox] == [["cheffe@example.org"]]
    assert mail.outbox[0].subject == "Plan validé"


def test_territoires_db_worker_is_ours(database_tasks):
    """`territoires db_worker` resolves to core's command (retries and reaper), not the library's."""
    result = always_fails.enqueue()
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():  # the command installs its own: give pytest's back
            signal.signal(sig, handler)
    assert tasks.task_state(result.id).status == TaskResultStatus.READY  # retried, not FAILED
