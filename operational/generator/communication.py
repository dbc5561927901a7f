"""The synthetic district's announcements and messages, in its latest year.

Each school welcomes its families on the first day of school and reminds
them of back-to-school night a week before; each grade of a middle or high
school hears when the first progress reports are out; a few classes ask for
field-trip permission; one school sends an emergency early dismissal; and
each unexcused absence of the last school week before the as-of date sends
its notice. Messages of announcements more than a week old went through a
stand-in mail server (a few addresses bounce for good, a few mailboxes are
full on the first try and take the retry); the last week's are still queued.
"""

import datetime as dt
import logging
import zlib
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.generator.sizes import stream
from operational.messaging import OutgoingMessage, SendFailed
from operational.models import (
    AttendanceCode,
    CalendarDay,
    CalendarEvent,
    DailyAttendance,
    Enrollment,
    School,
    SchoolYear,
    Section,
    SectionEnrollment,
    Student,
)
from operational.services import communication, outbox

log = logging.getLogger(__name__)

ACTOR = "system:seed"
NOTICE_DAYS = 5  # the school week before the as-of date
QUEUED_DAYS = 7  # announcements this recent are still in the outbox
FIELD_TRIPS = 3  # classes a school asks permission for
PROGRESS_REPORT_DAY = 45  # the first quarter's reports, on its last day

BOUNCE_SHARE = 0.02  # addresses that no longer exist
FULL_SHARE = 0.03  # mailboxes full on the first attempt


class StandInMailServer:
    """What the district's mail server did with each message, decided by the
    address so the same seed always bounces the same families."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.retried: set[int] = set()

    def send(self, message: OutgoingMessage) -> None:
        draw = zlib.crc32(f"{self.seed}:{message.to_address}".encode()) / 2**32
        if draw < BOUNCE_SHARE:
            raise SendFailed("550 5.1.1 mailbox unavailable", permanent=True)
        if draw < BOUNCE_SHARE + FULL_SHARE and message.message_id not in self.retried:
            self.retried.add(message.message_id)
            raise SendFailed("452 4.2.2 mailbox full, try again later")


def load_messages(
    session: Session, seed: int, as_of: dt.date, year: SchoolYear
) -> Counter[str]:
    """Announce, queue and deliver the latest year's messages; rows per table."""
    counts: Counter[str] = Counter()
    rows = []
    schools = list(session.scalars(select(School).order_by(School.school_id)))
    # One school has an emergency this year.
    emergency = schools[int(stream(seed, "emergency").integers(len(schools)))]
    for school in schools:
        days = school_days(session, school, year, as_of)
        if days:
            rows += school_announcements(
                session, seed, school, year, days, school is emergency
            )
    rows += absence_notices(session, year, as_of)
    if not rows:
        return counts
    # Oldest first, so the outbox's oldest messages are the old announcements'.
    rows.sort(key=lambda row: row["audience_date"])
    counts["message"] += communication.bulk_announce(session, rows, ACTOR)
    counts["announcement"] += len(rows)

    cutoff = as_of - dt.timedelta(days=QUEUED_DAYS)
    n_old = sum(row["n_recipients"] for row in rows if row["audience_date"] < cutoff)
    if n_old:
        server = StandInMailServer(seed)
        first = outbox.deliver_outbox(session, server, limit=n_old)
        if first.n_retrying:
            outbox.deliver_outbox(session, server, limit=first.n_retrying)
    log.info(
        "wrote %d announcements and %d messages: %s",
        counts["announcement"],
        counts["message"],
        ", ".join(
            f"{n} {status}" for status, n in outbox.counts_by_status(session).items()
        ),
    )
    return counts


def school_days(
    session: Session, school: School, year: SchoolYear, as_of: dt.date
) -> list[dt.date]:
    """The school's instructional days of the year up to the as-of date."""
    return list(
        session.scalars(
            select(CalendarDay.calendar_date)
            .where(
                CalendarDay.school_id == school.school_id,
                CalendarDay.school_year_id == year.school_year_id,
                CalendarDay.is_instructional,
                CalendarDay.calendar_date <= as_of,
            )
            .order_by(CalendarDay.calendar_date)
        )
    )


