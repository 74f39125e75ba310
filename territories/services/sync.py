"""Bring stored rows to what is wanted, writing only the differences (so a re-import writes nothing)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TypeVar

from django.db import models

Row = TypeVar("Row", bound=models.Model)


def sync_rows(
    model: type[Row],
    stored: dict[Hashable, Row],
    wanted: dict[Hashable, Row],
    fields: list[str],
    batch_size: int = 500,
    pending: list | None = None,
) -> None:
    """Delete the stored rows whose key is not wanted, update those whose ``fields`` differ, create the new ones
    (or, with ``pending``, append them to it for the caller to create with other calls' in one bulk write)."""
    model.objects.filter(
        pk__in=[row.pk for key, row in stored.items() if key not in wanted]
    ).delete()
    changed = []
    for key, row in stored.items():
        new = wanted.get(key)
        if new is not None and any(getattr(row, f) != getattr(new, f) for f in fields):
            for f in fields:
                setattr(row, f, getattr(new, f))
            changed.append(row)
    model.objects.bulk_update(changed, fields, batch_size=batch_size)
    new = [row for key, row in wanted.items() if key not in stored]
    if pending is not None:
        pending.extend(new)
        return
    model.objects.bulk_create(new, batch_size=batch_size)
