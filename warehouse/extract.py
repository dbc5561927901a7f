"""Copy operational tables into the warehouse's raw layer.

A full load copies the whole table. An incremental load applies what changed
since the last successful load: first the rows recorded as deleted, then the
rows whose `updated_at` passed the watermark, upserted by primary key (a row
deleted and then created again ends up present). Both read through DuckDB's
scanners, so rows never pass through Python one by one.
"""

import datetime as dt
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
    Time,
)

from operational.models import Base
from operational.models.base import utc_now
from warehouse import changes
from warehouse.source import SOURCE_ALIAS, Source, quote_literal

log = logging.getLogger(__name__)

# Not copied: the audit trail stays in the operational database, the
# deletion log is read by the loads themselves, and accounts and sessions
# hold password hashes and session digests that no dashboard needs.
NOT_EXTRACTED = {
    "audit_log",
    "deleted_record",
    "user_account",
    "user_school",
    "user_session",
}


# read_at: the clock, just before the last load read the table. A write
# that commits late carries an `updated_at` at most the lookback before it
# (the lookback assumes the clocks of Quad's hosts agree that closely); a
# warehouse built before the column existed gains it, empty.
LOAD_STATE_DDL = """
create table if not exists _load_state (
    table_name varchar primary key,
    updated_at_watermark timestamp,
    deleted_at_watermark timestamp,
    loaded_at timestamp,
    n_rows bigint
);
alter table _load_state add column if not exists read_at timestamp;
"""


@dataclass(frozen=True)
class ExtractResult:
    table_name: str
    mode: str  # "full" or "incremental"
    n_rows: int  # rows in the raw table after the load
    n_changed: int  # rows read from the source
    n_deleted: int
    seconds: float


def extracted_tables() -> list[Table]:
    return [
        table
        for name, table in sorted(Base.metadata.tables.items())
        if name not in NOT_EXTRACTED
    ]


def duckdb_type(column) -> str:
    kind = column.type
    if isinstance(kind, Boolean):
        return "BOOLEAN"
    if isinstance(kind, Integer):
        return "BIGINT"
    if isinstance(kind, Numeric):
        return f"DECIMAL({kind.precision or 18}, {kind.scale or 0})"
    if isinstance(kind, DateTime):
        return "TIMESTAMP"
    if isinstance(kind, Date):
        return "DATE"
    if isinstance(kind, Time):
        return "TIME"
    if isinstance(kind, JSON | String):
        return "VARCHAR"
    raise TypeError(f"no warehouse type for {column.table.name}.{column.name}")


def typed_columns(table: Table) -> str:
    return ",\n    ".join(
        f'cast("{column.name}" as {duckdb_type(column)}) as "{column.name}"'
        for column in table.columns
    )


def key_match(table: Table, left: str, right: str) -> str:
    return " and ".join(
        f'{left}."{column.name}" = {right}."{column.name}"'
        for column in table.primary_key.columns
    )


def extract_tables(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    tables: list[Table],
    *,
    full: bool = False,
    lookback: dt.timedelta = dt.timedelta(0),
) -> Iterator[ExtractResult]:
    """Load each table, as `extract_table` does. An incremental load first
    finds the tables with rows to read (`tables_with_changes`, one query to
    the source): most have none on a school night, and asking each table
    on its own cost about 5 ms a table."""
    connection.execute(LOAD_STATE_DDL)
    pending = None
    if not full:
        pending = tables_with_changes(connection, source, tables, lookback)
    for table in tables:
        unchanged = pending is not None and table.name not in pending
        yield extract_table(
            connection, source, table, full=full, lookback=lookback, unchanged=unchanged
        )


