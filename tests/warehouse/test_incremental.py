"""An incremental load ends where a full load of the same data ends."""

import datetime as dt

import duckdb
import pytest
from sqlalchemy import select

from operational import migrate
from operational.db import make_engine, session_scope
from operational.models import DailyAttendance
from operational.services import attendance, records
from operational.settings import Settings
from tests.support.attendance_school import build_attendance_school, day
from tests.support.databases import fresh_postgres_database
from tests.support.school import ACTOR
from tests.warehouse.compare import table_contents
from warehouse.refresh import refresh

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


def build(path, url, *, full: bool):
    connection = duckdb.connect(str(path))
    refresh(connection, url, Settings(database_url=url), AS_OF, full=full)
    connection.close()


def check_incremental_equals_full(url, tmp_path):
    engine = make_engine(url)
    built = build_attendance_school(engine)
    incremental = tmp_path / "incremental.duckdb"
    build(incremental, url, full=True)
    before = table_contents(incremental)

    a_day_of_changes(engine, built)
    build(incremental, url, full=False)
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


def test_incremental_equals_full_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'quad.db'}"
    migrate.upgrade(url)
    check_incremental_equals_full(url, tmp_path)


@pytest.mark.postgres
def test_incremental_equals_full_on_postgresql(tmp_path):
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        check_incremental_equals_full(url, tmp_path)
