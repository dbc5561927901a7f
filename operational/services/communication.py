"""Communication: announcements to families, queued as messages in the outbox.

Publishing an announcement expands its audience on its date (the students in
membership at the school or in one of its grades, on a section roster, or one
student) to their guardians, and queues one message per guardian with an
email address; a guardian of two students in the audience gets one message,
and guardians without an address are counted as unreachable. Every guardian
linked to a student is told, custodial or not: FERPA gives non-custodial
parents the same access unless a court order says otherwise, and such an
order is kept by unlinking the guardian.

Messages leave only through `outbox.deliver_outbox`, never inside the write
that queued them: a mail server that is down must not undo an attendance
record.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from operational.audit import audit, audit_bulk
from operational.errors import EmptyAudience, InvalidValue, NotEnrolled, NotFound
from operational.models import (
    Announcement,
    AttendanceCode,
    DailyAttendance,
    Enrollment,
    Guardian,
    Message,
    School,
    Section,
    SectionEnrollment,
    Student,
    StudentGuardian,
    utc_now,
)
from operational.services._writes import insert_batches, savepoint, sync_key_sequence
from operational.services.enrollment import grade_name, spans_overlap
from operational.vocabulary import AUDIENCES, MESSAGE_CATEGORIES

log = logging.getLogger(__name__)

Span = tuple[dt.date, dt.date | None]

SUBJECT_LENGTH = 200

# The column each audience needs; every other audience leaves it empty.
AUDIENCE_FIELDS = {
    "grade": ("grade_level", "grade level"),
    "section": ("section_id", "section"),
    "student": ("student_id", "student"),
}


@dataclass(frozen=True)
class Recipient:
    guardian_id: int
    first_name: str
    last_name: str
    email: str | None


@dataclass
class AudienceContext:
    """Schools, sections, membership, rosters and guardians, loaded once."""

    schools: dict[int, School]
    sections: dict[int, Section]
    student_ids: set[int]
    members: dict[int, list[tuple[int, int, Span]]]  # school -> student, grade
    stays: dict[tuple[int, int], list[Span]]  # student, school
    rosters: dict[int, list[tuple[int, Span]]]  # section -> student
    guardians: dict[int, list[Recipient]] = field(default_factory=dict)


def load_audience_context(
    session: Session, rows: list[dict[str, Any]]
) -> AudienceContext:
    """Everything the rows' audiences need, in a few set-based queries."""
    whole_schools = {
        r["school_id"] for r in rows if r["audience"] in ("school", "grade")
    }
    section_ids = {r["section_id"] for r in rows if r.get("section_id") is not None}
    named = {r["student_id"] for r in rows if r.get("student_id") is not None}
    schools = session.scalars(
        select(School).where(School.school_id.in_({r["school_id"] for r in rows}))
    )
    sections = session.scalars(
        select(Section).where(Section.section_id.in_(section_ids))
    )
    context = AudienceContext(
        schools={school.school_id: school for school in schools},
        sections={section.section_id: section for section in sections},
        student_ids=set(
            session.scalars(
                select(Student.student_id).where(Student.student_id.in_(named))
            )
        ),
        members=defaultdict(list),
        stays=defaultdict(list),
        rosters=defaultdict(list),
    )

    enrollments = select(
        Enrollment.student_id,
        Enrollment.school_id,
        Enrollment.grade_level,
        Enrollment.entry_date,
        Enrollment.exit_date,
    )
    for student_id, school_id, grade, entry, exit_ in session.execute(
        enrollments.where(
            or_(
                Enrollment.school_id.in_(whole_schools),
                Enrollment.student_id.in_(named),
            )
        )
    ):
        if school_id in whole_schools:
            context.members[school_id].append((student_id, grade, (entry, exit_)))
        context.stays[(student_id, school_id)].append((entry, exit_))
    for section_id, student_id, entry, exit_ in session.execute(
        select(
            SectionEnrollment.section_id,
            SectionEnrollment.student_id,
            SectionEnrollment.entry_date,
            SectionEnrollment.exit_date,
        ).where(SectionEnrollment.section_id.in_(section_ids))
    ):
        context.rosters[section_id].append((student_id, (entry, exit_)))
    return context


def load_guardians(
    session: Session, context: AudienceContext, student_ids: set[int]
) -> None:
    """Add the guardians of `student_ids` that the context does not hold yet."""
    wanted = sorted(student_ids - set(context.guardians))
    for student_id in wanted:
        context.guardians[student_id] = []
    for start in range(0, len(wanted), 5_000):
        for student_id, guardian in session.execute(
            select(StudentGuardian.student_id, Guardian)
            .join(Guardian, Guardian.guardian_id == StudentGuardian.guardian_id)
            .where(StudentGuardian.student_id.in_(wanted[start : start + 5_000]))
        ):
            context.guardians[student_id].append(
                Recipient(
                    guardian.guardian_id,
                    guardian.first_name,
                    guardian.last_name,
                    guardian.email.strip() if guardian.email else None,
                )
            )


