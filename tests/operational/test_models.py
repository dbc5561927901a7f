"""The schema's own rules: check constraints hold without the services.

Rows go in through plain inserts, the way a careless script or importer
would write them; the database itself must refuse the broken ones.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from operational.models import (
    AttendanceCode,
    CalendarDay,
    DailyAttendance,
    Enrollment,
    FinalGrade,
    GradeScaleBand,
    Mark,
    SchoolYear,
    Section,
    Student,
)

SEP_1 = dt.date(2025, 9, 1)


def valid_row(model, school, student) -> dict:
    """A row of `model` that breaks no rule, to break one value at a time."""
    return {
        Enrollment: {
            "student_id": student.student_id,
            "school_id": school.school.school_id,
            "school_year_id": school.year.school_year_id,
            "grade_level": 9,
            "entry_date": SEP_1,
            "entry_code": "new",
        },
        AttendanceCode: {
            "code": "FT",
            "category": "excused_absence",
            "description": "Field trip",
        },
        DailyAttendance: {
            "student_id": student.student_id,
            "school_id": school.school.school_id,
            "attendance_date": SEP_1,
            "code": "T",
            "minutes_absent": 15,
        },
        Mark: {
            "student_id": student.student_id,
            "section_id": school.section.section_id,
            "grading_period_id": school.open_period.grading_period_id,
            "percent": Decimal("85"),
            "letter": "B",
            "posted_by": "script",
        },
        FinalGrade: {
            "student_id": student.student_id,
            "section_id": school.section.section_id,
            "percent": Decimal("85"),
            "letter": "B",
            "grade_points": Decimal("3"),
            "credits_attempted": Decimal("1"),
            "credits_earned": Decimal("1"),
            "posted_by": "script",
        },
        Student: {
            "student_number": "S-99",
            "first_name": "Emmy",
            "last_name": "Noether",
            "birth_date": dt.date(2010, 3, 23),
            "sex": "F",
            "race_ethnicity": "white",
        },
        Section: {
            "course_id": school.course.course_id,
            "school_id": school.school.school_id,
            "school_year_id": school.year.school_year_id,
            "section_code": "MATH-101-02",
            "capacity": 30,
        },
        SchoolYear: {
            "name": "2026-2027",
            "start_date": dt.date(2026, 8, 24),
            "end_date": dt.date(2027, 6, 11),
        },
        GradeScaleBand: {
            "grade_scale_id": school.school.grade_scale_id,
            "letter": "A+",
            "min_percent": Decimal("97"),
            "grade_points": Decimal("4"),
            "is_passing": True,
        },
        CalendarDay: {
            "school_id": school.school.school_id,
            "calendar_date": dt.date(2025, 10, 4),
            "school_year_id": school.year.school_year_id,
            "is_instructional": False,
            "reason": "weekend",
        },
    }[model]


BROKEN = [
    (Enrollment, {"exit_date": dt.date(2025, 8, 31), "exit_code": "other"},
     "exit_after_entry"),
    (Enrollment, {"exit_date": dt.date(2025, 9, 5)}, "exit_date_and_code"),
    (Enrollment, {"exit_code": "dropped_out"}, "exit_date_and_code"),
    (Enrollment, {"exit_date": SEP_1, "exit_code": "vanished"}, "exit_code"),
    (Enrollment, {"grade_level": 13}, "grade_level"),
    (Enrollment, {"entry_code": "walk_in"}, "entry_code"),
    (AttendanceCode, {"category": "lunch"}, "category"),
    (DailyAttendance, {"minutes_absent": -1}, "minutes"),
    (Mark, {"percent": Decimal("100.01")}, "percent"),
    (FinalGrade, {"credits_earned": Decimal("1.5")}, "credits"),
    (FinalGrade, {"credits_earned": Decimal("-1")}, "credits"),
    (Student, {"sex": "Q"}, "sex"),
    (Student, {"race_ethnicity": "martian"}, "race"),
    (Section, {"capacity": 0}, "capacity_positive"),
    (SchoolYear, {"end_date": dt.date(2026, 8, 24)}, "dates"),
    (GradeScaleBand, {"min_percent": Decimal("101")}, "min_percent"),
    (CalendarDay, {"reason": None}, "reason_when_closed"),
]  # fmt: skip


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


MODELS = list(dict.fromkeys(model for model, _, _ in BROKEN))


@pytest.mark.parametrize("model", MODELS, ids=[m.__tablename__ for m in MODELS])
def test_the_valid_rows_are_accepted(school_session, school, model):
    """The control: each broken row below differs from one of these by one
    value, so its refusal comes from the constraint named."""
    student = school.student(school_session, "1001")
    before = count(school_session, model)
    school_session.execute(insert(model).values(valid_row(model, school, student)))
    assert count(school_session, model) == before + 1


@pytest.mark.parametrize(
    ("model", "broken", "constraint"),
    BROKEN,
    ids=[f"{m.__tablename__}-{name}" for m, _, name in BROKEN],
)
def test_a_broken_row_is_refused_by_the_database(
    school_session, school, model, broken, constraint
):
    student = school.student(school_session, "1001")
    row = valid_row(model, school, student) | broken
    before = count(school_session, model)

    with pytest.raises(IntegrityError) as caught, school_session.begin_nested():
        school_session.execute(insert(model).values(row))

    assert f"ck_{model.__tablename__}_{constraint}" in str(caught.value.orig)
    assert count(school_session, model) == before
