"""Bulk writes with simple-history's journal, faster than Django's and simple-history's own helpers.

``bulk_create_with_history`` and ``bulk_update_with_history`` take the arguments of
``simple_history.utils``'s functions of the same name and write the same rows (checked by
``plans/tests/test_bulk_history.py`` against simple-history itself, on SQLite and PostgreSQL, so that an upgrade of
Django or simple-history that changes either side fails a test). They were written for the plan import
(plans/services/applying.py: 10,000 actions created in 9.0 s instead of 18.6 s) and know no model.

On PostgreSQL, from COPY_MIN_ROWS rows, the rows go through COPY (psycopg 3) instead of INSERT: the same
rows (plans/tests/test_bulk_copy.py, on both databases); the creation import of 10,000 actions went from
12.3-13.2 s to 4.8-6.7 s there (docs/performance.md, "Chargements en masse").
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object, get_history_manager_for_model

BATCH = 500
# From this many rows on, PostgreSQL receives them through COPY (psycopg 3's cursor.copy()) rather
# than INSERT statements: one stream, no SQL to parse per batch, no parameter limit. Below it the
# statements cost less than COPY's set-up (and the sequence round trip of bulk_insert). SQLite has
# no COPY: always the INSERT path. Measured numbers: docs/performance.md, "Chargements en masse".
COPY_MIN_ROWS = 2000


def uses_copy(connection, count: int) -> bool:
    """Whether ``count`` rows go to this database through COPY."""
    return connection.vendor == "postgresql" and count >= COPY_MIN_ROWS


def copy_rows(connection, table: str, columns: list[str], rows) -> None:
    """``COPY table (columns) FROM STDIN`` with rows of database values (get_db_prep_save's output:
    psycopg adapts them as it does a query's parameters, so the stored values are the same)."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def bulk_create_with_history(
    objs, model, batch_size=BATCH, default_user=None, default_change_reason=""
):
    """simple_history's bulk_create_with_history, with the journal rows written by bulk_history_create."""
    with transaction.atomic(savepoint=False):
        created = bulk_insert(objs, model, batch_size)
        bulk_history_create(created, model, "+", default_user, default_change_reason)
    return created


def bulk_insert(objs, model, batch_size=BATCH):
    """What bulk_create does for new objects with an automatic primary key (pre_save, so auto_now; the
    primary keys read back with RETURNING, in insertion order as Django's SQLite and PostgreSQL backends
    assume), without compiling every value through Django's InsertQuery.

    Performance: Django's compiler cost ~10 µs per value; for the ~600,000 values of 10,000 new actions,
    their financements, indicators and measures, this took the creation import from 13.7 s to 11.1 s
    (benchmarks/plans_bench.py; 9.0 s with _preparer).
    Falls back to bulk_create where the database cannot return the inserted keys.
    """
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    if (
        not objs
        or not connection.features.can_return_rows_from_bulk_insert
        or any(o.pk is not None for o in objs)
    ):
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    # Field.pre_save only reads the attribute: called only where a field overrides it (auto_now...).
    readers = [
        (lambda obj, name=f.attname: getattr(obj, name))
        if type(f).pre_save is models.Field.pre_save
        else (lambda obj, f=f: f.pre_save(obj, True))
        for f in fields
    ]
    steps = list(zip(readers, [_preparer(f, connection) for f in fields], strict=False))
    rows = [[prep(read(obj)) for read, prep in steps] for obj in objs]
    quote = connection.ops.quote_name
    if uses_copy(connection, len(objs)):
        _copy_insert(connection, meta, fields, objs, rows)
        return objs
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, objs)))
    head = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                head + ", ".join([one] * len(batch)) + f" RETURNING {quote(meta.pk.column)}",
                [value for row in batch for value in row],
            )
            for obj, (pk,) in zip(objs[start : start + size], cursor.fetchall(), strict=False):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
    return objs


