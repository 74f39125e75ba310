"""Request ids and structured logs, so that one request can be followed across several servers.

Each request gets an id: the ``X-Request-ID`` header set by the proxy when it is well formed (letters,
digits, ``-``, ``_``, ``.``, at most 64), else a new UUID. It is returned in the response's
``X-Request-ID`` header and attached to every log record written while the request runs
(``RequestIdFilter``). With ``LOG_FORMAT=json`` each record is one JSON object per line (time, level,
logger, message, request_id, and the exception if any), ready for a log collector.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proposed = request.headers.get(REQUEST_ID_HEADER, "")
        request.id = proposed if _VALID_ID.match(proposed) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
