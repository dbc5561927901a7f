"""The attendance metrics against values counted by hand (see the docstring
of tests/support/attendance_school.py for the counts)."""

import datetime as dt

import duckdb
import pytest

from operational import migrate
from operational.db import make_engine
from operational.settings import Settings
from tests.support.attendance_school import build_attendance_school
from warehouse.refresh import refresh

SEPTEMBER_30 = dt.date(2025, 9, 30)
SEPTEMBER_5 = dt.date(2025, 9, 5)


@pytest.fixture(scope="module")
def operational_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('op') / 'quad.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    built = build_attendance_school(engine)
    engine.dispose()
    return url, built


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory, operational_url):
    """One warehouse per as-of date, built once for the module."""
    url, built = operational_url
    connections = {}
    for as_of in (SEPTEMBER_5, SEPTEMBER_30):
        path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
        connection = duckdb.connect(str(path))
        refresh(connection, url, Settings(database_url=url), as_of)
        connections[as_of] = connection
    yield {as_of: (c, built) for as_of, c in connections.items()}
    for connection in connections.values():
        connection.close()


def student_rows(connection, built):
    rows = connection.execute(
        "select student_id, days_enrolled, days_absent, attendance_rate, "
        "is_counted_for_chronic_absence, is_chronically_absent, is_at_risk "
        "from mart_student_attendance where school_id = ?",
        [built.school.school.school_id],
    ).fetchall()
    by_name = {v: k for k, v in built.student_ids.items()}
    return {by_name[row[0]]: row[1:] for row in rows}


def test_student_attendance_as_counted_by_hand(warehouses):
    connection, built = warehouses[SEPTEMBER_30]
    students = student_rows(connection, built)

    assert students["A"] == (20, 2, pytest.approx(0.90), True, True, False)
    assert students["B"] == (9, 1, pytest.approx(8 / 9), False, False, False)
    assert students["C"] == (20, 1, pytest.approx(0.95), True, False, True)
    assert students["D"] == (18, 0, pytest.approx(1.0), True, False, False)


def test_half_day_under_the_threshold_is_present(warehouses):
    connection, built = warehouses[SEPTEMBER_30]
    days = dict(
        connection.execute(
            "select calendar_date, is_absent from fct_student_day "
            "where student_id = ? and calendar_date between ? and ?",
            [built.student_ids["C"], dt.date(2025, 9, 4), dt.date(2025, 9, 8)],
        ).fetchall()
    )
    # 120 minutes < 180 present; 200 >= 180 absent; tardy present.
    assert days == {
        dt.date(2025, 9, 4): False,
        dt.date(2025, 9, 5): True,
        dt.date(2025, 9, 8): False,
    }


def test_school_ada_and_adm_over_the_month(warehouses):
    connection, built = warehouses[SEPTEMBER_30]
    school = connection.execute(
        "select days_in_session, ada, adm, attendance_rate, n_students, "
        "n_chronically_absent from mart_school_attendance where school_id = ?",
        [built.school.school.school_id],
    ).fetchone()
    # Membership 20 + 9 + 20 + 18 = 67 days, absent 2 + 1 + 1 = 4, attended 63.
    assert school == (
        20,
        pytest.approx(63 / 20),
        pytest.approx(67 / 20),
        pytest.approx(63 / 67),
        4,
        1,
    )


def test_three_student_school_over_five_days(warehouses):
    connection, built = warehouses[SEPTEMBER_5]
    school = connection.execute(
        "select days_in_session, ada, adm, n_students from mart_school_attendance "
        "where school_id = ?",
        [built.school.school.school_id],
    ).fetchone()
    # As of Friday 5 Sep: A 5 days (2 absent), C 5 days (1 absent), D 3 days;
    # B enters on the 17th. Attended 3 + 4 + 3 = 10, membership 13, 5 days.
    assert school == (5, pytest.approx(10 / 5), pytest.approx(13 / 5), 3)


def test_monthly_mart_matches_the_year_in_a_one_month_year(warehouses):
    connection, built = warehouses[SEPTEMBER_30]
    monthly = connection.execute(
        "select month, days_in_session, ada, adm from "
        "mart_school_attendance_monthly where school_id = ?",
        [built.school.school.school_id],
    ).fetchall()
    assert monthly == [
        (dt.date(2025, 9, 1), 20, pytest.approx(63 / 20), pytest.approx(67 / 20))
    ]


def test_no_membership_after_the_as_of_date(warehouses):
    connection, _ = warehouses[SEPTEMBER_5]
    latest = connection.execute("select max(calendar_date) from fct_student_day")
    assert latest.fetchone()[0] == SEPTEMBER_5
