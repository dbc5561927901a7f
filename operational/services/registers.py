"""Registers: a roster for one day, taken in one save, as staff take it.

A section register lists the students on a section's roster that day; a
daily register lists the students in membership at a school (optionally one
grade). Everyone is present unless marked otherwise, so saving a register
records only its exceptions, all or none: one refused mark leaves the whole
register unwritten. A mark already recorded changes only as a correction,
with a reason, which keeps what the record was.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.audit import audit, snapshot
from operational.errors import Conflict, InvalidValue, NotFound, NotRostered
from operational.models import (
    AttendanceCode,
    AttendanceCorrection,
    DailyAttendance,
    Enrollment,
    Section,
    SectionAttendance,
    SectionEnrollment,
    Student,
)
from operational.services import attendance
from operational.services._writes import savepoint
from operational.services.enrollment import grade_name


@dataclass(frozen=True)
class RegisterLine:
    student_id: int
    student_number: str
    name: str
    code: str | None  # what is recorded for the day; None is present
    comment: str | None


def attendance_codes(session: Session) -> dict[str, str]:
    """Every code a register may use, with its description."""
    return {
        code: f"{code}: {description}"
        for code, description in session.execute(
            select(AttendanceCode.code, AttendanceCode.description).order_by(
                AttendanceCode.code
            )
        )
    }


def _on(day: dt.date, entry, exit_) -> bool:
    return entry <= day and (exit_ is None or exit_ >= day)


def section_register(
    session: Session, section_id: int, day: dt.date
) -> list[RegisterLine]:
    """The students on the section's roster on `day`, with their marks."""
    if session.get(Section, section_id) is None:
        raise NotFound(f"no section with id {section_id}")
    marks = {
        student_id: (code, comment)
        for student_id, code, comment in session.execute(
            select(
                SectionAttendance.student_id,
                SectionAttendance.code,
                SectionAttendance.comment,
            ).where(
                SectionAttendance.section_id == section_id,
                SectionAttendance.attendance_date == day,
            )
        )
    }
    rows = session.execute(
        select(Student, SectionEnrollment.entry_date, SectionEnrollment.exit_date)
        .join(SectionEnrollment, SectionEnrollment.student_id == Student.student_id)
        .where(SectionEnrollment.section_id == section_id)
        .order_by(Student.last_name, Student.first_name, Student.student_id)
    )
    return _lines(
        [student for student, entry, exit_ in rows if _on(day, entry, exit_)], marks
    )


def daily_register(
    session: Session, school_id: int, day: dt.date, grade_level: int | None = None
) -> list[RegisterLine]:
    """The students in membership at the school on `day`, with their marks."""
    query = (
        select(Student)
        .join(Enrollment, Enrollment.student_id == Student.student_id)
        .where(
            Enrollment.school_id == school_id,
            Enrollment.entry_date <= day,
            (Enrollment.exit_date.is_(None)) | (Enrollment.exit_date >= day),
        )
        .order_by(Student.last_name, Student.first_name, Student.student_id)
        .distinct()
    )
    if grade_level is not None:
        query = query.where(Enrollment.grade_level == grade_level)
    marks = {
        student_id: (code, comment)
        for student_id, code, comment in session.execute(
            select(
                DailyAttendance.student_id,
                DailyAttendance.code,
                DailyAttendance.comment,
            ).where(
                DailyAttendance.school_id == school_id,
                DailyAttendance.attendance_date == day,
            )
        )
    }
    return _lines(list(session.scalars(query)), marks)


def _lines(students: list[Student], marks: Mapping) -> list[RegisterLine]:
    return [
        RegisterLine(
            student.student_id,
            student.student_number,
            f"{student.last_name}, {student.first_name}",
            *marks.get(student.student_id, (None, None)),
        )
        for student in students
    ]


def take_section_register(
    session: Session,
    actor: str,
    *,
    section_id: int,
    day: dt.date,
    marks: Mapping[int, str | None],
    comments: Mapping[int, str] | None = None,
) -> int:
    """Record a section register's exceptions; returns how many were new.

    `marks` maps a student to a code, or to None for present. A student
    already marked keeps the mark when it is unchanged; a different mark
    for them is refused, because it is a correction and needs a reason.
    """
    lines = {
        line.student_id: line for line in section_register(session, section_id, day)
    }

    def record(student_id: int, code: str, comment: str | None) -> None:
        attendance.record_section(
            session,
            actor,
            section_id=section_id,
            student_id=student_id,
            attendance_date=day,
            code=code,
            comment=comment,
        )

    def missing(student_id: int) -> RegisterLine:
        return _line_of(lines, student_id, section_id, day)

    return _take(session, lines, day, marks, comments or {}, missing, record)


