"""The coursework items are rebuilt by assignment and the coursework marts
by section: a change to one piece of work, or a later as-of date, rebuilds
that assignment's items and its section's marts, and ends where a full
build ends (the test district's Algebra, listed in
`district_operations.py`)."""

import datetime as dt
import shutil

import duckdb
import pytest

from operational.db import make_engine, session_scope
from operational.models import Assignment, SectionEnrollment, Submission
from operational.services import records, rosters, submissions
from tests.support.school import ACTOR
from tests.warehouse.compare import run_keys, table_contents
from tests.warehouse.conftest import settings_for
from tests.warehouse.district import AS_OF, TEACHER, rows
from warehouse.incremental import PARTIAL, SKIPPED
from warehouse.refresh import refresh

COURSEWORK = (
    "int_coursework_item",
    "mart_coursework_completion",
    "mart_coursework_completion_student",
)


@pytest.fixture
def copied(marts_district, tmp_path):
    """The test district's database and warehouse, copied for a test to
    change."""
    built, district = marts_district
    shutil.copyfile(built.parent / "quad.db", tmp_path / "quad.db")
    shutil.copyfile(built, tmp_path / "incremental.duckdb")
    return f"sqlite:///{tmp_path / 'quad.db'}", tmp_path, district


def build(path, url, as_of, *, full: bool):
    connection = duckdb.connect(str(path))
    try:
        return refresh(connection, url, settings_for(url), as_of, full=full)
    finally:
        connection.close()


def section_keys(path, relation: str) -> list:
    return run_keys(path, relation, "student_id, day, section_id")


def assignment_keys(path) -> list:
    return run_keys(path, "int_coursework_item", "section_id, assignment_id")