def school_announcements(
    session: Session,
    seed: int,
    school: School,
    year: SchoolYear,
    days: list[dt.date],
    has_emergency: bool,
) -> list[dict[str, Any]]:
    rng = stream(seed, "announcements", school.school_id, year.school_year_id)
    base = {"school_id": school.school_id}
    rows = [
        base
        | {
            "audience": "school",
            "audience_date": days[0],
            "subject": f"Welcome back to {school.name}",
            "body": (
                f"The {year.name} school year starts today. Please check that "
                "the office has your current phone number and email address."
            ),
        }
    ]
    evening = session.scalar(
        select(CalendarEvent.start_date).where(
            CalendarEvent.school_id == school.school_id,
            CalendarEvent.school_year_id == year.school_year_id,
            CalendarEvent.title == "Back-to-school night",
        )
    )
    reminder = evening - dt.timedelta(days=7) if evening else None
    if reminder and days[0] <= reminder <= days[-1]:
        rows.append(
            base
            | {
                "audience": "school",
                "category": "calendar_event",
                "audience_date": reminder,
                "subject": "Back-to-school night next week",
                "body": (
                    f"Meet your child's teachers on {evening:%A} {evening.day} "
                    f"{evening:%B}, from 6 to 7:30 in the evening."
                ),
            }
        )
    if school.level != "elementary" and len(days) > PROGRESS_REPORT_DAY:
        day = days[PROGRESS_REPORT_DAY]
        rows += [
            base
            | {
                "audience": "grade",
                "grade_level": grade,
                "category": "academic",
                "audience_date": day,
                "subject": f"Grade {grade} progress reports are out",
                "body": "The first quarter's progress reports are in the portal.",
            }
            for grade in grades_enrolled(session, school, day)
        ]
    rows += field_trips(session, rng, school, year, days)
    if has_emergency and len(days) > 20:
        day = days[int(rng.integers(20, len(days)))]
        rows.append(
            base
            | {
                "audience": "school",
                "category": "emergency",
                "audience_date": day,
                "subject": "Early dismissal today at 12:30",
                "body": (
                    "A water main break has cut the school's water supply. "
                    "Students are dismissed at 12:30; buses run at that time."
                ),
            }
        )
    return rows


def grades_enrolled(session: Session, school: School, day: dt.date) -> list[int]:
    return list(
        session.scalars(
            select(Enrollment.grade_level)
            .where(
                Enrollment.school_id == school.school_id,
                Enrollment.entry_date <= day,
                (Enrollment.exit_date.is_(None)) | (Enrollment.exit_date >= day),
            )
            .group_by(Enrollment.grade_level)
            .order_by(Enrollment.grade_level)
        )
    )


def field_trips(session, rng, school, year, days) -> list[dict[str, Any]]:
    """Permission slips for a few classes with students on the day asked."""
    day = days[int(rng.integers(len(days)))]
    on_roster = (
        select(Section.section_id, Section.section_code)
        .join(SectionEnrollment, SectionEnrollment.section_id == Section.section_id)
        .where(
            Section.school_id == school.school_id,
            Section.school_year_id == year.school_year_id,
            SectionEnrollment.entry_date <= day,
            (SectionEnrollment.exit_date.is_(None))
            | (SectionEnrollment.exit_date >= day),
        )
        .group_by(Section.section_id, Section.section_code)
        .order_by(Section.section_id)
    )
    sections = session.execute(on_roster).all()
    if not sections:
        return []
    picked = rng.choice(len(sections), min(FIELD_TRIPS, len(sections)), replace=False)
    return [
        {
            "school_id": school.school_id,
            "audience": "section",
            "section_id": sections[index].section_id,
            "audience_date": day,
            "subject": f"Field trip permission for {sections[index].section_code}",
            "body": (
                "The class is going on a field trip in two weeks. Please sign "
                "and return the permission slip by Friday."
            ),
        }
        for index in sorted(int(i) for i in picked)
    ]


def absence_notices(
    session: Session, year: SchoolYear, as_of: dt.date
) -> list[dict[str, Any]]:
    """The notices of the last school week's unexcused absences, as the
    attendance service queues them for a day marked one at a time."""
    recent = session.scalars(
        select(CalendarDay.calendar_date)
        .where(
            CalendarDay.school_year_id == year.school_year_id,
            CalendarDay.is_instructional,
            CalendarDay.calendar_date <= as_of,
        )
        .group_by(CalendarDay.calendar_date)
        .order_by(CalendarDay.calendar_date.desc())
        .limit(NOTICE_DAYS)
    ).all()
    if not recent:
        return []
    absences = session.execute(
        select(
            DailyAttendance.school_id,
            School.name,
            DailyAttendance.student_id,
            Student.first_name + " " + Student.last_name,
            DailyAttendance.attendance_date,
            DailyAttendance.minutes_absent,
        )
        .join(AttendanceCode, AttendanceCode.code == DailyAttendance.code)
        .join(School, School.school_id == DailyAttendance.school_id)
        .join(Student, Student.student_id == DailyAttendance.student_id)
        .where(
            AttendanceCode.category == "unexcused_absence",
            DailyAttendance.attendance_date.in_(recent),
        )
        .order_by(DailyAttendance.attendance_date, DailyAttendance.student_id)
    )
    return [
        communication.absence_notice(
            school_id=school_id,
            school_name=school_name,
            student_id=student_id,
            student_name=name,
            attendance_date=day,
            minutes_absent=minutes,
        )
        for school_id, school_name, student_id, name, day, minutes in absences
    ]