def extract_table(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    table: Table,
    *,
    full: bool = False,
    lookback: dt.timedelta = dt.timedelta(0),
    unchanged: bool = False,
) -> ExtractResult:
    """Load one table into `raw_<table>`; incremental unless `full` or the
    raw table does not exist yet. An incremental load of a table known to
    be `unchanged` reads nothing.

    An incremental load re-reads `lookback` before the watermark: a write
    that committed late may carry an `updated_at` a little older than the
    watermark, and the upsert makes reading a row twice harmless.

    The build's `_load_state` must exist, as `extract_tables` makes it."""
    started = time.perf_counter()
    state = connection.execute(
        "select updated_at_watermark, deleted_at_watermark, n_rows from _load_state "
        "where table_name = ?",
        [table.name],
    ).fetchone()
    raw = f"raw_{table.name}"
    exists = table_exists(connection, raw)

    loaded_before = not full and state is not None and exists
    if loaded_before and unchanged:
        changes.record(connection, raw, changes.NONE, n_changed=0, n_deleted=0)
        connection.execute(
            "update _load_state set loaded_at = now()::timestamp where table_name = ?",
            [table.name],
        )
        elapsed = time.perf_counter() - started
        return ExtractResult(table.name, "incremental", state[2], 0, 0, elapsed)

    read_at = utc_now()
    if not loaded_before:
        mode, n_changed, n_deleted = "full", _full_load(connection, table), 0
        deleted_watermark = _latest_deletion(connection, source, table)
        changes.record(connection, raw, changes.ALL, n_changed=n_changed)
    else:
        mode = "incremental"
        updated_since, deleted_since, _ = state
        # The rows as they stood before this load, of every key it touches.
        connection.execute(
            f"create or replace temp table _before as from {raw} limit 0"
        )
        n_deleted, deleted_watermark = _apply_deletions(
            connection, source, table, deleted_since, lookback
        )
        n_changed = _apply_changes(connection, source, table, updated_since, lookback)
        _record_delta(connection, raw, n_changed=n_changed, n_deleted=n_deleted)

    n_rows, updated_watermark = connection.execute(
        f"select count(*), max(updated_at) from {raw}"
    ).fetchone()
    connection.execute(
        "insert or replace into _load_state (table_name, updated_at_watermark, "
        "deleted_at_watermark, loaded_at, n_rows, read_at) "
        "values (?, ?, ?, now()::timestamp, ?, ?)",
        [table.name, updated_watermark, deleted_watermark, n_rows, read_at],
    )
    return ExtractResult(
        table.name,
        mode,
        n_rows,
        n_changed,
        n_deleted,
        time.perf_counter() - started,
    )


