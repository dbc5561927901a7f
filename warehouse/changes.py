"""What changed in this run, recorded in the build for the models to read.

Each raw table a run loads and each model it builds gets a row in
`_run_change`: its rows did not change ("none"), changed only for some
students and days ("keys", listed in `_run_change_key`), or changed in a
way no such key describes ("all"). The models decide from it what to
rebuild (warehouse/incremental.py), and the published file keeps the last
run's record.
"""

import datetime as dt

import duckdb

NONE, KEYS, ALL = "none", "keys", "all"

# The students and days a changed raw row touches, by the columns that name
# them. An empty part reaches further: an enrollment touches every day of
# its student, a calendar day every student on that date.
STUDENT_DAY_COLUMNS: dict[str, tuple[str | None, str | None]] = {
    "raw_daily_attendance": ("student_id", "attendance_date"),
    "raw_enrollment": ("student_id", None),
    "raw_calendar_day": (None, "calendar_date"),
}


def start_run(connection: duckdb.DuckDBPyConnection) -> None:
    """Forget what the previous run changed."""
    connection.execute(
        "create or replace table _run_change (relation varchar primary key, "
        "change varchar not null, n_changed bigint, n_deleted bigint)"
    )
    # An empty student_id means every student, an empty day every day.
    connection.execute(
        "create or replace table _run_change_key "
        "(relation varchar not null, student_id bigint, day date)"
    )


def previous_as_of(connection: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The as-of date of the build this one was copied from, if any."""
    try:
        found = connection.execute("select as_of_date from _build_info").fetchone()
    except duckdb.CatalogException:
        return None
    return found[0] if found else None


def record(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    change: str,
    *,
    n_changed: int | None = None,
    n_deleted: int | None = None,
) -> None:
    connection.execute(
        "insert or replace into _run_change values (?, ?, ?, ?)",
        [relation, change, n_changed, n_deleted],
    )


def record_raw_delta(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    delta: str,
    *,
    n_changed: int,
    n_deleted: int,
) -> str:
    """Record a raw table's change from `delta`, its rows before and after
    that differ; returns the change."""
    n_different = connection.execute(f"select count(*) from {delta}").fetchone()[0]
    if n_different == 0:
        change = NONE
    elif relation in STUDENT_DAY_COLUMNS:
        student, day = STUDENT_DAY_COLUMNS[relation]
        connection.execute(
            "insert into _run_change_key select distinct ?, "
            f"{student or 'null'}, {day or 'null'} from {delta}",
            [relation],
        )
        change = KEYS
    else:
        change = ALL
    record(connection, relation, change, n_changed=n_changed, n_deleted=n_deleted)
    return change


def change_of(connection: duckdb.DuckDBPyConnection, relation: str) -> str:
    """How `relation` changed in this run; one the run did not record is
    taken to have changed in every way."""
    found = connection.execute(
        "select change from _run_change where relation = ?", [relation]
    ).fetchone()
    return found[0] if found else ALL


def copy_keys(
    connection: duckdb.DuckDBPyConnection, relation: str, sources: list[str]
) -> None:
    """Record for `relation` the keys its upstream `sources` changed."""
    if not sources:
        return
    connection.execute(
        "insert into _run_change_key select distinct ?, student_id, day "
        "from _run_change_key where list_contains(?, relation)",
        [relation, sources],
    )


def add_days(
    connection: duckdb.DuckDBPyConnection, relation: str, after: str, through: str
) -> None:
    """Every student's days after one date and up to another (ISO dates)."""
    connection.execute(
        "insert into _run_change_key select ?, null, day::date from "
        "generate_series(?::date + 1, ?::date, interval 1 day) as days(day)",
        [relation, after, through],
    )
