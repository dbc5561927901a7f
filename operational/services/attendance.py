"""Attendance: daily and section attendance, and corrections with history.

Schools record exceptions only. A record is accepted on an instructional day
of the school, for a student in membership there that day; a correction
keeps what the record was and why it changed.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.audit import audit, snapshot
from operational.errors import (
    Conflict,
    InvalidValue,
    NotEnrolled,
    NotFound,
    NotInstructionalDay,
    NotRostered,
)
from operational.models import (
    AttendanceCode,
    AttendanceCorrection,
    CalendarDay,
    DailyAttendance,
    Enrollment,
    Section,
    SectionAttendance,
)
from operational.services._writes import insert_validated, savepoint
from operational.services.communication import notify_unexcused_absence
from operational.services.enrollment import roster_spans, spans_overlap
from operational.settings import get_settings

Span = tuple[dt.date, dt.date | None]


@dataclass
class AttendanceContext:
    """Codes, instructional days and membership spans, loaded once a batch."""

    codes: dict[str, str]
    instructional: set[tuple[int, dt.date]]
    closed_reasons: dict[tuple[int, dt.date], str | None]
    membership: dict[tuple[int, int], list[Span]] = field(default_factory=dict)


def load_context(
    session: Session, school_ids: Iterable[int], student_ids: Iterable[int]
) -> AttendanceContext:
    school_ids = set(school_ids)
    code_rows = session.execute(select(AttendanceCode.code, AttendanceCode.category))
    codes = {code: category for code, category in code_rows}
    instructional: set[tuple[int, dt.date]] = set()
    closed: dict[tuple[int, dt.date], str | None] = {}
    days = session.execute(
        select(
            CalendarDay.school_id,
            CalendarDay.calendar_date,
            CalendarDay.is_instructional,
            CalendarDay.reason,
        ).where(CalendarDay.school_id.in_(school_ids))
    )
    for school_id, day, is_instructional, reason in days:
        if is_instructional:
            instructional.add((school_id, day))
        else:
            closed[(school_id, day)] = reason

    membership: dict[tuple[int, int], list[Span]] = defaultdict(list)
    wanted = sorted(set(student_ids))
    for start in range(0, len(wanted), 5_000):
        spans = session.execute(
            select(
                Enrollment.student_id,
                Enrollment.school_id,
                Enrollment.entry_date,
                Enrollment.exit_date,
            ).where(Enrollment.student_id.in_(wanted[start : start + 5_000]))
        )
        for student_id, school_id, entry, exit_ in spans:
            membership[(student_id, school_id)].append((entry, exit_))
    return AttendanceContext(codes, instructional, closed, membership)


def validate_code(code: str, minutes_absent: int | None, context: AttendanceContext):
    if code not in context.codes:
        raise InvalidValue(
            f"{code!r} is not an attendance code; use one of: "
            + ", ".join(sorted(context.codes))
        )
    school_day = get_settings().school_day_minutes
    if minutes_absent is not None and not 0 < minutes_absent <= school_day:
        raise InvalidValue(
            f"minutes absent must be between 1 and {school_day} (the school day); "
            "leave it empty for a whole day"
        )


def validate_day(school_id: int, day: dt.date, context: AttendanceContext) -> None:
    if (school_id, day) in context.instructional:
        return
    if (school_id, day) in context.closed_reasons:
        reason = context.closed_reasons[(school_id, day)]
        raise NotInstructionalDay(
            f"{day} is not an instructional day at school {school_id} ({reason}); "
            "attendance is taken only on instructional days"
        )
    raise NotInstructionalDay(
        f"{day} is not on the calendar of school {school_id}; "
        "add the day to the school calendar first"
    )


def validate_daily(row: dict[str, Any], context: AttendanceContext) -> None:
    """Every rule a daily attendance record must meet."""
    validate_code(row["code"], row.get("minutes_absent"), context)
    validate_day(row["school_id"], row["attendance_date"], context)
    day = row["attendance_date"]
    spans = context.membership.get((row["student_id"], row["school_id"]), [])
    if not any(spans_overlap((day, day), span) for span in spans):
        raise NotEnrolled(
            f"student {row['student_id']} is not enrolled at school "
            f"{row['school_id']} on {day}; attendance is recorded only for days "
            "in membership"
        )


def record_daily(
    session: Session,
    actor: str,
    *,
    student_id: int,
    school_id: int,
    attendance_date: dt.date,
    code: str,
    minutes_absent: int | None = None,
    comment: str | None = None,
) -> DailyAttendance:
    """Record a day that was not a plain present (absent, tardy, suspended)."""
    row = {
        "student_id": student_id,
        "school_id": school_id,
        "attendance_date": attendance_date,
        "code": code,
        "minutes_absent": minutes_absent,
        "comment": comment,
    }
    validate_daily(row, load_context(session, [school_id], [student_id]))
    if find_daily(session, student_id, school_id, attendance_date) is not None:
        raise Conflict(
            f"attendance for student {student_id} on {attendance_date} is already "
            "recorded; correct it, with a reason, instead"
        )

    record = DailyAttendance(**row)
    with savepoint(session):
        session.add(record)
        audit(session, actor, "record_attendance", record, before=None)
        notify_unexcused_absence(session, actor, record)
    return record


def find_daily(
    session: Session, student_id: int, school_id: int, day: dt.date
) -> DailyAttendance | None:
    return session.scalars(
        select(DailyAttendance).where(
            DailyAttendance.student_id == student_id,
            DailyAttendance.school_id == school_id,
            DailyAttendance.attendance_date == day,
        )
    ).one_or_none()


def correct_daily(
    session: Session,
    actor: str,
    *,
    student_id: int,
    school_id: int,
    attendance_date: dt.date,
    code: str | None,
    minutes_absent: int | None = None,
    reason: str,
) -> DailyAttendance | None:
    """Change a past day's record; `code=None` makes the day a plain present.

    The previous value and the reason go to `attendance_correction`.
    """
    if not reason or not reason.strip():
        raise InvalidValue("a correction needs a reason, for the record's history")
    context = load_context(session, [school_id], [student_id])
    if code is not None:
        validate_daily(
            {
                "student_id": student_id,
                "school_id": school_id,
                "attendance_date": attendance_date,
                "code": code,
                "minutes_absent": minutes_absent,
            },
            context,
        )
    existing = find_daily(session, student_id, school_id, attendance_date)
    if existing is None and code is None:
        raise InvalidValue(
            f"student {student_id} is already present on {attendance_date}; "
            "there is nothing to correct"
        )

    history = AttendanceCorrection(
        student_id=student_id,
        school_id=school_id,
        attendance_date=attendance_date,
        previous_code=existing.code if existing else None,
        previous_minutes_absent=existing.minutes_absent if existing else None,
        new_code=code,
        new_minutes_absent=minutes_absent if code else None,
        reason=reason.strip(),
        corrected_by=actor,
    )
    with savepoint(session):
        session.add(history)
        if existing is None:
            record = DailyAttendance(
                student_id=student_id,
                school_id=school_id,
                attendance_date=attendance_date,
                code=code,
                minutes_absent=minutes_absent,
            )
            session.add(record)
            audit(session, actor, "correct_attendance", record, before=None)
            notify_unexcused_absence(session, actor, record)
            return record
        before = snapshot(existing)
        if code is None:
            session.delete(existing)
            session.flush()
            audit(session, actor, "correct_attendance_delete", existing, before)
            return None
        existing.code = code
        existing.minutes_absent = minutes_absent
        audit(session, actor, "correct_attendance", existing, before=before)
        notify_unexcused_absence(session, actor, existing, before["code"])
        return existing


@dataclass
class SectionContext:
    """Sections, rosters and the attendance context for section records."""

    sections: dict[int, Section]
    rosters: dict[tuple[int, int], list[Span]]
    days: AttendanceContext


def load_section_context(
    session: Session, rows: list[dict[str, Any]]
) -> SectionContext:
    section_ids = {row["section_id"] for row in rows}
    sections = {
        section.section_id: section
        for section in session.scalars(
            select(Section).where(Section.section_id.in_(section_ids))
        )
    }
    rosters = roster_spans(session, section_ids)
    days = load_context(
        session,
        {section.school_id for section in sections.values()},
        {row["student_id"] for row in rows},
    )
    return SectionContext(sections, rosters, days)


def validate_section(row: dict[str, Any], context: SectionContext) -> None:
    """Every rule a section attendance record must meet."""
    section = context.sections.get(row["section_id"])
    if section is None:
        raise NotFound(f"no section with id {row['section_id']}")
    day = row["attendance_date"]
    validate_code(row["code"], None, context.days)
    validate_day(section.school_id, day, context.days)
    spans = context.rosters.get((row["section_id"], row["student_id"]), [])
    if not any(spans_overlap((day, day), span) for span in spans):
        raise NotRostered(
            f"student {row['student_id']} is not on the roster of section "
            f"{section.section_code} on {day}"
        )


def record_section(
    session: Session,
    actor: str,
    *,
    section_id: int,
    student_id: int,
    attendance_date: dt.date,
    code: str,
    comment: str | None = None,
) -> SectionAttendance:
    """Record a class-period exception for a student on the section roster."""
    row = {
        "section_id": section_id,
        "student_id": student_id,
        "attendance_date": attendance_date,
        "code": code,
        "comment": comment,
    }
    validate_section(row, load_section_context(session, [row]))
    existing = session.scalars(
        select(SectionAttendance).where(
            SectionAttendance.section_id == section_id,
            SectionAttendance.student_id == student_id,
            SectionAttendance.attendance_date == attendance_date,
        )
    ).one_or_none()
    if existing is not None:
        raise Conflict(
            f"section attendance for student {student_id} on {attendance_date} is "
            "already recorded"
        )

    record = SectionAttendance(**row)
    with savepoint(session):
        session.add(record)
        audit(session, actor, "record_section_attendance", record, before=None)
    return record


def bulk_record_daily(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many daily records, with the rules of `record_daily`."""
    rows = list(rows)
    context = load_context(
        session,
        {row["school_id"] for row in rows},
        {row["student_id"] for row in rows},
    )

    for row in rows:
        row.setdefault("minutes_absent", None)
    return insert_validated(
        session,
        DailyAttendance,
        rows,
        lambda row: validate_daily(row, context),
        actor,
    )


def bulk_record_section(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many section records, with `record_section`'s rules."""
    rows = list(rows)
    context = load_section_context(session, rows)

    return insert_validated(
        session,
        SectionAttendance,
        rows,
        lambda row: validate_section(row, context),
        actor,
    )
