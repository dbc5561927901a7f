"""The caseload reads: a counselor's students, their days absent and marks.

On top of the test school: counselor Carl Rogers looks after Ada (S1) and
Bob (S2, from September 8), both on MATH-101-01; Cleo (S3) is at Lincoln
too but on nobody's caseload. The school day is 360 minutes, so half a day
is 180.
"""

import datetime as dt
from decimal import Decimal

import pytest

from operational.models import Mark, Staff
from operational.services import (
    accounts,
    attendance,
    caseload,
    grading,
    records,
    rosters,
)
from tests.support.school import ACTOR, FIRST_DAY

AS_OF = dt.date(2025, 9, 19)
BOB_ENTRY = dt.date(2025, 9, 8)


@pytest.fixture
def counselor(school_session, school):
    return records.create(
        school_session,
        Staff,
        ACTOR,
        staff_number="C1",
        first_name="Carl",
        last_name="Rogers",
    )


@pytest.fixture
def students(school_session, school, counselor):
    ada = school.enrolled(school_session, "S1")
    bob = school.enrolled(school_session, "S2", entry_date=BOB_ENTRY)
    cleo = school.enrolled(school_session, "S3")
    for student, entry_date in ((ada, FIRST_DAY), (bob, BOB_ENTRY)):
        rosters.place(
            school_session,
            ACTOR,
            section_id=school.section.section_id,
            student_id=student.student_id,
            entry_date=entry_date,
        )
    accounts.assign_caseload(
        school_session,
        ACTOR,
        staff_id=counselor.staff_id,
        student_ids=[ada.student_id, bob.student_id],
        school_year_id=school.year.school_year_id,
    )
    return ada, bob, cleo


def absent(session, school, student, day, code, minutes=None):
    attendance.record_daily(
        session,
        ACTOR,
        student_id=student.student_id,
        school_id=school.school.school_id,
        attendance_date=day,
        code=code,
        minutes_absent=minutes,
    )


def test_the_caseload_lists_the_counselors_students_by_name(
    school_session, school, counselor, students
):
    ada, bob, _ = students

    listed = caseload.caseload_students(
        school_session, counselor.staff_id, school.year.school_year_id
    )

    # The test school names its students Ada StudentS1, Ada StudentS2...
    assert [(s.student_id, s.name, s.school, s.grade_level) for s in listed] == [
        (ada.student_id, "StudentS1, Ada", "Lincoln High", 9),
        (bob.student_id, "StudentS2, Ada", "Lincoln High", 9),
    ]
    assert caseload.caseload_students(school_session, None, 1) == []


def test_days_absent_follow_the_metric_definition(school_session, school, students):
    ada, bob, cleo = students
    absent(school_session, school, ada, dt.date(2025, 9, 3), "UA")
    absent(school_session, school, ada, dt.date(2025, 9, 4), "T")
    absent(school_session, school, ada, dt.date(2025, 9, 5), "EA", minutes=180)
    absent(school_session, school, ada, dt.date(2025, 9, 8), "EA", minutes=179)
    absent(school_session, school, ada, dt.date(2025, 9, 9), "OSS")
    absent(school_session, school, ada, dt.date(2025, 9, 22), "UA")
    absent(school_session, school, cleo, dt.date(2025, 9, 3), "UA")
    year_id = school.year.school_year_id

    counted = caseload.days_absent(
        school_session, [ada.student_id, bob.student_id], year_id, AS_OF
    )

    # Sep 3 (UA), 5 (180 of 360 minutes) and 9 (OSS); the tardy, the 179
    # minutes and Sep 22 (after the as-of date) are not absent days.
    assert counted == {ada.student_id: 3, bob.student_id: 0}
    later = caseload.days_absent(
        school_session, [ada.student_id], year_id, dt.date(2025, 9, 26)
    )
    assert later == {ada.student_id: 4}


def test_current_marks_are_each_sections_latest_period(
    school_session, school, students
):
    ada, bob, cleo = students
    section_id = school.section.section_id

    def earlier_mark(student, percent, letter):
        # P1 is closed in the test school, so its marks are written as records.
        records.create(
            school_session,
            Mark,
            ACTOR,
            student_id=student.student_id,
            section_id=section_id,
            grading_period_id=school.closed_period.grading_period_id,
            percent=Decimal(percent),
            letter=letter,
            posted_by=ACTOR,
        )

    earlier_mark(ada, "91", "A")
    earlier_mark(bob, "85", "B")
    grading.post_mark(
        school_session,
        ACTOR,
        student_id=ada.student_id,
        section_id=section_id,
        grading_period_id=school.open_period.grading_period_id,
        percent=78,
    )

    marks = caseload.current_marks(
        school_session,
        [ada.student_id, bob.student_id, cleo.student_id],
        school.year.school_year_id,
    )

    assert marks == {
        ada.student_id: [
            caseload.CurrentMark("MATH-101-01", "Algebra I", "P2", Decimal("78"), "C")
        ],
        bob.student_id: [
            caseload.CurrentMark("MATH-101-01", "Algebra I", "P1", Decimal("85"), "B")
        ],
        cleo.student_id: [],
    }
