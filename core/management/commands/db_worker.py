"""`territoires db_worker`: django-tasks-db's worker, plus retries with backoff and the reaper.

This command takes the place of django_tasks_db's own (core comes first in INSTALLED_APPS); options
are the same. See core/tasks.py and docs/tasks.md.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import OperationalError, close_old_connections
from django_tasks_db.management.commands import db_worker as base

from core import tasks

logger = logging.getLogger(__name__)

REAP_EVERY_SECONDS = 60


class Worker(base.Worker):
    def run(self) -> None:
        self.reap()  # tasks left RUNNING by a worker killed before this one started
        if not self.batch:
            threading.Thread(target=self._reap_forever, name="reaper", daemon=True).start()
        super().run()

    def reap(self) -> None:
        try:
            tasks.reap_stale_tasks()
        except OperationalError:
            logger.exception("Reaper: database unavailable, trying again later")

    def _reap_forever(self) -> None:
        # A daemon thread: it ends with the worker's process, so it needs no stop signal.
        while True:
            time.sleep(REAP_EVERY_SECONDS)
            self.reap()
            close_old_connections()

    def run_task(self, db_task_result) -> None:
        # A failure the policy allows to retry goes back to the queue instead of FAILED: anyone reading
        # the task's state never sees a transient failure, and task_finished carries READY then.
        mark_failed = db_task_result.set_failed

        def set_failed(exc: BaseException) -> None:
            if not tasks.reschedule_after_failure(db_task_result, exc):
                mark_failed(exc)

        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)


class Command(base.Command):
    help = "Exécute les tâches de fond (reprises et nouvelles tentatives comprises : docs/tasks.md)"

    def handle(self, *args, **options):
        original = base.Worker
        base.Worker = Worker  # the base command builds base.Worker: hand it ours
        try:
            return super().handle(*args, **options)
        finally:
            base.Worker = original
