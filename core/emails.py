"""Every email the platform sends leaves through here, as a background task.

A request never waits on the mail server, and a failed send is retried by the task layer instead of
breaking the page that asked for it (docs/tasks.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from core.tasks import retrying


# A mail server that refuses or drops the connection is usually back within minutes: five attempts,
# 1, 2, 4 then 8 minutes apart (about a quarter of an hour in all), then FAILED with the SMTP error.
@retrying(max_attempts=5, backoff_seconds=60)
@task()
def send_email(subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email; returns the number of messages sent (0 or 1).

    An SMTP error raises, and the worker tries again (core/tasks.py)."""
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    return message.send(fail_silently=False)


def queue_email(subject: str, body: str, to: list[str]) -> str | None:
    """Queue an email; returns the task's id (to show later whether it left), None with no recipient.

    With the database backend the queued task is a row written in the caller's transaction: work that
    rolls back sends nothing. Tests run it at once (config/settings_test.py)."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    return str(send_email.enqueue(subject, body, recipients).id)
