"""An incremental load ends where a full load of the same data ends, and
rebuilds only what the change reaches."""

import datetime as dt
import shutil

import duckdb
import pytest
from sqlalchemy import select, text

from operational import migrate
from operational.db import make_engine, session_scope
from operational.models import DailyAttendance, Enrollment
from operational.services import attendance, records
from operational.settings import Settings
from tests.support.attendance_school import (
    build_attendance_school,
    day,
    record_absence,
)
from tests.support.databases import fresh_postgres_database
from tests.support.school import ACTOR
from tests.warehouse.compare import run_keys, table_contents
from warehouse import changes, extract, incremental
from warehouse.expectations import SUITES
from warehouse.extract import extracted_tables, tables_with_changes
from warehouse.files import release, shared_connection
from warehouse.incremental import (
    FULL,
    KEYED_MODELS,
    PARTIAL,
    SKIPPED,
    key_rows,
    suite_scope,
)
from warehouse.models import discover_models
from warehouse.quality import SCOPE, copy_scope, drop_scope, validate
from warehouse.quality import release as release_quality
from warehouse.refresh import RefreshResult, refresh
from warehouse.source import Source

AS_OF = dt.date(2025, 9, 30)


def a_day_of_changes(engine, built) -> None:
    """Monday 29 September: new absences, two corrections, one deletion."""
    school_id = built.school.school.school_id
    with session_scope(engine) as session:
        for name in ("B", "D"):
            attendance.record_daily(
                session,
                ACTOR,
                student_id=built.student_ids[name],
                school_id=school_id,
                attendance_date=day(29),
                code="EA",
            )
        # A's excused absence on the 3rd was in fact unexcused.
        attendance.correct_daily(
            session,
            ACTOR,
            student_id=built.student_ids["A"],
            school_id=school_id,
            attendance_date=day(3),
            code="UA",
            reason="no note from home",
        )
        # C's afternoon away on the 5th was a school trip: present.
        attendance.correct_daily(
            session,
            ACTOR,
            student_id=built.student_ids["C"],
            school_id=school_id,
            attendance_date=day(5),
            code=None,
            reason="field trip",
        )
        tardy = session.scalars(
            select(DailyAttendance).where(DailyAttendance.code == "T")
        ).one()
        records.delete(session, tardy, ACTOR)


def build(path, url, *, full: bool, as_of: dt.date = AS_OF) -> RefreshResult:
    connection = duckdb.connect(str(path))
    try:
        return refresh(connection, url, Settings(database_url=url), as_of, full=full)
    finally:
        connection.close()


def modes(result: RefreshResult) -> dict[str, str]:
    return {name: built.mode for name, built in result.models.items()}


def changed_keys(path, relation: str) -> list[tuple]:
    return run_keys(path, relation, "student_id, day")


def pending_tables(path, url, lookback=dt.timedelta(0)) -> set[str]:
    """The tables the one question to the source finds with rows to read."""
    connection = duckdb.connect(str(path))
    source = Source.from_url(url)
    source.attach(connection)
    found = tables_with_changes(connection, source, extracted_tables(), lookback)
    connection.close()
    return found


def check_incremental_equals_full(url, tmp_path):
    engine = make_engine(url)
    built = build_attendance_school(engine)
    incremental = tmp_path / "incremental.duckdb"
    build(incremental, url, full=True)
    before = table_contents(incremental)

    a_day_of_changes(engine, built)
    # The one question to the source names the two tables the day wrote to
    # (the deletion's record is of the attendance), and no other.
    assert pending_tables(incremental, url) == {
        "attendance_correction",
        "daily_attendance",
    }

    result = build(incremental, url, full=False)
    rebuilt = tmp_path / "full.duckdb"
    build(rebuilt, url, full=True)
    engine.dispose()

    after = table_contents(incremental)
    assert after == table_contents(rebuilt)
    # Two absences added, one deleted by the correction to present, and the
    # deleted tardy: 6 + 2 - 1 - 1 = 6 rows, with different contents.
    assert len(after["raw_daily_attendance"]) == 6
    assert after["raw_daily_attendance"] != before["raw_daily_attendance"]
    assert len(after["raw_attendance_correction"]) == 2
    # Only attendance changed: its student-days are rebuilt, not the rest.
    assert modes(result)["fct_student_day"] == PARTIAL
    assert modes(result)["dim_student"] == SKIPPED


