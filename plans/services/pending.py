"""Uploaded plan files waiting for confirmation after their preview (private storage, one token each).

Beside each file, its preview (what the import would change) is kept as JSON, so that the preview pages
are served without reading the file again. Both go when the import is confirmed or cancelled, and
core.uploads purges what is left behind (an abandoned preview, a crashed request) after a day.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from core.imports import purge_uploads
from core.uploads import IMPORTS_FOLDER, private_storage

FOLDER = f"{IMPORTS_FOLDER}/plans"
_TOKEN = re.compile(r"^[0-9a-f]{32}\.(xlsx|csv)$")


def keep(upload) -> str:
    """Store the upload; the token names the file (never the user's file name). Each upload also purges
    the stale ones, so that abandoned files do not pile up even where no scheduled purge runs."""
    purge_uploads()
    token = f"{uuid.uuid4().hex}.{Path(upload.name).suffix.lower().lstrip('.')}"
    private_storage().save(storage_name(token), upload)
    return token


def storage_name(token: str) -> str:
    return f"{FOLDER}/{token}"


def path_of(token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    storage = private_storage()
    name = storage_name(token)
    return Path(storage.path(name)) if storage.exists(name) else None


def _preview_path(token: str) -> Path | None:
    path = path_of(token)
    return path.with_name(path.name + ".apercu.json") if path else None


def save_preview(token: str, preview: dict) -> None:
    _preview_path(token).write_text(json.dumps(preview, ensure_ascii=False), encoding="utf-8")


def load_preview(token: str) -> dict | None:
    path = _preview_path(token)
    if path is None or not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def discard(token: str) -> None:
    path = path_of(token)
    if path:
        _preview_path(token).unlink(missing_ok=True)
        path.unlink(missing_ok=True)
