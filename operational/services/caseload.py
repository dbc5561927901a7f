"""A counselor's caseload: the students they look after, with how each is doing.

Reads only. Days absent follow the metric definitions: a day counts when it
is an instructional day of the school year, inside an enrollment at the
school that recorded it, not after the as-of date, and its code is an
absence (excused, unexcused, suspension) with no minutes recorded or at
least half the school day missed; a tardy is present. The warehouse applies
the same rule in `fct_student_day`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from operational.models import (
    AttendanceCode,
    CalendarDay,
    CounselorCaseload,
    Course,
    DailyAttendance,
    Enrollment,
    GradingPeriod,
    Mark,
    School,
    Section,
    Student,
)
from operational.settings import get_settings
from operational.vocabulary import ABSENCE_CATEGORIES


@dataclass(frozen=True)
class CaseloadStudent:
    student_id: int
    student_number: str
    name: str
    school: str | None  # where the student is enrolled in the year, if anywhere
    grade_level: int | None


@dataclass(frozen=True)
class CurrentMark:
    section_code: str
    course_title: str
    grading_period: str
    percent: Decimal
    letter: str


def caseload_students(
    session: Session, staff_id: int | None, school_year_id: int
) -> list[CaseloadStudent]:
    """The students on a counselor's caseload for the year, by name."""
    if staff_id is None:
        return []
    students = session.scalars(
        select(Student)
        .join(CounselorCaseload, CounselorCaseload.student_id == Student.student_id)
        .where(
            CounselorCaseload.staff_id == staff_id,
            CounselorCaseload.school_year_id == school_year_id,
        )
        .order_by(Student.last_name, Student.first_name, Student.student_id)
    ).all()
    stays = _latest_enrollments(
        session, [s.student_id for s in students], school_year_id
    )
    return [
        CaseloadStudent(
            student.student_id,
            student.student_number,
            f"{student.last_name}, {student.first_name}",
            *stays.get(student.student_id, (None, None)),
        )
        for student in students
    ]


def _latest_enrollments(
    session: Session, student_ids: list[int], school_year_id: int
) -> dict[int, tuple[str, int]]:
    """Each student's school and grade in the year, from their latest entry."""
    rows = session.execute(
        select(Enrollment.student_id, School.name, Enrollment.grade_level)
        .join(School, School.school_id == Enrollment.school_id)
        .where(
            Enrollment.student_id.in_(student_ids),
            Enrollment.school_year_id == school_year_id,
        )
        .order_by(Enrollment.entry_date)
    )
    return {student_id: (school, grade) for student_id, school, grade in rows}


def days_absent(
    session: Session, student_ids: list[int], school_year_id: int, as_of: dt.date
) -> dict[int, int]:
    """Absent days in the year up to `as_of`, per student (0 when none)."""
    half_day = get_settings().school_day_minutes / 2
    counted = session.execute(
        select(DailyAttendance.student_id, func.count())
        .join(AttendanceCode, AttendanceCode.code == DailyAttendance.code)
        .join(
            CalendarDay,
            (CalendarDay.school_id == DailyAttendance.school_id)
            & (CalendarDay.calendar_date == DailyAttendance.attendance_date),
        )
        .join(
            Enrollment,
            (Enrollment.student_id == DailyAttendance.student_id)
            & (Enrollment.school_id == DailyAttendance.school_id)
            & (Enrollment.entry_date <= DailyAttendance.attendance_date)
            & (
                Enrollment.exit_date.is_(None)
                | (Enrollment.exit_date >= DailyAttendance.attendance_date)
            ),
        )
        .where(
            DailyAttendance.student_id.in_(student_ids),
            DailyAttendance.attendance_date <= as_of,
            CalendarDay.school_year_id == school_year_id,
            CalendarDay.is_instructional.is_(True),
            AttendanceCode.category.in_(ABSENCE_CATEGORIES),
            or_(
                DailyAttendance.minutes_absent.is_(None),
                DailyAttendance.minutes_absent >= half_day,
            ),
        )
        .group_by(DailyAttendance.student_id)
    )
    absent = dict.fromkeys(student_ids, 0)
    absent.update({student_id: n_days for student_id, n_days in counted})
    return absent


def current_marks(
    session: Session, student_ids: list[int], school_year_id: int
) -> dict[int, list[CurrentMark]]:
    """Per student and section of the year, the mark of the latest grading
    period with one posted; sections in code order."""
    rows = session.execute(
        select(Mark, Section.section_code, Course.title, GradingPeriod)
        .join(Section, Section.section_id == Mark.section_id)
        .join(Course, Course.course_id == Section.course_id)
        .join(
            GradingPeriod,
            GradingPeriod.grading_period_id == Mark.grading_period_id,
        )
        .where(
            Mark.student_id.in_(student_ids),
            GradingPeriod.school_year_id == school_year_id,
        )
        .order_by(Section.section_code, GradingPeriod.sequence)
    )
    latest: dict[tuple[int, str], CurrentMark] = {}
    for mark, section_code, course_title, period in rows:
        # Later periods come later in the order, so they replace earlier ones.
        latest[(mark.student_id, section_code)] = CurrentMark(
            section_code, course_title, period.name, mark.percent, mark.letter
        )
    marks: dict[int, list[CurrentMark]] = {student_id: [] for student_id in student_ids}
    for (student_id, _), mark in latest.items():
        marks[student_id].append(mark)
    return marks