def test_incremental_equals_full_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'quad.db'}"
    migrate.upgrade(url)
    check_incremental_equals_full(url, tmp_path)


@pytest.mark.postgres
def test_incremental_equals_full_on_postgresql(tmp_path):
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        check_incremental_equals_full(url, tmp_path)


@pytest.fixture
def school(tmp_path):
    """The attendance school on SQLite, its warehouse built in full."""
    url = f"sqlite:///{tmp_path / 'quad.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    built = build_attendance_school(engine)
    warehouse = tmp_path / "incremental.duckdb"
    build(warehouse, url, full=True)
    yield engine, built, url, warehouse
    engine.dispose()


def test_a_change_for_one_student_rebuilds_only_that_student_day(school, tmp_path):
    engine, built, url, warehouse = school
    b = built.student_ids["B"]
    record_absence(engine, built, "B", day(29), "UA")

    result = build(warehouse, url, full=False)
    rebuilt = tmp_path / "full.duckdb"
    build(rebuilt, url, full=True)

    built_as = modes(result)
    assert built_as["stg_daily_attendance"] == PARTIAL
    assert built_as["fct_student_day"] == PARTIAL
    assert built_as["int_membership_day"] == SKIPPED
    assert built_as["dim_school"] == SKIPPED
    assert built_as["mart_student_attendance"] == FULL
    assert built_as["int_days_in_session"] == SKIPPED
    assert built_as["mart_school_attendance_monthly"] == PARTIAL
    assert changed_keys(warehouse, "fct_student_day") == [(b, day(29))]
    assert changed_keys(warehouse, "mart_school_attendance_monthly") == [(None, day(1))]
    after = table_contents(warehouse)
    assert after == table_contents(rebuilt)
    # B: 9 membership days, absent on the 18th and now the 29th.
    connection = duckdb.connect(str(warehouse), read_only=True)
    assert connection.execute(
        "select days_enrolled, days_absent from mart_student_attendance "
        "where student_id = ?",
        [b],
    ).fetchone() == (9, 2)
    connection.close()


def test_a_table_read_within_the_lookback_of_its_newest_row_is_read_again(
    school, tmp_path, monkeypatch
):
    engine, built, url, warehouse = school
    lookback = dt.timedelta(seconds=60)
    settings = Settings(database_url=url)
    with engine.connect() as connection:
        newest = connection.execute(
            text("select max(updated_at) from daily_attendance")
        ).scalar_one()
    newest = dt.datetime.fromisoformat(str(newest))

    def pending() -> set[str]:
        return pending_tables(warehouse, url, lookback)

    def load_at(clock: dt.datetime) -> None:
        monkeypatch.setattr(extract, "utc_now", lambda: clock)
        connection = duckdb.connect(str(warehouse))
        refresh(connection, url, settings, AS_OF, lookback=lookback)
        connection.close()

    # The full build read just after the school was written: every table
    # with rows is within a minute of its newest row, and is read again.
    assert "daily_attendance" in pending()
    # Read two minutes after the newest row, nothing can still commit with
    # a time before it, and no table has a row or a deletion past its
    # watermark.
    load_at(newest + dt.timedelta(minutes=2))
    assert pending() == set()

    # A write stamped a minute after the newest row, which committed after
    # that load: past the watermark, so asked of the source and found.
    with engine.begin() as connection:
        connection.execute(
            text(
                "update daily_attendance set code = 'EA', updated_at = :stamp "
                "where code = 'T'"
            ),
            {"stamp": newest + dt.timedelta(minutes=1)},
        )
    assert pending() == {"daily_attendance"}
    # Read 30 s after that write: another might yet commit stamped before
    # it, so the table is read again next time, and only that table.
    load_at(newest + dt.timedelta(minutes=1, seconds=30))
    assert pending() == {"daily_attendance"}

    rebuilt = tmp_path / "full.duckdb"
    build(rebuilt, url, full=True)
    assert table_contents(warehouse) == table_contents(rebuilt)


def test_nothing_changed_skips_every_model(school):
    _, _, url, warehouse = school
    before = table_contents(warehouse)

    result = build(warehouse, url, full=False)

    assert set(modes(result).values()) == {SKIPPED}
    assert table_contents(warehouse) == before


