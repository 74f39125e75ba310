"""/sante/ for the proxy and the monitoring, and the request id that follows a request in the logs."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from core.observability import JsonFormatter, RequestIdFilter


@pytest.mark.django_db
def test_health_reports_database_cache_and_task_backlog(client, settings):
    answer = client.get("/sante/")
    assert answer.status_code == 200 and answer["Cache-Control"].startswith("max-age=0")
    body = answer.json()
    assert body["base"] == "ok" and body["cache"] == "ok" and body["statut"] == "ok"
    assert body["taches"]["en_attente"] == 0

    # A task waiting longer than the threshold: still 200 (pages are served), but "degrade".
    from django_tasks_db.models import DBTaskResult, get_date_max

    waiting = DBTaskResult.objects.create(
        task_path="core.emails.send_email",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),  # django-tasks-db's "no delay"
    )
    # enqueued_at is set on creation (auto_now_add): backdated afterwards.
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(hours=1)
    )
    settings.HEALTH_MAX_TASK_DELAY_SECONDS = 60
    body = client.get("/sante/").json()
    assert body["statut"] == "degrade" and body["taches"]["en_attente"] == 1
    assert body["taches"]["attente_max_secondes"] >= 3600
    assert "send_email" not in json.dumps(body)  # counts and durations only


@pytest.mark.django_db
def test_health_answers_503_when_the_cache_fails(client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", broken)
    answer = client.get("/sante/")
    assert answer.status_code == 503
    assert answer.json()["cache"] == "erreur : ConnectionError"
    assert answer.json()["statut"] == "erreur"


@pytest.mark.django_db
def test_each_response_carries_a_request_id_and_a_well_formed_one_is_kept(client):
    made = client.get("/sante/")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/sante/")["X-Request-ID"]
    assert client.get("/sante/", HTTP_X_REQUEST_ID="proxy-42.a_b")["X-Request-ID"] == "proxy-42.a_b"
    forged = client.get("/sante/", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")["X-Request-ID"]
    assert forged != "x\r\nSet-Cookie: a=b" and len(forged) == 32  # replaced, never echoed


def test_json_log_lines_carry_the_request_id_and_the_exception():
    record = logging.LogRecord(
        "territoires", logging.ERROR, __file__, 1, "Échec %s", ("ici",), None
    )
    try:
        raise ValueError("boum")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Échec ici" and line["level"] == "ERROR"
    assert line["request_id"] == "-" and "ValueError: boum" in line["exception"]
