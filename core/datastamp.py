"""The data stamp: one short text that changes whenever the data the public sees changes, read from the
database in one query, so that every application server agrees on it.

Caches kept in a process (page caches, search and lookup indexes, compressed payloads, API answers) are
keyed on it: a change made through any server (or a ``territoires`` command) is seen by every other
server at its next request, with no message between servers. Higher apps register, at start-up
(AppConfig.ready()), the tables whose writes move each part (``register_columns(part, Model, ...)``,
``register_journal(part, Model)``: the model's own table in both cases; the column names of the
former are kept for compatibility, any write to the table moves the part).

How it moves: database triggers, installed after every ``migrate`` (post_migrate, idempotent), write
a new random version of the part into a small table ``core_dataversion`` (one row per part) **in the
same transaction as the write**. So:

- the new version becomes visible exactly when the data does (at commit), never before: a server can
  never cache old data under a new version; a rolled-back write leaves the old version, and every
  version is random (128 bits on SQLite, a sequence number plus 64 random bits on PostgreSQL) so a
  version seen inside a rolled-back transaction never comes back;
- the writing transaction sees its own change at once: on PostgreSQL, ``core.data_changed`` (a
  transaction-local setting written by the trigger) lists the parts it changed and
  ``core.data_change`` holds a fresh stamp for each of its statements, which the reading query
  returns in place of those parts' versions (pages built inside that transaction are kept under a
  version no other transaction will ever read);
- every write moves it, through the ORM or not: raw SQL, ``bulk_create``, COPY (core/bulk.py),
  TRUNCATE, ``flush``. On PostgreSQL the per-table trigger is a statement trigger (one call per
  statement, whatever the number of rows: a COPY of 100,000 rows pays it once); SQLite has only row
  triggers (one small UPDATE per row written, in a database with one writer).

Contention (PostgreSQL): the version rows are written at commit only, by a deferred constraint trigger
on ``core_datachange`` (one row inserted by the first write of a transaction, deleted at its commit),
each part's row in the order of the parts' names. A writer therefore holds a version row only for the
duration of its commit, after all its other locks, and every writer takes them in the same order:
writers to the same part queue for the commit only, and no deadlock can involve a version row. Isolation
stays READ COMMITTED (Django's default): a REPEATABLE READ writer would get a serialisation failure on a
concurrent commit to the same part.

Cost of a read (shared 2-core machine, PostgreSQL 15 over its unix socket, 2,000 calls through Django's
cursor, load 1.3-1.7, one process): ``SELECT part, version, current_setting(...)
FROM core_dataversion`` 0.10-0.21 ms a call, ``SELECT 1`` 0.06-0.21 ms in the same runs: the read is
now a round trip and nothing more, where the former one (15 MAX()/COUNT() subqueries, each COUNT(*)
O(rows) on PostgreSQL, ~0.5 ms of planning) took 0.9-1.1 ms in the same runs. A server-side prepared
statement (psycopg's ``prepare=True`` on a raw cursor) measured 0.06-0.09 ms: not taken, as it would
bypass Django's cursor (query counts in tests, execute wrappers) and break behind a transaction-mode
pooler, for ~0.05 ms. Cost of a write: one statement trigger call per statement and one UPDATE per
changed part at commit (PostgreSQL), one UPDATE per row written (SQLite: +7 us a row, 100,000 rows
inserted in 1.2 s instead of 0.5 s in a bare sqlite3 test at load ~6).

Why not the former design (the largest values of indexed columns, read at each request, "read, never
written"): besides its cost, a journal's MAX(history_id) and MAX(history_date) can miss a commit — a
transaction that took id 10 and commits after another one that took id 11 leaves both maxima
unchanged, and its change was never seen until the next write. The version row changes with every
commit. The objection to a version table (a hot row locked by every writer until the end of its
transaction, and bulk writes to remember) is met by the commit-time update and the triggers above.

The registry below is filled once at start-up and never written afterwards: it is configuration, not
state.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections
from django.db.models.signals import post_migrate

TABLE = "core_dataversion"
PENDING = "core_datachange"

_SOURCES: dict[str, list[str]] = {}  # part -> tables whose writes move it
_one_read: ContextVar[dict | None] = ContextVar("core_datastamp_one_read", default=None)


def _add(part: str, table: str) -> None:
    tables = _SOURCES.setdefault(part, [])
    if table not in tables:
        tables.append(table)
    post_migrate.connect(_install_after_migrate, dispatch_uid="core.datastamp")


def register_columns(part: str, model, *fields: str) -> None:
    """Any write to ``model``'s table moves ``part`` (``fields``: the columns that used to be read;
    checked to exist, so that a rename is noticed)."""
    for name in fields:
        model._meta.get_field(name)
    _add(part, model._meta.db_table)


def register_journal(part: str, model) -> None:
    """Any write to ``model``'s table moves ``part`` (its django-simple-history journal is written
    with it; the table itself also sees writes that bypass the journal)."""
    _add(part, model._meta.db_table)


def parts() -> list[str]:
    return sorted(_SOURCES)


@contextmanager
def one_read():
    """Within it, every stamp comes from one read of the versions (the first one asked for).

    For read-only work only, such as an anonymous GET of the open API (core/page_cache.py): a
    look-up answered from the response cache's miss reads the version once instead of once per cache
    it consults (the answer, the territories' version of its indexes...). A write within it would
    not be seen."""
    token = _one_read.set({})
    try:
        yield
    finally:
        _one_read.reset(token)


def _read(using: str = "default") -> dict[str, str]:
    """Every part's version as this connection sees it (its own uncommitted writes included)."""
    memo = _one_read.get()
    if memo is not None and using == "default":
        if "versions" not in memo:
            memo["versions"] = _read_now(using)
        return memo["versions"]
    return _read_now(using)


def _read_now(using: str) -> dict[str, str]:
    target = connections[using]
    if target.vendor == "postgresql":
        sql = (
            f"SELECT part, version, current_setting('core.data_changed', true), "
            f"current_setting('core.data_change', true) FROM {TABLE}"
        )
    else:
        sql = f"SELECT part, version, NULL, NULL FROM {TABLE}"
    with target.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    versions = {part: version for part, version, _, _ in rows}
    if rows and rows[0][2]:  # parts changed by this very transaction, not committed yet
        pending = f"pending:{rows[0][3]}"
        for part in rows[0][2].split(","):
            if part:
                versions[part] = pending
    return versions


def stamps(*names: str) -> dict[str, str]:
    """The raw stamp of each registered part (all of them when ``names`` is empty), in one query."""
    names = tuple(names) or tuple(parts())
    unknown = [name for name in names if name not in _SOURCES]
    if unknown:
        raise KeyError(f"unregistered data stamp part(s): {', '.join(unknown)}")
    if not names:
        return {}
    versions = _read()
    return {name: versions.get(name, "") for name in names}


def data_stamp(*names: str) -> str:
    """A short hash of the parts ``names`` (every part when empty)."""
    text = ";".join(f"{name}={value}" for name, value in stamps(*names).items())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- Installation (after every migrate) ---------------------------------------------------------

_TABLES = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (part varchar(64) PRIMARY KEY, version varchar(64) NOT NULL)
"""
_POSTGRESQL_TABLES = f"""
CREATE TABLE IF NOT EXISTS {PENDING} (id bigserial PRIMARY KEY);
CREATE SEQUENCE IF NOT EXISTS core_dataversion_seq;
"""
_POSTGRESQL_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION core_new_data_version() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT nextval('core_dataversion_seq')::text || '.' || to_hex((random() * 2147483647)::bigint)
         || to_hex((random() * 2147483647)::bigint)
$$;
CREATE OR REPLACE FUNCTION core_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed text := coalesce(current_setting('core.data_changed', true), '');
BEGIN
  IF changed = '' THEN
    INSERT INTO {PENDING} DEFAULT VALUES;  -- its deferred trigger moves the versions at commit
    changed := ',';
  END IF;
  IF position(',' || TG_ARGV[0] || ',' IN changed) = 0 THEN
    PERFORM set_config('core.data_changed', changed || TG_ARGV[0] || ',', true);
  END IF;
  PERFORM set_config('core.data_change', core_new_data_version(), true);
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION core_data_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed text := coalesce(current_setting('core.data_changed', true), '');
  name text;
  stamp text := core_new_data_version();
BEGIN
  FOR name IN
    SELECT p FROM unnest(string_to_array(changed, ',')) AS p WHERE p <> '' ORDER BY p
  LOOP
    UPDATE {TABLE} SET version = stamp WHERE part = name;
  END LOOP;
  PERFORM set_config('core.data_changed', '', true);
  DELETE FROM {PENDING} WHERE id = NEW.id;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS core_data_commit ON {PENDING};
CREATE CONSTRAINT TRIGGER core_data_commit AFTER INSERT ON {PENDING}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_data_commit();
"""


def _trigger_name(part: str, suffix: str = "") -> str:
    return f"core_data_{part}{suffix}"


def create_tables(target) -> None:
    """The version table (and on PostgreSQL the pending table and the sequence): core's migration
    0003, so that a freshly migrated database has them (core/backups.py compares with one)."""
    with target.cursor() as cursor:
        cursor.execute(_TABLES)
        if target.vendor == "postgresql":
            cursor.execute(_POSTGRESQL_TABLES)


def install(using: str = "default") -> None:
    """Create the triggers of every registered table (and the tables if missing), and give every
    part a new version (a migration may have changed what the pages show). Idempotent."""
    target = connections[using]
    quote = target.ops.quote_name
    create_tables(target)
    with target.cursor() as cursor:
        if target.vendor == "postgresql":
            cursor.execute(_POSTGRESQL_FUNCTIONS)
            new_version = "core_new_data_version()"
        else:
            new_version = "lower(hex(randomblob(16)))"
        existing = set(target.introspection.table_names(cursor))
        for part in parts():
            cursor.execute(
                f"INSERT INTO {TABLE} (part, version) VALUES (%s, '') ON CONFLICT DO NOTHING",
                [part],
            )
            cursor.execute(f"UPDATE {TABLE} SET version = {new_version} WHERE part = %s", [part])
            for table in _SOURCES[part]:
                if table not in existing:
                    continue
                if target.vendor == "postgresql":
                    name = quote(_trigger_name(part))
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                        f"ON {quote(table)} FOR EACH STATEMENT "
                        f"EXECUTE FUNCTION core_data_changed('{part}')"
                    )
                    continue
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = quote(f"{_trigger_name(part, '_' + event.lower())}_{table}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)} BEGIN "
                        f"UPDATE {TABLE} SET version = {new_version} WHERE part = '{part}'; END"
                    )


def _install_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    # post_migrate is sent once per installed app, after every migration ran: install once.
    if app_config is not None and app_config.name == "core":
        install(using)