def validate_announcement(row: dict[str, Any], context: AudienceContext) -> None:
    """Every rule an announcement must meet before its audience is expanded."""
    if row["audience"] not in AUDIENCES:
        raise InvalidValue(
            f"{row['audience']!r} is not an audience; use one of: "
            + ", ".join(AUDIENCES)
        )
    if row.setdefault("category", "general") not in MESSAGE_CATEGORIES:
        raise InvalidValue(
            f"{row['category']!r} is not a message category; use one of: "
            + ", ".join(MESSAGE_CATEGORIES)
        )
    school = context.schools.get(row["school_id"])
    if school is None:
        raise NotFound(f"no school with id {row['school_id']}")
    subject = row["subject"] = (row.get("subject") or "").strip()
    if not subject or len(subject) > SUBJECT_LENGTH:
        raise InvalidValue(
            f"an announcement needs a subject of 1 to {SUBJECT_LENGTH} characters"
        )
    row["body"] = (row.get("body") or "").strip()
    if not row["body"]:
        raise InvalidValue("an announcement needs a text to send")
    row.setdefault("audience_date", dt.date.today())

    for audience, (column, name) in AUDIENCE_FIELDS.items():
        given = row.setdefault(column, None) is not None
        if given and row["audience"] != audience:
            raise InvalidValue(f"an announcement to a {row['audience']} has no {name}")
        if not given and row["audience"] == audience:
            raise InvalidValue(f"an announcement to a {audience} needs a {name}")
    validate_target(row, school, context)


def validate_target(row: dict[str, Any], school: School, context: AudienceContext):
    grade = row["grade_level"]
    if grade is not None and not school.low_grade <= grade <= school.high_grade:
        raise InvalidValue(f"{school.name} has no {grade_name(grade)}")
    section_id = row["section_id"]
    if section_id is not None:
        section = context.sections.get(section_id)
        if section is None:
            raise NotFound(f"no section with id {section_id}")
        if section.school_id != school.school_id:
            raise InvalidValue(
                f"section {section.section_code} is not a section of {school.name}"
            )
    student_id = row["student_id"]
    if student_id is not None and student_id not in context.student_ids:
        raise NotFound(f"no student with id {student_id}")


def audience_students(row: dict[str, Any], context: AudienceContext) -> set[int]:
    """The students an announcement reaches on its date."""
    day = (row["audience_date"], row["audience_date"])
    if row["audience"] == "section":
        roster = context.rosters[row["section_id"]]
        return {student for student, span in roster if spans_overlap(day, span)}
    if row["audience"] == "student":
        student_id = row["student_id"]
        stays = context.stays[(student_id, row["school_id"])]
        if not any(spans_overlap(day, span) for span in stays):
            raise NotEnrolled(
                f"student {student_id} is not enrolled at "
                f"{context.schools[row['school_id']].name} on {row['audience_date']}; "
                "a school writes to the families of its own students"
            )
        return {student_id}
    return {
        student
        for student, grade, span in context.members[row["school_id"]]
        if spans_overlap(day, span)
        and (row["audience"] == "school" or grade == row["grade_level"])
    }


def expand(
    session: Session, row: dict[str, Any], context: AudienceContext
) -> tuple[list[Recipient], int]:
    """The guardians with an email address, once each, and how many more
    guardians of the audience have none."""
    students = audience_students(row, context)
    where = context.schools[row["school_id"]].name
    if not students:
        raise EmptyAudience(
            f"no student is in the audience ({row['audience']}) at {where} on "
            f"{row['audience_date']}; check the date or the audience"
        )
    load_guardians(session, context, students)
    guardians = {
        guardian.guardian_id: guardian
        for student in students
        for guardian in context.guardians[student]
    }
    if not guardians:
        raise EmptyAudience(
            f"no student of the audience at {where} has a guardian on file; "
            "add the families' guardians first"
        )
    reachable = [
        guardian for _, guardian in sorted(guardians.items()) if guardian.email
    ]
    return reachable, len(guardians) - len(reachable)


def message_rows(
    announcement_id: int, row: dict[str, Any], recipients: list[Recipient]
) -> list[dict[str, Any]]:
    now = utc_now()
    return [
        {
            "announcement_id": announcement_id,
            "guardian_id": recipient.guardian_id,
            "to_address": recipient.email,
            "subject": row["subject"],
            "body": f"Dear {recipient.first_name} {recipient.last_name},\n\n"
            + row["body"],
            "status": "queued",
            "n_attempts": 0,
            "queued_at": now,
        }
        for recipient in recipients
    ]