def _copy_insert(connection, meta, fields, objs, rows) -> None:
    """bulk_insert through COPY: COPY returns no keys, so they are taken from the primary key's
    sequence first (the values INSERT ... RETURNING would have drawn, in the same order), then
    written with the rows."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(meta.db_table), meta.pk.column, len(objs)],
        )
        keys = sorted(pk for (pk,) in cursor.fetchall())
    copy_rows(
        connection,
        meta.db_table,
        [meta.pk.column] + [f.column for f in fields],
        ([pk, *row] for pk, row in zip(keys, rows, strict=True)),
    )
    for obj, pk in zip(objs, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def bulk_upsert(objs, model, unique_fields: list[str], update_fields: list[str], batch_size=BATCH):
    """bulk_create(objs, update_conflicts=True, unique_fields=..., update_fields=...): insert the new
    rows, update ``update_fields`` of the existing ones. On PostgreSQL from COPY_MIN_ROWS rows: COPY
    into a temporary table, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` (the rows must
    have distinct keys, as bulk_create's single statement already requires)."""
    connection = connections[router.db_for_write(model)]
    if not uses_copy(connection, len(objs)):
        for start in range(0, len(objs), batch_size):
            model._default_manager.bulk_create(
                objs[start : start + batch_size],
                update_conflicts=True,
                unique_fields=unique_fields,
                update_fields=update_fields,
            )
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f is meta.pk and f.auto_created)]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    preps = [_preparer(f, connection) for f in fields]
    rows = (
        [prep(f.pre_save(obj, True)) for f, prep in zip(fields, preps, strict=True)] for obj in objs
    )
    quote = connection.ops.quote_name
    table, staging = quote(meta.db_table), quote(f"copy_{meta.db_table}")
    columns = ", ".join(quote(f.column) for f in fields)
    conflict = ", ".join(quote(meta.get_field(name).column) for name in unique_fields)
    updates = ", ".join(
        f"{quote(c)} = EXCLUDED.{quote(c)}"
        for c in (meta.get_field(name).column for name in update_fields)
    )
    with transaction.atomic(using=connection.alias, savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                # The columns' types, none of the table's constraints or defaults.
                f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
        copy_rows(connection, f"copy_{meta.db_table}", [f.column for f in fields], rows)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
            )
            cursor.execute(f"DROP TABLE {staging}")


def bulk_update_with_history(
    objs, model, fields, batch_size=BATCH, default_user=None, default_change_reason=""
):
    """simple_history's bulk_update_with_history, with the journal rows written by bulk_history_create."""
    with transaction.atomic(savepoint=False):
        model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        bulk_history_create(objs, model, "~", default_user, default_change_reason)


# Fields whose database value is the Python value itself when it has the exact type below (or is None):
# their get_db_prep_save would only return it unchanged, at ~1 µs a call for a million values.
_PLAIN = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.BooleanField: bool,
    models.BigAutoField: int,
    models.AutoField: int,
}


def _preparer(field, connection):
    """field.get_db_prep_save(value, connection), short-cut for plain values of plain fields."""
    prepare = field.get_db_prep_save
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    plain = _PLAIN.get(type(target))
    if plain is None:
        return lambda value: prepare(value, connection)
    return lambda value: (
        value if value is None or type(value) is plain else prepare(value, connection)
    )


def bulk_history_create(
    objs, model, history_type: str, default_user, default_change_reason
) -> None:
    """The rows simple_history's bulk_history_create writes (same values, same per-row history_date, user
    and reason rules), inserted with executemany instead of a historical model instance per row compiled by
    bulk_create.

    Performance (benchmarks/plans_bench.py, creating 10,000 actions with ~25,000 financements and ~12,000
    indicators): the journal was about two thirds of simple_history's bulk_create_with_history (a model
    __init__ then Django's per-value INSERT compilation for each of ~50,000 historical rows); writing it this
    way took those calls from 12.5 s to 9.8 s, then 3.5 s with bulk_insert and _preparer; the whole
    creation import from 18.6 s to 9.0 s. bulk_create does not send simple_history's signals either.
    """
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = get_history_manager_for_model(model).model
    connection = connections[
        router.db_for_write(history)
    ]  # not the django.db.connection proxy: 1 lookup
    tracked = [field.attname for field in history.tracked_fields]
    fields = [
        next(f for f in history._meta.concrete_fields if f.attname == name) for name in tracked
    ]
    extra = [
        history._meta.get_field(name)
        for name in ("history_date", "history_user", "history_change_reason", "history_type")
    ]
    columns = [f.column for f in fields + extra]
    preps = [_preparer(f, connection) for f in fields]
    date_prep, user_prep, reason_prep, type_prep = (_preparer(f, connection) for f in extra)
    fallback: list = []  # the request's user (simple_history's default getter does not look at the instance)
    rows = []
    for instance in objs:
        if hasattr(instance, "_history_user"):
            user = instance._history_user
        elif default_user:
            user = default_user
        else:
            if not fallback:
                fallback.append(history.get_default_history_user(instance))
            user = fallback[0]
        reason = get_change_reason_from_object(instance) or default_change_reason
        rows.append(
            [prep(getattr(instance, name)) for prep, name in zip(preps, tracked, strict=False)]
            + [
                date_prep(getattr(instance, "_history_date", timezone.now())),
                user_prep(user.pk if user is not None else None),
                reason_prep(reason),
                type_prep(history_type),
            ]
        )
    if uses_copy(connection, len(rows)):
        copy_rows(connection, history._meta.db_table, columns, rows)
        return
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 10):
            cursor.executemany(sql, rows[start : start + BATCH * 10])
