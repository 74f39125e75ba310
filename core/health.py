"""``/sante/``: is this server able to serve? For the proxy's and the monitoring's health checks.

Checks the database (one query), the cache (a write then a read) and the background tasks' backlog
(tasks waiting to run, and the age of the oldest one). Answers 200 when the database and the cache
answer, 503 otherwise; a backlog older than ``HEALTH_MAX_TASK_DELAY_SECONDS`` marks the answer
"degrade" (still 200: the pages are served, the emails are late). Only counts and durations are shown:
nothing about the content of the tasks.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = f"health-{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    value = cache.get(key)
    cache.delete(key)
    return "ok" if value == "ok" else "erreur"


def _tasks() -> dict:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # Due: ready and not held back by a retry delay (django-tasks-db's own definition).
    due = DBTaskResult.objects.ready()
    oldest = due.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    delay = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {
        "en_attente": due.count(),
        "attente_max_secondes": round(delay),
        "echouees_24h": DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED,
            finished_at__gte=timezone.now() - timedelta(hours=24),
        ).count(),
    }


@never_cache
@require_GET
def health(request):
    started = time.monotonic()
    checks: dict = {}
    healthy = True
    for name, check in (("base", _database), ("cache", _cache)):
        try:
            checks[name] = check()
        except Exception as error:  # the point is to report any failure, not to raise it
            checks[name] = f"erreur : {type(error).__name__}"
        healthy &= checks[name] == "ok"
    try:
        checks["taches"] = _tasks()
        late = checks["taches"]["attente_max_secondes"] > settings.HEALTH_MAX_TASK_DELAY_SECONDS
    except Exception as error:
        checks["taches"] = f"erreur : {type(error).__name__}"
        late = True
    status = "ok" if healthy and not late else ("degrade" if healthy else "erreur")
    checks["statut"] = status
    checks["duree_ms"] = round((time.monotonic() - started) * 1000, 1)
    return JsonResponse(checks, status=200 if healthy else 503)