def announce(
    session: Session,
    actor: str,
    *,
    school_id: int,
    audience: str,
    subject: str,
    body: str,
    category: str = "general",
    grade_level: int | None = None,
    section_id: int | None = None,
    student_id: int | None = None,
    audience_date: dt.date | None = None,
) -> Announcement:
    """Publish an announcement: queue one message per reachable guardian of
    the audience on `audience_date` (default today)."""
    row: dict[str, Any] = {
        "school_id": school_id,
        "audience": audience,
        "subject": subject,
        "body": body,
        "category": category,
        "grade_level": grade_level,
        "section_id": section_id,
        "student_id": student_id,
    }
    if audience_date is not None:
        row["audience_date"] = audience_date
    context = load_audience_context(session, [row])
    validate_announcement(row, context)
    recipients, n_unreachable = expand(session, row, context)

    announcement = Announcement(
        **row,
        created_by=actor,
        n_recipients=len(recipients),
        n_unreachable=n_unreachable,
    )
    with savepoint(session):
        session.add(announcement)
        audit(session, actor, "announce", announcement, before=None)
        messages = message_rows(announcement.announcement_id, row, recipients)
        if messages:
            insert_batches(session, Message, messages, actor, "queue_messages")
    log.info(
        "announcement %d queued %d messages (%d guardians unreachable)",
        announcement.announcement_id,
        len(recipients),
        n_unreachable,
    )
    return announcement


def bulk_announce(session: Session, rows: Iterable[dict[str, Any]], actor: str) -> int:
    """Validate, expand and publish many announcements, with the rules of
    `announce`; the first refusal stops them all. Returns the messages queued."""
    rows = list(rows)
    context = load_audience_context(session, rows)
    expanded = []
    for row in rows:
        validate_announcement(row, context)
        recipients, n_unreachable = expand(session, row, context)
        row.update(
            created_by=actor,
            n_recipients=len(recipients),
            n_unreachable=n_unreachable,
        )
        expanded.append(recipients)

    n_messages = 0
    with savepoint(session):
        keys = session.scalars(
            insert(Announcement).returning(
                Announcement.announcement_id, sort_by_parameter_order=True
            ),
            rows,
        ).all()
        sync_key_sequence(session, Announcement)
        audit_bulk(session, actor, "bulk_announce", "announcement", len(rows))
        messages = [
            message
            for key, row, recipients in zip(keys, rows, expanded, strict=True)
            for message in message_rows(key, row, recipients)
        ]
        if messages:
            n_messages = insert_batches(
                session, Message, messages, actor, "queue_messages"
            )
    return n_messages


def notify_unexcused_absence(
    session: Session,
    actor: str,
    record: DailyAttendance,
    previous_code: str | None = None,
) -> Announcement | None:
    """Queue a notice to a student's guardians when the day just became an
    unexcused absence; nothing for other codes, for a day that already was
    one (`previous_code`), or for a student without guardians on file.

    Attendance calls this inside its own write, so the notice is queued in
    the same transaction as the record, and sent later from the outbox.
    """
    codes = {record.code, previous_code} - {None}
    categories = dict(
        session.execute(
            select(AttendanceCode.code, AttendanceCode.category).where(
                AttendanceCode.code.in_(codes)
            )
        ).all()
    )
    if categories.get(record.code) != "unexcused_absence":
        return None
    if previous_code and categories.get(previous_code) == "unexcused_absence":
        return None
    n_guardians = session.scalar(
        select(func.count()).where(StudentGuardian.student_id == record.student_id)
    )
    if not n_guardians:
        log.info("student %d has no guardian to notify", record.student_id)
        return None

    student = session.get(Student, record.student_id)
    school = session.get(School, record.school_id)
    row = absence_notice(
        school_id=school.school_id,
        school_name=school.name,
        student_id=student.student_id,
        student_name=f"{student.first_name} {student.last_name}",
        attendance_date=record.attendance_date,
        minutes_absent=record.minutes_absent,
    )
    return announce(session, actor, **row)


def absence_notice(
    *,
    school_id: int,
    school_name: str,
    student_id: int,
    student_name: str,
    attendance_date: dt.date,
    minutes_absent: int | None,
) -> dict[str, Any]:
    """The announcement of an unexcused absence to a student's guardians, as
    `announce` and `bulk_announce` take it."""
    name, day = student_name, attendance_date
    when = f"{day:%A} {day.day} {day:%B %Y}"
    how_long = f"for {minutes_absent} minutes" if minutes_absent else "all day"
    return {
        "school_id": school_id,
        "audience": "student",
        "student_id": student_id,
        "category": "unexcused_absence",
        "audience_date": day,
        "subject": f"Unexcused absence: {name}, {when}",
        "body": (
            f"{name} was absent from {school_name} {how_long} on {when}, and the "
            "school has no excuse on file. If you know the reason, please tell "
            "the school office so the absence can be excused."
        ),
    }
