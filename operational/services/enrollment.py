"""Enrollment: enroll, transfer and withdraw students.

A student has at most one enrollment on any date: spans from entry date to
exit date (both inclusive, the exit empty while enrolled) never overlap.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational import vocabulary as v
from operational.audit import audit, snapshot
from operational.errors import (
    InvalidValue,
    NotEnrolled,
    NotFound,
    OverlappingEnrollment,
)
from operational.models import (
    Enrollment,
    School,
    SchoolYear,
    SectionEnrollment,
    Student,
)
from operational.services._writes import insert_validated, savepoint
from operational.services.records import get, lookup

Span = tuple[dt.date, dt.date | None]


@dataclass(frozen=True)
class EnrollmentContext:
    """What validating an enrollment needs to know, loaded once per batch."""

    schools: dict[int, School]
    years: dict[int, SchoolYear]
    student_ids: set[int]
    spans: dict[int, list[tuple[int, Span]]]  # student -> (enrollment, span)


def grade_name(grade_level: int) -> str:
    return {-1: "pre-kindergarten", 0: "kindergarten"}.get(
        grade_level, f"grade {grade_level}"
    )


def spans_overlap(first: Span, second: Span) -> bool:
    far_future = dt.date.max
    return first[0] <= (second[1] or far_future) and second[0] <= (
        first[1] or far_future
    )


def validate_enrollment(
    row: dict[str, Any], context: EnrollmentContext, enrollment_id: int | None
) -> None:
    """Every rule an enrollment must meet; raises the first one broken."""
    school = lookup(context.schools, row["school_id"], School)
    year = lookup(context.years, row["school_year_id"], SchoolYear)
    if row["student_id"] not in context.student_ids:
        raise NotFound(f"no student with id {row['student_id']}")

    grade = row["grade_level"]
    if not school.low_grade <= grade <= school.high_grade:
        raise InvalidValue(
            f"{school.name} teaches {grade_name(school.low_grade)} to "
            f"{grade_name(school.high_grade)}, not {grade_name(grade)}"
        )
    if row.get("entry_code", "new") not in v.ENTRY_CODES:
        raise InvalidValue(
            f"{row['entry_code']!r} is not an entry code; use one of: "
            + ", ".join(v.ENTRY_CODES)
        )

    entry, exit_ = row["entry_date"], row.get("exit_date")
    if not year.start_date <= entry <= year.end_date:
        raise InvalidValue(
            f"the entry date {entry} is outside the {year.name} school year "
            f"({year.start_date} to {year.end_date})"
        )
    validate_exit(entry, exit_, row.get("exit_code"), year)

    for other_id, span in context.spans.get(row["student_id"], []):
        if other_id != enrollment_id and spans_overlap((entry, exit_), span):
            raise OverlappingEnrollment(
                f"the student is already enrolled from {span[0]} to "
                f"{span[1] or 'now'} (enrollment {other_id}); withdraw or "
                "transfer that enrollment first"
            )


def validate_exit(
    entry: dt.date, exit_: dt.date | None, exit_code: str | None, year: SchoolYear
) -> None:
    if (exit_ is None) != (exit_code is None):
        raise InvalidValue("an exit needs both an exit date and an exit code")
    if exit_ is None:
        return
    if exit_code not in v.EXIT_CODES:
        raise InvalidValue(
            f"{exit_code!r} is not an exit code; use one of: " + ", ".join(v.EXIT_CODES)
        )
    if exit_ < entry:
        raise InvalidValue(f"the exit date {exit_} is before the entry date {entry}")
    if exit_ > year.end_date:
        raise InvalidValue(
            f"the exit date {exit_} is after the end of the {year.name} "
            f"school year ({year.end_date})"
        )


def roster_spans(
    session: Session, section_ids: Iterable[int]
) -> dict[tuple[int, int], list[Span]]:
    """(section, student) -> the spans the student was on that roster."""
    spans: dict[tuple[int, int], list[Span]] = defaultdict(list)
    for section_id, student_id, entry, exit_ in session.execute(
        select(
            SectionEnrollment.section_id,
            SectionEnrollment.student_id,
            SectionEnrollment.entry_date,
            SectionEnrollment.exit_date,
        ).where(SectionEnrollment.section_id.in_(set(section_ids)))
    ):
        spans[(section_id, student_id)].append((entry, exit_))
    return spans


def load_context(session: Session, student_ids: Iterable[int]) -> EnrollmentContext:
    wanted = set(student_ids)
    spans: dict[int, list[tuple[int, Span]]] = defaultdict(list)
    found: set[int] = set()
    for chunk in _chunks(sorted(wanted), 5_000):
        found.update(
            session.scalars(
                select(Student.student_id).where(Student.student_id.in_(chunk))
            )
        )
        rows = session.execute(
            select(
                Enrollment.enrollment_id,
                Enrollment.student_id,
                Enrollment.entry_date,
                Enrollment.exit_date,
            ).where(Enrollment.student_id.in_(chunk))
        )
        for enrollment_id, student_id, entry, exit_ in rows:
            spans[student_id].append((enrollment_id, (entry, exit_)))
    return EnrollmentContext(
        schools={s.school_id: s for s in session.scalars(select(School))},
        years={y.school_year_id: y for y in session.scalars(select(SchoolYear))},
        student_ids=found,
        spans=spans,
    )


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def enroll(
    session: Session,
    actor: str,
    *,
    student_id: int,
    school_id: int,
    school_year_id: int,
    grade_level: int,
    entry_date: dt.date,
    entry_code: str = "new",
) -> Enrollment:
    """Enroll a student in a school from `entry_date`."""
    row = {
        "student_id": student_id,
        "school_id": school_id,
        "school_year_id": school_year_id,
        "grade_level": grade_level,
        "entry_date": entry_date,
        "entry_code": entry_code,
    }
    validate_enrollment(row, load_context(session, [student_id]), None)
    enrollment = Enrollment(**row)
    with savepoint(session):
        session.add(enrollment)
        audit(session, actor, "enroll", enrollment, before=None)
    return enrollment


def withdraw(
    session: Session,
    actor: str,
    enrollment_id: int,
    *,
    exit_date: dt.date,
    exit_code: str,
) -> Enrollment:
    """End an enrollment: `exit_date` is the student's last day in membership."""
    enrollment = get(session, Enrollment, enrollment_id)
    if enrollment.exit_date is not None:
        raise InvalidValue(
            f"enrollment {enrollment_id} already ended on {enrollment.exit_date} "
            f"({enrollment.exit_code})"
        )
    year = get(session, SchoolYear, enrollment.school_year_id)
    validate_exit(enrollment.entry_date, exit_date, exit_code, year)

    before = snapshot(enrollment)
    with savepoint(session):
        enrollment.exit_date = exit_date
        enrollment.exit_code = exit_code
        audit(session, actor, "withdraw", enrollment, before=before)
    return enrollment


