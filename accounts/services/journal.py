"""Reading the journal kept by django-simple-history: per object ("Historique") and platform-wide."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import registered_models

ACTION_LABELS = {"+": "Création", "~": "Modification", "-": "Suppression"}


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class JournalEntry:
    date: datetime
    user: Any
    action: str  # "+", "~" or "-"
    model_label: str  # "accounts.roleassignment"
    model_name: str  # verbose name
    object_id: Any
    object_repr: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def journalled_models() -> list[type[models.Model]]:
    """Every model with a ``HistoricalRecords`` (or ``register``), in a stable order."""
    found = [
        m
        for m in registered_models.values()
        if getattr(m._meta, "simple_history_manager_attribute", None)
    ]
    return sorted(set(found), key=lambda m: m._meta.label_lower)


def history_model(model: type[models.Model]):
    return getattr(model, model._meta.simple_history_manager_attribute).model


def _display(record, field_name: str, value) -> str:
    if value is None or value == "":
        return "—"
    try:
        model_field = record.instance_type._meta.get_field(field_name)
    except Exception:  # a field that no longer exists on the model
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"#{value} (supprimé)"
    if isinstance(model_field, models.BooleanField):
        return "oui" if value else "non"
    # In French, as on the pages (the walk of 2026-12-04 read « 250000.00 », « 2026-12-04 06:57:30+00:00 »).
    if isinstance(value, Decimal):
        return floatformat(value, "-2g")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, date):
        return date_format(value, "d/m/Y")
    return str(value)


def _field_label(record, field_name: str) -> str:
    try:
        return str(record.instance_type._meta.get_field(field_name).verbose_name)
    except Exception:
        return field_name


def _shown(record, name: str) -> bool:
    """Fields a person reads: not the journal's own, nor technical ones (``editable=False`` on the
    model: an action's lost-update ``version``, search keys, token hashes)."""
    if name in _HISTORY_FIELDS or name.startswith("history_"):
        return False
    try:
        return record.instance_type._meta.get_field(name).editable
    except FieldDoesNotExist:
        return True


def _changes(record) -> list[FieldChange]:
    tracked = [f for f in record._meta.fields if _shown(record, f.name)]
    if record.history_type == "~":
        previous = record.prev_record
        if previous is not None:
            delta = record.diff_against(previous)
            return [
                FieldChange(
                    _field_label(record, c.field),
                    _display(record, c.field, c.old),
                    _display(record, c.field, c.new),
                )
                for c in delta.changes
                if _shown(record, c.field)
            ]
        return []
    values = []
    for model_field in tracked:
        name = (
            model_field.attname.removesuffix("_id")
            if isinstance(model_field, models.ForeignKey)
            else model_field.name
        )
        value = getattr(record, model_field.attname)
        shown = _display(record, name, value)
        if record.history_type == "+":
            values.append(FieldChange(_field_label(record, name), "—", shown))
        else:
            values.append(FieldChange(_field_label(record, name), shown, "—"))
    return values


_HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def _entry(record) -> JournalEntry:
    model = record.instance_type
    return JournalEntry(
        date=record.history_date,
        user=record.history_user,
        action=record.history_type,
        model_label=model._meta.label_lower,
        model_name=str(model._meta.verbose_name),
        object_id=getattr(record, model._meta.pk.attname),
        object_repr=_repr(record),
        changes=_changes(record),
    )


def _repr(record) -> str:
    try:
        return str(record.instance)
    except Exception:
        return f"#{getattr(record, record.instance_type._meta.pk.attname)}"


def object_history(obj: models.Model) -> list[JournalEntry]:
    """Every journalled change of ``obj``, newest first."""
    manager_name = getattr(obj._meta, "simple_history_manager_attribute", None)
    if manager_name is None:
        return []
    return history_entries(getattr(obj, manager_name).all())


def history_entries(records) -> list[JournalEntry]:
    """The entries of these history records (a queryset of one model's history), newest first: the
    rows of objects deleted since are in it too (object_history reads one object that exists)."""
    records = records.select_related("history_user").order_by("-history_date", "-history_id")
    return [_entry(record) for record in records]


@dataclass
class JournalFilters:
    model_label: str = ""  # "plans.actionplan"
    user_id: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None


def _filtered(history, filters: JournalFilters):
    records = history.objects.select_related("history_user")
    if filters.user_id:
        records = records.filter(history_user_id=filters.user_id)
    if filters.action:
        records = records.filter(history_type=filters.action)
    if filters.since:
        records = records.filter(
            history_date__gte=timezone.make_aware(datetime.combine(filters.since, time.min))
        )
    if filters.until:
        records = records.filter(
            history_date__lte=timezone.make_aware(datetime.combine(filters.until, time.max))
        )
    return records.order_by("-history_date", "-history_id")


def journal(filters: JournalFilters, offset: int = 0, limit: int = 50) -> list[JournalEntry]:
    """The platform's changes, newest first, merged across every journalled model."""
    models_to_read = journalled_models()
    if filters.model_label:
        models_to_read = [m for m in models_to_read if m._meta.label_lower == filters.model_label]
    streams: list[Iterable] = [
        _filtered(history_model(m), filters)[: offset + limit] for m in models_to_read
    ]
    merged = heapq.merge(*streams, key=lambda record: record.history_date, reverse=True)
    page = []
    for index, record in enumerate(merged):
        if index >= offset + limit:
            break
        if index >= offset:
            page.append(_entry(record))
    return page


def model_choices() -> list[tuple[str, str]]:
    return [
        (m._meta.label_lower, f"{m._meta.verbose_name} ({m._meta.app_config.verbose_name})")
        for m in journalled_models()
    ]


def resolve_model(app_label: str, model_name: str):
    """The model named in a URL, only if it is journalled (anything else is a 404 for the caller)."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model if model in journalled_models() else None