def test_a_later_as_of_date_adds_the_days_since_for_everyone(tmp_path):
    url = f"sqlite:///{tmp_path / 'quad.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    build_attendance_school(engine)
    engine.dispose()
    warehouse = tmp_path / "incremental.duckdb"
    build(warehouse, url, full=True, as_of=day(26))
    n_days_before = len(table_contents(warehouse)["fct_student_day"])

    result = build(warehouse, url, full=False, as_of=day(29))
    rebuilt = tmp_path / "full.duckdb"
    build(rebuilt, url, full=True, as_of=day(29))

    assert modes(result)["int_membership_day"] == PARTIAL
    assert modes(result)["fct_student_day"] == PARTIAL
    # Saturday 27, Sunday 28 and Monday 29, for every student, and so the
    # membership counts of September.
    assert changed_keys(warehouse, "int_membership_day") == [
        (None, day(27)),
        (None, day(28)),
        (None, day(29)),
    ]
    for monthly in (
        "mart_enrollment_trends",
        "int_days_in_session",
        "mart_school_attendance_monthly",
    ):
        assert modes(result)[monthly] == PARTIAL, monthly
        assert changed_keys(warehouse, monthly) == [(None, day(1))], monthly
    after = table_contents(warehouse)
    assert after == table_contents(rebuilt)
    # Monday 29 is a membership day of all four students.
    assert len(after["fct_student_day"]) == n_days_before + 4


def test_a_deleted_enrollment_removes_the_students_days(school, tmp_path):
    engine, built, url, warehouse = school
    d = built.student_ids["D"]
    with session_scope(engine) as session:
        stay = session.scalars(select(Enrollment).where(Enrollment.student_id == d))
        records.delete(session, stay.one(), ACTOR)

    result = build(warehouse, url, full=False)
    rebuilt = tmp_path / "full.duckdb"
    build(rebuilt, url, full=True)

    assert modes(result)["int_membership_day"] == PARTIAL
    assert modes(result)["fct_student_day"] == PARTIAL
    assert changed_keys(warehouse, "int_membership_day") == [(d, None)]
    # Every day of a student may be in any month.
    assert modes(result)["mart_enrollment_trends"] == FULL
    assert modes(result)["mart_school_attendance_monthly"] == FULL
    after = table_contents(warehouse)
    assert after == table_contents(rebuilt)
    assert not [row for row in after["fct_student_day"] if row[0] == d]


def test_a_model_whose_sql_changed_is_rebuilt_with_all_it_feeds(school):
    _, _, url, warehouse = school
    connection = duckdb.connect(str(warehouse))
    connection.execute(
        "update _model_state set sql_hash = 'older' where model_name = 'stg_enrollment'"
    )
    connection.close()

    result = build(warehouse, url, full=False)

    assert result.models["stg_enrollment"].reason == "its SQL changed"
    assert modes(result)["int_membership_day"] == FULL
    assert modes(result)["fct_student_day"] == FULL
    assert modes(result)["dim_school"] == SKIPPED


def test_staging_models_are_projections_of_one_raw_table():
    """Their changes pass through by key (warehouse/incremental.py)."""
    for model in discover_models():
        if model.layer != "staging":
            continue
        body = model.sql.lower()
        assert len(model.upstream) == 1, model.name
        for clause in (" join ", "group by", " over ", "union", "distinct"):
            assert clause not in body, (model.name, clause)