def transfer(
    session: Session,
    actor: str,
    enrollment_id: int,
    *,
    to_school_id: int,
    first_day: dt.date,
    grade_level: int | None = None,
) -> Enrollment:
    """Move a student to another school of the district from `first_day`.

    The old enrollment ends the day before with the code transfer_in_district;
    both writes happen or neither does.
    """
    current = get(session, Enrollment, enrollment_id)
    if current.exit_date is not None:
        raise NotEnrolled(
            f"enrollment {enrollment_id} ended on {current.exit_date}; "
            "enroll the student instead of transferring"
        )
    if current.school_id == to_school_id:
        raise InvalidValue("the student is already enrolled in that school")
    last_day = first_day - dt.timedelta(days=1)
    if last_day < current.entry_date:
        raise InvalidValue(
            f"a transfer starting {first_day} would end the current enrollment "
            f"before its entry date {current.entry_date}"
        )

    with savepoint(session):
        withdraw(
            session,
            actor,
            enrollment_id,
            exit_date=last_day,
            exit_code="transfer_in_district",
        )
        return enroll(
            session,
            actor,
            student_id=current.student_id,
            school_id=to_school_id,
            school_year_id=current.school_year_id,
            grade_level=grade_level if grade_level is not None else current.grade_level,
            entry_date=first_day,
            entry_code="transfer_in_district",
        )


def enrollment_on(
    session: Session, student_id: int, school_id: int, day: dt.date
) -> Enrollment:
    """The enrollment that puts a student in membership at a school on a day."""
    enrollment = session.scalars(
        select(Enrollment).where(
            Enrollment.student_id == student_id,
            Enrollment.school_id == school_id,
            Enrollment.entry_date <= day,
            (Enrollment.exit_date.is_(None)) | (Enrollment.exit_date >= day),
        )
    ).first()
    if enrollment is None:
        raise NotEnrolled(
            f"student {student_id} is not enrolled at school {school_id} on {day}; "
            "check the date or enroll the student first"
        )
    return enrollment


def bulk_enroll(session: Session, rows: Iterable[dict[str, Any]], actor: str) -> int:
    """Validate and insert many enrollments, with the rules of `enroll`."""
    rows = list(rows)
    context = load_context(session, {row["student_id"] for row in rows})

    def validate(row: dict[str, Any]) -> None:
        row.setdefault("entry_code", "new")
        row.setdefault("exit_date", None)
        row.setdefault("exit_code", None)
        key = row.get("enrollment_id")
        validate_enrollment(row, context, key)
        # Later rows of the batch must not overlap this one either.
        span = (row["entry_date"], row["exit_date"])
        context.spans[row["student_id"]].append((key if key is not None else -1, span))

    return insert_validated(session, Enrollment, rows, validate, actor, "bulk_enroll")
