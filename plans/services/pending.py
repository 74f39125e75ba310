"""Uploaded plan files waiting for confirmation after their preview (private storage, one token each)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from core.uploads import private_storage

FOLDER = "plans/imports"
_TOKEN = re.compile(r"^[0-9a-f]{32}\.(xlsx|csv)$")


def keep(upload) -> str:
    """Store the upload; the token names the file (never the user's file name)."""
    token = f"{uuid.uuid4().hex}.{Path(upload.name).suffix.lower().lstrip('.')}"
    private_storage().save(f"{FOLDER}/{token}", upload)
    return token


def path_of(token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    storage = private_storage()
    name = f"{FOLDER}/{token}"
    return Path(storage.path(name)) if storage.exists(name) else None


def discard(token: str) -> None:
    path = path_of(token)
    if path:
        path.unlink(missing_ok=True)