def table_exists(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    # Asked for every table and model in each run. DuckDB's catalog views
    # and functions take up to 20 ms a question with the operational
    # database attached, whose tables they list too; a query of no rows
    # takes 0.2 ms.
    try:
        connection.execute(f'select 1 from "{name}" limit 0')
    except duckdb.CatalogException:
        return False
    return True


def tables_with_changes(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    tables: list[Table],
    lookback: dt.timedelta = dt.timedelta(0),
) -> set[str]:
    """Of the tables loaded before, those with rows updated or deleted
    since. A table whose last load read within the lookback of its newest
    row or deletion may have missed a write that committed late, and is
    read again by its incremental load; the others are asked of the source,
    in one query, for a row or a deletion past their watermarks. The build's
    `_load_state` must exist, as `extract_tables` makes it."""
    states = connection.execute(
        "select table_name, updated_at_watermark, deleted_at_watermark, read_at "
        "from _load_state where list_contains(?, table_name) order by table_name",
        [[table.name for table in tables]],
    ).fetchall()
    pending, settled = set(), []
    for name, updated, deleted, read_at in states:
        watermarks = [w for w in (updated, deleted) if w is not None]
        if read_at is None or any(w >= read_at - lookback for w in watermarks):
            pending.add(name)
        else:
            settled.append((name, updated, deleted))
    if not settled:
        return pending

    none = dt.timedelta(0)
    questions = [
        f"select {quote_literal(name)} as table_name "
        f"where exists (select 1 {_updates(source, name, updated, none)}) "
        f"or exists (select 1 {_deletions(source, name, deleted, none)})"
        for name, updated, deleted in settled
    ]
    query = source.native_query("\nunion all\n".join(questions))
    changed = {name for (name,) in connection.execute(f"from {query}").fetchall()}
    return pending | changed


def _updates(
    source: Source, name: str, since: dt.datetime | None, lookback: dt.timedelta
) -> str:
    """The FROM and WHERE of a table's rows updated since a watermark."""
    where = ""
    if since is not None:
        where = f" where updated_at > {source.timestamp_literal(since - lookback)}"
    return f'from "{name}"{where}'


def _deletions(
    source: Source, name: str, since: dt.datetime | None, lookback: dt.timedelta
) -> str:
    """The FROM and WHERE of a table's deletions recorded since a watermark."""
    where = f"where table_name = {quote_literal(name)}"
    if since is not None:
        where += f" and deleted_at > {source.timestamp_literal(since - lookback)}"
    return f"from deleted_record {where}"


def _full_load(connection: duckdb.DuckDBPyConnection, table: Table) -> int:
    connection.execute(
        f"create or replace table raw_{table.name} as\n"
        f"select\n    {typed_columns(table)}\n"
        f'from {SOURCE_ALIAS}."{table.name}"'
    )
    return connection.execute(f"select count(*) from raw_{table.name}").fetchone()[0]


def _latest_deletion(
    connection: duckdb.DuckDBPyConnection, source: Source, table: Table
) -> dt.datetime | None:
    inner = (
        "select max(deleted_at) as deleted_at from deleted_record "
        f"where table_name = '{table.name}'"
    )
    row = connection.execute(
        f"select cast(deleted_at as timestamp) from {source.native_query(inner)}"
    ).fetchone()
    return row[0] if row else None


def _apply_deletions(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    table: Table,
    since: dt.datetime | None,
    lookback: dt.timedelta,
) -> tuple[int, dt.datetime | None]:
    deletions = _deletions(source, table.name, since, lookback)
    inner = f"select record_key, deleted_at {deletions}"
    keys = ", ".join(
        f"cast(json_extract_string(record_key, '$.{column.name}') "
        f'as {duckdb_type(column)}) as "{column.name}"'
        for column in table.primary_key.columns
    )
    connection.execute(
        "create or replace temp table _deleted as\n"
        f"select {keys}, cast(deleted_at as timestamp) as deleted_at\n"
        f"from {source.native_query(inner)}"
    )
    n_deleted, latest = connection.execute(
        "select count(*), max(deleted_at) from _deleted"
    ).fetchone()
    if n_deleted:
        _take_out(connection, table, "_deleted")
    return n_deleted, max(filter(None, [latest, since]), default=None)


def _apply_changes(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    table: Table,
    since: dt.datetime | None,
    lookback: dt.timedelta,
) -> int:
    inner = f"select * {_updates(source, table.name, since, lookback)}"
    connection.execute(
        "create or replace temp table _changed as\n"
        f"select\n    {typed_columns(table)}\n"
        f"from {source.native_query(inner)}"
    )
    n_changed = connection.execute("select count(*) from _changed").fetchone()[0]
    if n_changed:
        _take_out(connection, table, "_changed")
        connection.execute(f"insert into raw_{table.name} select * from _changed")
    return n_changed


def _take_out(connection: duckdb.DuckDBPyConnection, table: Table, keys: str) -> None:
    """Delete the raw rows with a key of the `keys` table, keeping them in
    `_before` for the delta."""
    raw = f"raw_{table.name}"
    match = key_match(table, raw, "k")
    connection.execute(
        f"insert into _before select {raw}.* from {raw} semi join {keys} k on {match}"
    )
    connection.execute(f"delete from {raw} using {keys} k where {match}")


def _record_delta(
    connection: duckdb.DuckDBPyConnection, raw: str, *, n_changed: int, n_deleted: int
) -> None:
    """Record which rows really differ: a row read again unchanged (the
    lookback re-reads some) is no change."""
    if n_changed == n_deleted == 0:
        changes.record(connection, raw, changes.NONE, n_changed=0, n_deleted=0)
        return
    connection.execute(
        "create or replace temp table _delta as\n"
        "(from _before except all from _changed)\n"
        "union all\n"
        "(from _changed except all from _before)"
    )
    changes.record_raw_delta(
        connection, raw, "_delta", n_changed=n_changed, n_deleted=n_deleted
    )
