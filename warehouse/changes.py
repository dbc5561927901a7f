"""What changed in this run, recorded in the build for the models to read.

Each raw table a run loads and each model it builds gets a row in
`_run_change`: its rows did not change ("none"), changed only at some keys
("keys", listed in `_run_change_key`), or changed in a way no key describes
("all"). A key is of one of four kinds:

- a student and a day ("student_day"): an empty student means every student
  on that day, an empty day every day of that student;
- an assignment ("assignment"): one piece of coursework, with its section;
- a section ("section"): everything of one section's coursework, which an
  assignment's key reaches through its section;
- a month ("month", its first day in the day column): a monthly count.

The models decide from it what to rebuild (warehouse/incremental.py), and
the published file keeps the last run's record.
"""

import datetime as dt

import duckdb

NONE, KEYS, ALL = "none", "keys", "all"
STUDENT_DAY, ASSIGNMENT, SECTION, MONTH = (
    "student_day",
    "assignment",
    "section",
    "month",
)

# The keys a changed raw row touches: the kind, and a query of them over the
# changed rows (`{delta}`: the rows before and after that differ) giving
# student_id, day, section_id and assignment_id. An empty part reaches
# further: an enrollment touches every day of its student, a calendar day
# every student on that date. A unit's or a roster's change touches every
# assignment of its unit or section. A submission touches its assignment,
# whose section is gone when the assignment was deleted in the same run;
# the assignment's own change then names the section.
RAW_KEYS: dict[str, tuple[str, str]] = {
    "raw_daily_attendance": (
        STUDENT_DAY,
        "select student_id, attendance_date, null, null from {delta}",
    ),
    "raw_enrollment": (
        STUDENT_DAY,
        "select student_id, null, null, null from {delta}",
    ),
    "raw_calendar_day": (
        STUDENT_DAY,
        "select null, calendar_date, null, null from {delta}",
    ),
    "raw_assignment": (
        ASSIGNMENT,
        "select null, null, section_id, assignment_id from {delta}",
    ),
    "raw_content_unit": (
        ASSIGNMENT,
        "select null, null, assignments.section_id, assignments.assignment_id "
        "from {delta} as units "
        "inner join raw_assignment as assignments using (content_unit_id)",
    ),
    "raw_section_enrollment": (
        ASSIGNMENT,
        "select null, null, assignments.section_id, assignments.assignment_id "
        "from {delta} as rosters "
        "inner join raw_assignment as assignments using (section_id)",
    ),
    "raw_submission": (
        ASSIGNMENT,
        "select null, null, assignments.section_id, submissions.assignment_id "
        "from {delta} as submissions "
        "left join raw_assignment as assignments using (assignment_id)",
    ),
}


def start_run(connection: duckdb.DuckDBPyConnection) -> None:
    """Forget what the previous run changed."""
    connection.execute(
        "create or replace table _run_change (relation varchar primary key, "
        "change varchar not null, key_kind varchar, n_changed bigint, "
        "n_deleted bigint)"
    )
    connection.execute(
        "create or replace table _run_change_key (relation varchar not null, "
        "student_id bigint, day date, section_id bigint, assignment_id bigint)"
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
    key_kind: str | None = None,
    n_changed: int | None = None,
    n_deleted: int | None = None,
) -> None:
    connection.execute(
        "insert or replace into _run_change values (?, ?, ?, ?, ?)",
        [relation, change, key_kind, n_changed, n_deleted],
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
    kind = None
    if n_different == 0:
        change = NONE
    elif relation in RAW_KEYS:
        kind, query = RAW_KEYS[relation]
        add_keys(connection, relation, query.format(delta=delta), {})
        change = KEYS
    else:
        change = ALL
    record(
        connection,
        relation,
        change,
        key_kind=kind,
        n_changed=n_changed,
        n_deleted=n_deleted,
    )
    return change


def changes_of(
    connection: duckdb.DuckDBPyConnection, relations: list[str]
) -> dict[str, tuple[str, str | None]]:
    """Each relation's change and, for a change at keys, their kind."""
    found = dict.fromkeys(relations, (ALL, None))
    rows = connection.execute(
        "select relation, change, key_kind from _run_change "
        "where list_contains(?, relation)",
        [list(relations)],
    ).fetchall()
    found |= {relation: (change, kind) for relation, change, kind in rows}
    return found


def copy_keys(
    connection: duckdb.DuckDBPyConnection, relation: str, sources: list[str]
) -> None:
    """Record for `relation` the keys its upstream `sources` changed."""
    if not sources:
        return
    connection.execute(
        "insert into _run_change_key select distinct ?, student_id, day, "
        "section_id, assignment_id from _run_change_key "
        "where list_contains(?, relation)",
        [relation, sources],
    )


def add_days(
    connection: duckdb.DuckDBPyConnection, relation: str, after: str, through: str
) -> None:
    """Every student's days after one date and up to another (ISO dates)."""
    connection.execute(
        "insert into _run_change_key select ?, null, day::date, null, null from "
        "generate_series(?::date + 1, ?::date, interval 1 day) as days(day)",
        [relation, after, through],
    )


def add_keys(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    query: str,
    parameters: dict[str, object],
) -> None:
    """Record for `relation` the keys a query gives (student_id, day,
    section_id, assignment_id), with its named parameters."""
    connection.execute(
        f"insert into _run_change_key select distinct $relation, * from ({query})",
        parameters | {"relation": relation},
    )


def days_to_months(connection: duckdb.DuckDBPyConnection, relation: str) -> None:
    """Turn the keys recorded for `relation` into the months of their
    days, once each."""
    connection.execute(
        "create or replace temp table _months as select distinct relation, "
        "null::bigint as student_id, date_trunc('month', day)::date as day, "
        "null::bigint as section_id, null::bigint as assignment_id "
        "from _run_change_key where relation = ?",
        [relation],
    )
    connection.execute("delete from _run_change_key where relation = ?", [relation])
    connection.execute("insert into _run_change_key from _months")
