"""The test suite's settings: every test-only override in this one block (udata's `Testing` way).

pytest reads it through pyproject.toml; nothing else imports it.
"""

from config.settings import *  # noqa: F403

# Tasks run at once, in the test's own transaction: a test sees their effects without a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