def take_daily_register(
    session: Session,
    actor: str,
    *,
    school_id: int,
    day: dt.date,
    marks: Mapping[int, str | None],
    comments: Mapping[int, str] | None = None,
) -> int:
    """Record a daily register's exceptions, with the rules of the section one."""
    lines = {line.student_id: line for line in daily_register(session, school_id, day)}

    def record(student_id: int, code: str, comment: str | None) -> None:
        attendance.record_daily(
            session,
            actor,
            student_id=student_id,
            school_id=school_id,
            attendance_date=day,
            code=code,
            comment=comment,
        )

    def missing(student_id: int) -> RegisterLine:
        raise InvalidValue(
            f"student {student_id} is not in membership at school {school_id} on {day}"
        )

    return _take(session, lines, day, marks, comments or {}, missing, record)


def _take(
    session: Session,
    lines: Mapping[int, RegisterLine],
    day: dt.date,
    marks: Mapping[int, str | None],
    comments: Mapping[int, str],
    missing: Callable[[int], RegisterLine],
    record: Callable[[int, str, str | None], None],
) -> int:
    """The one loop of both registers: every mark checked against what is
    recorded, the new ones written, all in one savepoint."""
    _check_register(lines, day, marks, comments)
    recorded = 0
    with savepoint(session):
        for student_id, code in marks.items():
            line = lines.get(student_id) or missing(student_id)
            if line.code == code:
                continue
            if line.code is not None:
                raise Conflict(
                    f"{line.name} is already marked {line.code} on {day}; "
                    "correct the mark, with a reason, instead"
                )
            record(student_id, code, (comments.get(student_id) or "").strip() or None)
            recorded += 1
    return recorded


def _check_register(
    lines: Mapping[int, RegisterLine],
    day: dt.date,
    marks: Mapping[int, str | None],
    comments: Mapping[int, str],
) -> None:
    """What a whole register must meet before any mark is written."""
    if day > dt.date.today():
        raise InvalidValue(
            f"{day} is still to come; attendance is taken on the day or after it"
        )
    for student_id, comment in comments.items():
        if (comment or "").strip() and marks.get(student_id) is None:
            line = lines.get(student_id)
            name = line.name if line else f"student {student_id}"
            raise InvalidValue(
                f"a comment goes with a mark: {name} is marked present; choose "
                "a status or clear the comment"
            )


def _line_of(
    lines: Mapping[int, RegisterLine], student_id: int, section_id: int, day
) -> RegisterLine:
    line = lines.get(student_id)
    if line is None:
        raise NotRostered(
            f"student {student_id} is not on the roster of section {section_id} "
            f"on {day}"
        )
    return line


def correct_section(
    session: Session,
    actor: str,
    *,
    section_id: int,
    student_id: int,
    attendance_date: dt.date,
    code: str | None,
    reason: str,
) -> SectionAttendance | None:
    """Change a recorded section mark; `code=None` makes the student present.

    The previous mark and the reason go to `attendance_correction`.
    """
    if not reason or not reason.strip():
        raise InvalidValue("a correction needs a reason, for the record's history")
    section = session.get(Section, section_id)
    if section is None:
        raise NotFound(f"no section with id {section_id}")
    line = _line_of(
        {
            line.student_id: line
            for line in section_register(session, section_id, attendance_date)
        },
        student_id,
        section_id,
        attendance_date,
    )
    if line.code is None and code is None:
        raise InvalidValue(
            f"{line.name} is already present on {attendance_date}; "
            "there is nothing to correct"
        )
    if line.code is None:
        raise InvalidValue(
            f"{line.name} has no mark on {attendance_date} yet; take the "
            "register instead"
        )
    if code is not None:
        attendance.validate_code(
            code, None, attendance.load_context(session, [section.school_id], [])
        )

    existing = session.scalars(
        select(SectionAttendance).where(
            SectionAttendance.section_id == section_id,
            SectionAttendance.student_id == student_id,
            SectionAttendance.attendance_date == attendance_date,
        )
    ).one()
    before = snapshot(existing)
    with savepoint(session):
        session.add(
            AttendanceCorrection(
                student_id=student_id,
                school_id=section.school_id,
                section_id=section_id,
                attendance_date=attendance_date,
                previous_code=existing.code,
                new_code=code,
                reason=reason.strip(),
                corrected_by=actor,
            )
        )
        if code is None:
            session.delete(existing)
            session.flush()
            audit(session, actor, "correct_section_attendance_delete", existing, before)
            return None
        existing.code = code
        audit(session, actor, "correct_section_attendance", existing, before)
        return existing


def grade_choices(session: Session, school_id: int, day: dt.date) -> dict[int, str]:
    """The grades with students in membership at the school on `day`."""
    grades = session.scalars(
        select(Enrollment.grade_level)
        .where(
            Enrollment.school_id == school_id,
            Enrollment.entry_date <= day,
            (Enrollment.exit_date.is_(None)) | (Enrollment.exit_date >= day),
        )
        .distinct()
        .order_by(Enrollment.grade_level)
    )
    return {grade: grade_name(grade) for grade in grades}