def assignment_id(url: str, title: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = connection.exec_driver_sql(
            "select assignment_id from assignment where title = ?", (title,)
        ).scalar_one()
    engine.dispose()
    return found


def rebuilt_equals_full(url, directory, as_of):
    full = directory / "full.duckdb"
    build(full, url, as_of, full=True)
    assert table_contents(directory / "incremental.duckdb") == table_contents(full)


def test_a_late_hand_in_rebuilds_its_section(copied):
    url, directory, district = copied
    algebra = district.sections["ALG-25"].section_id
    first = assignment_id(url, "A1")
    w5 = district.students["W5"]
    engine = make_engine(url)
    with session_scope(engine) as session:
        # W5 hands A1 in on October 14, 34 days late: the penalty is capped
        # at 50%, so 6 points count as 3.
        key = {"assignment_id": first, "student_id": w5}
        submissions.submit(session, ACTOR, submitted_date=dt.date(2025, 10, 14), **key)
        submissions.record_score(session, TEACHER, points_earned=6, **key)
    engine.dispose()

    result = build(directory / "incremental.duckdb", url, AS_OF, full=False)

    path = directory / "incremental.duckdb"
    for name in COURSEWORK:
        assert result.models[name].mode == PARTIAL, name
        assert section_keys(path, name) == [(None, None, algebra)]
    assert assignment_keys(path) == [(algebra, first)]
    assert result.models["stg_submission"].mode == PARTIAL
    assert result.models["fct_student_day"].mode == SKIPPED
    connection = duckdb.connect(str(directory / "incremental.duckdb"))
    (work,) = rows(
        connection,
        "select * from mart_coursework_completion_student where student_id = ?",
        w5,
    )
    connection.close()
    # A1 and A2 both late now; (3 + 10) of (10 + 20) points.
    assert (work["n_submitted"], work["n_late"], work["n_missing"]) == (2, 2, 0)
    assert work["average_score_percent"] == pytest.approx(1300 / 30)
    rebuilt_equals_full(url, directory, AS_OF)


def test_a_later_as_of_date_brings_work_due_into_its_section(copied):
    url, directory, district = copied
    algebra = district.sections["ALG-25"].section_id
    the_day_after = AS_OF + dt.timedelta(days=1)

    result = build(directory / "incremental.duckdb", url, the_day_after, full=False)

    # A3 was due on the old as-of date, so it is due by the new one; it is
    # the only work of the district due then.
    assert result.models["int_coursework_item"].mode == PARTIAL
    path = directory / "incremental.duckdb"
    assert assignment_keys(path) == [(algebra, assignment_id(url, "A3"))]
    assert section_keys(path, "mart_coursework_completion") == [(None, None, algebra)]
    # Of the monthly counts since September, only October's change.
    for monthly in ("int_days_in_session", "mart_school_attendance_monthly"):
        assert result.models[monthly].mode == PARTIAL, monthly
        assert run_keys(path, monthly, "day") == [(dt.date(2025, 10, 1),)]
    connection = duckdb.connect(str(directory / "incremental.duckdb"))
    due = rows(
        connection,
        "select student_id, item_status from int_coursework_item "
        "where assignment_id = ?",
        assignment_id(url, "A3"),
    )
    connection.close()
    ids = district.students
    assert {row["student_id"]: row["item_status"] for row in due} == {
        ids["W1"]: "on_time",
        ids["W2"]: "missing",
        ids["W3"]: "missing",
        ids["W5"]: "missing",
    }
    rebuilt_equals_full(url, directory, the_day_after)


def test_a_day_with_nothing_due_or_handed_in_rebuilds_no_section(copied):
    url, directory, _ = copied
    build(directory / "incremental.duckdb", url, dt.date(2025, 10, 16), full=False)

    # Nothing is due on the 16th and nothing was handed in on the 17th.
    later = dt.date(2025, 10, 17)
    result = build(directory / "incremental.duckdb", url, later, full=False)

    for name in COURSEWORK:
        assert result.models[name].mode == PARTIAL, name
        assert section_keys(directory / "incremental.duckdb", name) == []
    rebuilt_equals_full(url, directory, later)


def test_a_deleted_submission_leaves_the_projection_and_the_items(copied):
    url, directory, district = copied
    first, w3 = assignment_id(url, "A1"), district.students["W3"]
    engine = make_engine(url)
    with session_scope(engine) as session:
        # W3 handed nothing in, so cancelling the excuse deletes the row.
        submissions.cancel_excuse(session, TEACHER, assignment_id=first, student_id=w3)
    engine.dispose()

    result = build(directory / "incremental.duckdb", url, AS_OF, full=False)

    assert result.models["stg_submission"].mode == PARTIAL
    connection = duckdb.connect(str(directory / "incremental.duckdb"))
    handed_in = rows(
        connection,
        "select * from stg_submission where assignment_id = ? and student_id = ?",
        first,
        w3,
    )
    (item,) = rows(
        connection,
        "select item_status from int_coursework_item "
        "where assignment_id = ? and student_id = ?",
        first,
        w3,
    )
    connection.close()
    assert handed_in == []
    assert item["item_status"] == "missing"
    rebuilt_equals_full(url, directory, AS_OF)


def test_a_deleted_assignment_takes_its_submissions_along(copied):
    url, directory, district = copied
    algebra = district.sections["ALG-25"].section_id
    second = assignment_id(url, "A2")
    engine = make_engine(url)
    with session_scope(engine) as session:
        # Its four submissions first, then A2 itself, in one day's work.
        for handed_in in session.query(Submission).filter_by(assignment_id=second):
            records.delete(session, handed_in, ACTOR)
        records.delete(session, session.get(Assignment, second), ACTOR)
    engine.dispose()

    result = build(directory / "incremental.duckdb", url, AS_OF, full=False)

    path = directory / "incremental.duckdb"
    assert result.models["stg_submission"].mode == PARTIAL
    # The submissions name A2 alone: its section went with it, and A2's
    # own change names the section.
    assert set(assignment_keys(path)) == {(algebra, second), (None, second)}
    connection = duckdb.connect(str(path))
    left = rows(
        connection,
        "select 'submission' as kind from stg_submission where assignment_id = ? "
        "union all "
        "select 'item' from int_coursework_item where assignment_id = ?",
        second,
        second,
    )
    connection.close()
    assert left == []
    rebuilt_equals_full(url, directory, AS_OF)


def test_a_roster_change_rebuilds_every_assignment_of_its_section(copied):
    url, directory, district = copied
    algebra = district.sections["ALG-25"].section_id
    engine = make_engine(url)
    with session_scope(engine) as session:
        # W5 leaves Algebra on September 8: A1 and A2 came due after, but
        # W5 handed A2 in, so only A1 stops counting for W5.
        seat = (
            session.query(SectionEnrollment)
            .filter_by(section_id=algebra, student_id=district.students["W5"])
            .one()
        )
        rosters.drop(
            session, ACTOR, seat.section_enrollment_id, exit_date=dt.date(2025, 9, 8)
        )
    engine.dispose()

    result = build(directory / "incremental.duckdb", url, AS_OF, full=False)

    path = directory / "incremental.duckdb"
    assert result.models["int_coursework_item"].mode == PARTIAL
    titles = ("A1", "A2", "A3", "A4 draft")
    assert assignment_keys(path) == sorted(
        (algebra, assignment_id(url, title)) for title in titles
    )
    connection = duckdb.connect(str(path))
    work = rows(
        connection,
        "select assignment_id from int_coursework_item where student_id = ?",
        district.students["W5"],
    )
    connection.close()
    assert [row["assignment_id"] for row in work] == [assignment_id(url, "A2")]
    rebuilt_equals_full(url, directory, AS_OF)