def test_a_suite_decided_by_key_checks_only_the_rebuilt_keys(school):
    engine, built, url, warehouse = school
    record_absence(engine, built, "B", day(29), "UA")
    build(warehouse, url, full=False)
    (suite,) = [s for s in SUITES if s.model == "fct_student_day"]
    # Great Expectations keeps the file open until the process ends, so the
    # broken case gets a file of its own.
    broken = warehouse.with_name("broken.duckdb")
    shutil.copyfile(warehouse, broken)

    # The scope lives in memory beside the file's one open database, where
    # the suite's own connection finds it.
    connection = shared_connection(warehouse)
    scope = suite_scope(connection, suite)
    # The attendance its rules read is restricted to the same key; the
    # calendar and the schools did not change.
    assert not scope.unchanged
    assert sorted(scope.restricted) == ["fct_student_day", "stg_daily_attendance"]
    copy_scope(connection, scope.restricted)
    b = built.student_ids["B"]
    assert connection.execute(
        "select student_id, calendar_date, attendance_category "
        "from quad_suite_scope.fct_student_day"
    ).fetchall() == [(b, day(29), "unexcused_absence")]
    assert connection.execute(
        "select count(*) from quad_suite_scope.stg_daily_attendance"
    ).fetchone() == (1,)
    # Nothing of the scope is written to the build file.
    assert connection.execute(
        "select count(*) from duckdb_tables() "
        "where table_name = 'fct_student_day' and database_name = current_database()"
    ).fetchone() == (1,)
    assert validate(warehouse, suite, keep_open=True, scoped=True).passed
    drop_scope(connection)

    # The same day twice among the rows checked fails the key.
    connection = shared_connection(broken)
    copy_scope(connection, suite_scope(connection, suite).restricted)
    connection.execute(
        "insert into quad_suite_scope.fct_student_day "
        "select * from quad_suite_scope.fct_student_day"
    )
    result = validate(broken, suite, keep_open=True, scoped=True)
    drop_scope(connection)
    assert not result.passed
    assert result.failures == (
        "expect_compound_columns_to_be_unique("
        "column_list=['student_id', 'school_id', 'calendar_date'])",
    )
    for path in (warehouse, broken):
        release_quality(path)
        release(path)


def test_a_new_scope_holds_only_its_own_tables(tmp_path):
    connection = duckdb.connect(str(tmp_path / "build.duckdb"))
    # As if a copy had failed halfway and left its scope attached.
    copy_scope(connection, {"fct_student_day": "select 1 as student_id"})
    copy_scope(connection, {"stg_daily_attendance": "select 2 as student_id"})
    assert connection.execute(
        "select table_name from duckdb_tables() where database_name = ?", [SCOPE]
    ).fetchall() == [("stg_daily_attendance",)]
    drop_scope(connection)
    assert connection.execute(
        "select count(*) from duckdb_databases() where database_name = ?", [SCOPE]
    ).fetchone() == (0,)
    connection.close()


def test_a_suite_is_checked_whole_when_a_table_it_reads_changed_whole(school):
    engine, built, url, warehouse = school
    record_absence(engine, built, "B", day(29), "UA")
    build(warehouse, url, full=False)
    connection = duckdb.connect(str(warehouse))
    # As if the calendar had been rebuilt whole in the same run.
    connection.execute(
        "update _run_change set change = 'all', key_kind = null "
        "where relation = 'dim_date'"
    )
    (suite,) = [s for s in SUITES if s.model == "fct_student_day"]

    scope = suite_scope(connection, suite)
    connection.close()

    assert not scope.unchanged
    assert scope.restricted == {}


# Days are listed in the conditions up to a limit, and asked of the key
# table past it; both ways select the same rows.
@pytest.mark.parametrize("listed_days", [incremental.LISTED_DAYS, 0])
def test_the_rows_of_keys_of_several_shapes_come_once_each(listed_days, monkeypatch):
    monkeypatch.setattr(incremental, "LISTED_DAYS", listed_days)
    connection = duckdb.connect()
    changes.start_run(connection)
    connection.execute(
        "insert into _run_change_key values "
        "('t', null, '2025-09-01', null, null), "
        "('t', 1, '2025-09-01', null, null), "
        "('t', 2, '2025-09-02', null, null), "
        "('t', 3, null, null, null)"
    )
    connection.execute(
        "create table t as select * from (values "
        "(1, date '2025-09-01'), (2, date '2025-09-01'), (null, date '2025-09-01'), "
        "(2, date '2025-09-02'), (2, date '2025-09-02'), (3, date '2025-09-03')"
        ") as rows(student_id, calendar_date)"
    )
    spec = KEYED_MODELS["fct_student_day"]

    found = connection.execute(key_rows(connection, spec, "t", "t")).fetchall()

    # Every row of student 3; every row of September 1 (the student-day key
    # of student 1 is one of them, and a row with no student is still of
    # that day); and student 2's September 2 twice, as the table holds it
    # twice.
    assert sorted(found, key=repr) == sorted(
        [
            (1, dt.date(2025, 9, 1)),
            (2, dt.date(2025, 9, 1)),
            (None, dt.date(2025, 9, 1)),
            (2, dt.date(2025, 9, 2)),
            (2, dt.date(2025, 9, 2)),
            (3, dt.date(2025, 9, 3)),
        ],
        key=repr,
    )
