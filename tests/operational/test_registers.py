"""Registers: a day's roster taken in one save, all or none, and corrections.

The school of `tests.support.app_school`: Ada (S1) and Bob (S2) on
MATH-101-01, Carla (S3) on MATH-101-02, all at Lincoln; Dana (S4) at
Roosevelt. Monday September 15 2025 is a school day; Friday September 12 is
a staff development day.
"""

import datetime as dt

import pytest
from sqlalchemy import func, select

from operational.errors import Conflict, InvalidValue, NotInstructionalDay, NotRostered
from operational.models import AttendanceCorrection, DailyAttendance, SectionAttendance
from operational.services import registers
from tests.support.app_school import SCHOOL_DAY
from tests.support.writes import refused

ACTOR = "test:teacher"
STAFF_DAY = dt.date(2025, 9, 12)


@pytest.fixture
def session(app_school_session):
    return app_school_session


@pytest.fixture
def ids(app_ids):
    return app_ids


def take(session, ids, marks, day=SCHOOL_DAY, comments=None):
    return registers.take_section_register(
        session,
        ACTOR,
        section_id=ids["section"],
        day=day,
        marks=marks,
        comments=comments,
    )


def test_a_section_register_lists_the_roster_with_everyone_present(session, ids):
    lines = registers.section_register(session, ids["section"], SCHOOL_DAY)

    assert [(line.name, line.code) for line in lines] == [
        ("Babbage, Bob", None),
        ("Lovelace, Ada", None),
    ]


def test_saving_records_only_the_exceptions(session, ids):
    new = take(
        session,
        ids,
        {ids["S1"]: "UA", ids["S2"]: None},
        comments={ids["S1"]: "  <script>alert(1)</script>  "},
    )

    assert new == 1
    recorded = session.scalars(select(SectionAttendance)).one()
    assert (recorded.student_id, recorded.code) == (ids["S1"], "UA")
    assert recorded.comment == "<script>alert(1)</script>"
    lines = registers.section_register(session, ids["section"], SCHOOL_DAY)
    assert {line.student_id: line.code for line in lines} == {
        ids["S1"]: "UA",
        ids["S2"]: None,
    }


def test_saving_the_same_register_again_changes_nothing(session, ids):
    take(session, ids, {ids["S1"]: "T", ids["S2"]: None})

    assert take(session, ids, {ids["S1"]: "T", ids["S2"]: None}) == 0
    assert session.scalar(select(func.count()).select_from(SectionAttendance)) == 1


def test_one_bad_mark_refuses_the_whole_register(session, ids):
    # Ada's mark is fine; Carla is on the other section's roster.
    marks = {ids["S1"]: "UA", ids["S3"]: "UA"}

    with refused(
        session, NotRostered, "is not on the roster of section", SectionAttendance
    ):
        take(session, ids, marks)


@pytest.mark.parametrize(
    ("marks", "day", "error", "message"),
    [
        ({"S1": "XX"}, SCHOOL_DAY, InvalidValue, "'XX' is not an attendance code"),
        ({"S1": "UA"}, STAFF_DAY, NotInstructionalDay, "not an instructional day"),
    ],
)
def test_refused_registers_write_nothing(session, ids, marks, day, error, message):
    with refused(session, error, message, SectionAttendance):
        take(session, ids, {ids[number]: code for number, code in marks.items()}, day)


def test_changing_a_saved_mark_needs_a_correction(session, ids):
    take(session, ids, {ids["S1"]: "UA"})

    with refused(
        session, Conflict, "Lovelace, Ada is already marked UA", SectionAttendance
    ):
        take(session, ids, {ids["S1"]: "EA"})


def test_a_correction_keeps_the_previous_mark_and_the_reason(session, ids):
    take(session, ids, {ids["S1"]: "UA"})

    corrected = registers.correct_section(
        session,
        ACTOR,
        section_id=ids["section"],
        student_id=ids["S1"],
        attendance_date=SCHOOL_DAY,
        code="EA",
        reason="note from home",
    )

    assert corrected.code == "EA"
    history = session.scalars(select(AttendanceCorrection)).one()
    assert (history.previous_code, history.new_code, history.reason) == (
        "UA",
        "EA",
        "note from home",
    )
    assert history.section_id == ids["section"]


def test_correcting_to_present_removes_the_mark(session, ids):
    take(session, ids, {ids["S1"]: "T"})

    registers.correct_section(
        session,
        ACTOR,
        section_id=ids["section"],
        student_id=ids["S1"],
        attendance_date=SCHOOL_DAY,
        code=None,
        reason="arrived on time; wrong student marked",
    )

    assert session.scalars(select(SectionAttendance)).all() == []


@pytest.mark.parametrize(
    ("student", "code", "reason", "message"),
    [
        ("S1", "EA", "  ", "a correction needs a reason"),
        ("S2", "EA", "late bus", "Babbage, Bob has no mark on 2025-09-15 yet"),
        ("S2", None, "late bus", "Babbage, Bob is already present"),
    ],
)
def test_refused_corrections_change_nothing(
    session, ids, student, code, reason, message
):
    take(session, ids, {ids["S1"]: "UA"})

    with refused(
        session, InvalidValue, message, SectionAttendance, AttendanceCorrection
    ):
        registers.correct_section(
            session,
            ACTOR,
            section_id=ids["section"],
            student_id=ids[student],
            attendance_date=SCHOOL_DAY,
            code=code,
            reason=reason,
        )


def test_a_daily_register_lists_the_school_in_membership(session, ids):
    lines = registers.daily_register(session, ids["lincoln"], SCHOOL_DAY)

    assert [line.name for line in lines] == [
        "Babbage, Bob",
        "Cruz, Carla",
        "Lovelace, Ada",
    ]
    assert registers.grade_choices(session, ids["lincoln"], SCHOOL_DAY) == {
        9: "grade 9"
    }


def test_a_daily_register_records_daily_attendance(session, ids):
    new = registers.take_daily_register(
        session,
        ACTOR,
        school_id=ids["lincoln"],
        day=SCHOOL_DAY,
        marks={ids["S1"]: "EA", ids["S2"]: None, ids["S3"]: "T"},
    )

    assert new == 2
    recorded = session.execute(
        select(DailyAttendance.student_id, DailyAttendance.code)
    ).all()
    assert sorted(recorded) == sorted([(ids["S1"], "EA"), (ids["S3"], "T")])


def test_a_daily_register_refuses_a_student_of_another_school(session, ids):
    with refused(session, InvalidValue, "is not in membership", DailyAttendance):
        registers.take_daily_register(
            session,
            ACTOR,
            school_id=ids["lincoln"],
            day=SCHOOL_DAY,
            marks={ids["S1"]: "EA", ids["S4"]: "UA"},
        )


def test_a_day_still_to_come_is_refused(session, ids):
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    with refused(session, InvalidValue, "is still to come", SectionAttendance):
        take(session, ids, {ids["S1"]: "OSS"}, day=tomorrow)


def test_a_comment_on_a_present_student_is_refused_not_dropped(session, ids):
    with refused(
        session,
        InvalidValue,
        "a comment goes with a mark: Babbage, Bob is marked present",
        SectionAttendance,
    ):
        take(
            session,
            ids,
            {ids["S1"]: "UA", ids["S2"]: None},
            comments={ids["S2"]: "left early?"},
        )
