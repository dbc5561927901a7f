"""Section rosters: place students in sections and take them out.

A seat is taken from a student's entry date until the exit date. Placing a
student locks the section row first, so on PostgreSQL concurrent requests for
the last seat queue up behind each other and exactly one gets it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.audit import audit, snapshot
from operational.errors import (
    AlreadyRostered,
    InvalidValue,
    NotEnrolled,
    NotFound,
    SectionFull,
)
from operational.models import Enrollment, Section, SectionEnrollment
from operational.services._writes import insert_validated, savepoint
from operational.services.enrollment import spans_overlap
from operational.services.records import get

Span = tuple[dt.date, dt.date | None]


@dataclass
class RosterContext:
    sections: dict[int, Section]
    seats: dict[int, list[tuple[int, Span]]]  # section -> (student, span)
    membership: dict[tuple[int, int, int], list[Span]]  # student, school, year


def load_context(
    session: Session, section_ids: Iterable[int], student_ids: Iterable[int]
) -> RosterContext:
    section_ids = set(section_ids)
    sections = {
        section.section_id: section
        for section in session.scalars(
            select(Section).where(Section.section_id.in_(section_ids))
        )
    }
    seats: dict[int, list[tuple[int, Span]]] = defaultdict(list)
    for section_id, student_id, entry, exit_ in session.execute(
        select(
            SectionEnrollment.section_id,
            SectionEnrollment.student_id,
            SectionEnrollment.entry_date,
            SectionEnrollment.exit_date,
        ).where(SectionEnrollment.section_id.in_(section_ids))
    ):
        seats[section_id].append((student_id, (entry, exit_)))

    membership: dict[tuple[int, int, int], list[Span]] = defaultdict(list)
    wanted = sorted(set(student_ids))
    for start in range(0, len(wanted), 5_000):
        for student_id, school_id, year_id, entry, exit_ in session.execute(
            select(
                Enrollment.student_id,
                Enrollment.school_id,
                Enrollment.school_year_id,
                Enrollment.entry_date,
                Enrollment.exit_date,
            ).where(Enrollment.student_id.in_(wanted[start : start + 5_000]))
        ):
            membership[(student_id, school_id, year_id)].append((entry, exit_))
    return RosterContext(sections, seats, membership)


def validate_placement(row: dict[str, Any], context: RosterContext) -> None:
    """Every rule a roster place must meet: enrolled, not twice, a free seat."""
    section = context.sections.get(row["section_id"])
    if section is None:
        raise NotFound(f"no section with id {row['section_id']}")
    student_id, entry = row["student_id"], row["entry_date"]
    span = (entry, row.get("exit_date"))
    if span[1] is not None and span[1] < entry:
        raise InvalidValue(f"the exit date {span[1]} is before the entry date {entry}")

    membership = context.membership.get(
        (student_id, section.school_id, section.school_year_id), []
    )
    if not any(spans_overlap((entry, entry), enrolled) for enrolled in membership):
        raise NotEnrolled(
            f"student {student_id} is not enrolled on {entry} at the school of "
            f"section {section.section_code}; enroll the student first"
        )

    taken = context.seats[section.section_id]
    if any(other == student_id and spans_overlap(span, s) for other, s in taken):
        raise AlreadyRostered(
            f"student {student_id} is already on the roster of section "
            f"{section.section_code}"
        )
    if seats_held(span, [s for _, s in taken]) >= section.capacity:
        raise SectionFull(
            f"section {section.section_code} is full ({section.capacity} seats); "
            "choose another section or raise its capacity"
        )


def seats_held(span: Span, seats: list[Span]) -> int:
    """The most seats held on any one day of `span`. Seats held at different
    times share a place, so a plain count of overlapping seats is too high;
    the count only rises on an entry date, so those are the days to check."""
    overlapping = [seat for seat in seats if spans_overlap(span, seat)]
    days = {span[0]} | {entry for entry, _ in overlapping if entry > span[0]}
    return max(
        sum(spans_overlap((day, day), seat) for seat in overlapping) for day in days
    )


def place(
    session: Session,
    actor: str,
    *,
    section_id: int,
    student_id: int,
    entry_date: dt.date,
) -> SectionEnrollment:
    """Put a student on a section roster from `entry_date`."""
    with savepoint(session):
        # The row lock makes concurrent placements in one section take turns.
        locked = session.scalars(
            select(Section).where(Section.section_id == section_id).with_for_update()
        ).one_or_none()
        if locked is None:
            raise NotFound(f"no section with id {section_id}")
        row = {"section_id": section_id, "student_id": student_id}
        row["entry_date"] = entry_date
        validate_placement(row, load_context(session, [section_id], [student_id]))

        seat = SectionEnrollment(**row)
        session.add(seat)
        audit(session, actor, "place_in_section", seat, before=None)
    return seat


def drop(
    session: Session, actor: str, section_enrollment_id: int, *, exit_date: dt.date
) -> SectionEnrollment:
    """Take a student off a roster; `exit_date` is the last day in the class."""
    seat = get(session, SectionEnrollment, section_enrollment_id)
    if seat.exit_date is not None:
        raise InvalidValue(f"the student already left this section on {seat.exit_date}")
    if exit_date < seat.entry_date:
        raise InvalidValue(
            f"the exit date {exit_date} is before the entry date {seat.entry_date}"
        )
    before = snapshot(seat)
    with savepoint(session):
        seat.exit_date = exit_date
        audit(session, actor, "drop_from_section", seat, before=before)
    return seat


def bulk_place(session: Session, rows: Iterable[dict[str, Any]], actor: str) -> int:
    """Validate and insert many roster places, with the rules of `place`."""
    rows = list(rows)
    context = load_context(
        session,
        {row["section_id"] for row in rows},
        {row["student_id"] for row in rows},
    )

    def validate(row: dict[str, Any]) -> None:
        row.setdefault("exit_date", None)
        validate_placement(row, context)
        # The seat counts against the rest of the batch.
        context.seats[row["section_id"]].append(
            (row["student_id"], (row["entry_date"], row["exit_date"]))
        )

    return insert_validated(
        session, SectionEnrollment, rows, validate, actor, "bulk_place"
    )
