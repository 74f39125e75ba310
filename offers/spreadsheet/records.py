"""A service as a *record*: the dict the catalogue spreadsheet reads and writes (keys: columns.FIELDS).

Exports turn services into records, imports compare the records they parse with those of the services
already there, and write only the differences: an unchanged file changes nothing (idempotence), an
export re-imported changes nothing (round trip).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from offers.models import ScopeKind, Service
from offers.spreadsheet.columns import COLUMNS, FIELDS

# The labels a report shows for the fields that changed.
FIELD_LABELS = {column.field: column.header for column in COLUMNS}


def _ordered(values: Iterable[str], choices) -> tuple[str, ...]:
    order = [code for code, _ in choices.choices]
    present = set(values or ())
    return tuple(code for code in order if code in present)


def scope_codes(service: Service) -> tuple[str, ...]:
    """The codes of what the service's scope covers (prefetched relations are used when present)."""
    if service.scope == ScopeKind.REGIONS:
        return tuple(sorted(region.code for region in service.regions.all()))
    if service.scope == ScopeKind.DEPARTEMENTS:
        return tuple(sorted(dep.code for dep in service.departements.all()))
    if service.scope == ScopeKind.TERRITOIRES:
        return tuple(sorted(territory.ti_id for territory in service.territories.all()))
    return ()


def service_record(service: Service) -> dict[str, Any]:
    from offers.models import Applicant
    from plans.models import Axis

    return {
        "slug": service.slug,
        "title": service.title,
        "operator": service.operator.slug,
        "axes": _ordered(service.axes, Axis),
        "kind": service.kind,
        "description": service.description,
        "applicants": _ordered(service.applicants, Applicant),
        "scope": service.scope,
        "codes": scope_codes(service),
        "phase": service.phase_id or "",
        "opens_on": service.opens_on,
        "closes_on": service.closes_on,
        "envelope": None if service.envelope is None else service.envelope.normalize() + 0,
        "amount_or_rate": service.amount_or_rate,
        "link": service.link,
        "source": service.source,
        "status": service.status,
    }


def catalogue_queryset(services=None):
    queryset = Service.objects.all() if services is None else services
    return queryset.select_related("operator").prefetch_related(
        "regions", "departements", "territories"
    )


def differences(record: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The fields of ``record`` that differ from ``current`` (both complete records)."""
    return [name for name in FIELDS if record.get(name) != current.get(name)]


def record_to_row(record: dict[str, Any]) -> list[Any]:
    """The cells of one row, in the columns' order (text neutralised by the cell types)."""
    return [column.cell.format(record[column.field]) for column in COLUMNS]
