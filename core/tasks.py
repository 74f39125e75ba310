"""Background tasks that survive failures: bounded retries with backoff, and a reaper (docs/tasks.md).

django-tasks runs a task once: an exception marks it FAILED, and a task whose worker was killed stays
RUNNING forever. Our worker (`territoires db_worker`, core/management/commands/db_worker.py) adds:

- **retries**: a failed attempt is put back in the queue (same row, same id) after a growing delay,
  until the task's ``max_attempts``; only the last failure marks it FAILED, with its traceback;
- **a lease**: an attempt may run ``lease_seconds``; a RUNNING row older than that belonged to a
  worker that died (kill -9, power loss), and the reaper puts it back in the queue (or marks it
  FAILED once its attempts are spent).

An attempt is a claim by a worker: the row's ``worker_ids`` list grows by one at each claim, so it
counts the attempts with no column of our own.

Declare a task's policy under ``@task()``::

    @retrying(max_attempts=5, backoff_seconds=60)
    @task()
    def send_email(...): ...

A task with no declared policy gets ``DEFAULT_POLICY`` (3 attempts). A task that must not run twice
(not idempotent) declares ``@retrying(max_attempts=1)``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus

from core.french import quantity

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_seconds: float = 30
    # An attempt still RUNNING after this long is presumed dead. Longer than any task we run: a capped
    # plan import writes in ~1 s (docs/decisions.md); the emails take seconds.
    lease_seconds: float = 15 * 60

    def delay(self, attempt: int) -> timedelta:
        """Wait before attempt ``attempt + 1``: backoff, doubled at each attempt, at most an hour."""
        return min(timedelta(seconds=self.backoff_seconds * 2 ** (attempt - 1)), MAX_BACKOFF)


DEFAULT_POLICY = RetryPolicy()
_POLICIES: dict[str, RetryPolicy] = {}


def retrying(
    *,
    max_attempts: int = 5,
    backoff_seconds: float = 30,
    lease_seconds: float = DEFAULT_POLICY.lease_seconds,
):
    """Declare the retry policy of a task (put it above ``@task()``); returns the task unchanged."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    policy = RetryPolicy(max_attempts, backoff_seconds, lease_seconds)

    def register(task):
        _POLICIES[task.module_path] = policy
        return task

    return register


def policy_for(task_path: str) -> RetryPolicy:
    if task_path not in _POLICIES:
        try:
            import_string(task_path)  # importing the task's module registers its policy
        except ImportError:
            pass
    return _POLICIES.get(task_path, DEFAULT_POLICY)


def attempts(db_result: DBTaskResult) -> int:
    return len(db_result.worker_ids)


def _exception_path(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def reschedule_after_failure(
    db_result: DBTaskResult, exc: BaseException, now: datetime | None = None
) -> bool:
    """Put a failed attempt back in the queue if the policy allows another; True if it did.

    The row keeps the attempt's error (visible while it waits); the caller marks it FAILED otherwise.
    """
    from traceback import format_exception

    policy = policy_for(db_result.task_path)
    done = attempts(db_result)
    if done >= policy.max_attempts:
        return False
    now = now or timezone.now()
    db_result.status = TaskResultStatus.READY
    db_result.run_after = now + policy.delay(done)
    db_result.finished_at = None
    db_result.exception_class_path = _exception_path(exc)
    db_result.traceback = "".join(format_exception(exc))
    db_result.save(
        update_fields=["status", "run_after", "finished_at", "exception_class_path", "traceback"]
    )
    logger.warning(
        "Task %s (%s) failed on attempt %d/%d (%s); retried after %s",
        db_result.id,
        db_result.task_path,
        done,
        policy.max_attempts,
        db_result.exception_class_path,
        db_result.run_after.isoformat(),
    )
    return True


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped in the middle of it (found by the reaper)."""


def reap_stale_tasks(now: datetime | None = None) -> int:
    """Take up the RUNNING tasks whose lease has expired; returns how many were taken up or failed.

    Each row is updated only if it is still the same attempt (status and start unchanged), so a worker
    finishing at that moment and the reaper cannot both win.
    """
    from django_tasks_db.models import DBTaskResult  # here: tasks modules import this one early

    now = now or timezone.now()
    handled = 0
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "task_path", "started_at", "worker_ids"
    ):
        policy = policy_for(row.task_path)
        if row.started_at is None or row.started_at > now - timedelta(seconds=policy.lease_seconds):
            continue
        message = (
            f"WorkerLost: attempt {attempts(row)} started at {row.started_at.isoformat()} by worker "
            f"{row.worker_ids[-1] if row.worker_ids else '?'} was still running after its "
            f"{policy.lease_seconds:.0f} s lease: its worker stopped.\n"
        )
        if attempts(row) < policy.max_attempts:
            changes = {"status": TaskResultStatus.READY, "run_after": now}
        else:
            changes = {"status": TaskResultStatus.FAILED, "finished_at": now}
        updated = DBTaskResult.objects.filter(
            id=row.id, status=TaskResultStatus.RUNNING, started_at=row.started_at
        ).update(**changes, exception_class_path=_exception_path(WorkerLost()), traceback=message)
        if updated:
            handled += 1
            logger.warning("Task %s (%s): %s", row.id, row.task_path, message.strip())
    return handled


@dataclass(frozen=True)
class TaskState:
    """What to show a person about a task they started."""

    status: str  # TaskResultStatus value: READY, RUNNING, SUCCESSFUL, FAILED
    label: str  # in French, for the page
    attempts: int
    max_attempts: int
    next_attempt_at: datetime | None
    last_error: str  # exception class path of the last failed attempt, "" if none
    return_value: object = None


def task_state(result_id: str) -> TaskState:
    """The state of a queued task by its id (``task.enqueue(...).id``), for a status page or a poll."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get(id=result_id)
    policy = policy_for(row.task_path)
    done = attempts(row)
    retry_pending = row.status == TaskResultStatus.READY and bool(row.exception_class_path)
    if row.status == TaskResultStatus.SUCCESSFUL:
        label = "Terminée"
    elif row.status == TaskResultStatus.FAILED:
        label = "Échouée après " + quantity(done, "tentative", "tentatives")
    elif row.status == TaskResultStatus.RUNNING:
        label = f"En cours (tentative {done} sur {policy.max_attempts})"
    elif retry_pending:
        label = f"Nouvelle tentative prévue ({done + 1} sur {policy.max_attempts})"
    else:
        label = "En attente"
    return TaskState(
        status=row.status,
        label=label,
        attempts=done,
        max_attempts=policy.max_attempts,
        next_attempt_at=row.run_after if retry_pending else None,
        last_error=row.exception_class_path,
        return_value=row.return_value,
    )
