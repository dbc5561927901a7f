"""The timetable's clash check: every double booking and overfull room.

Two meetings clash when they fall on the same day of the cycle, their times
overlap and so do their dates (and, for a weekday, a date of that weekday
lies in the shared dates); a student clashes only while on both rosters. The
check runs over whole schools in a fixed number of queries, whatever their
size: pairs are found by self-joins in SQL, never a query per pair.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Row, and_, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from operational.models import (
    Period,
    Room,
    School,
    Section,
    SectionEnrollment,
    SectionMeeting,
    Staff,
    Student,
)
from operational.services.timetable import day_label
from operational.vocabulary import SCHEDULE_DAYS, WEEKDAYS

log = logging.getLogger(__name__)

Span = tuple[dt.date, dt.date | None]

CLASH_KINDS = ("teacher", "room", "student", "room_capacity")

FAR_FUTURE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Clash:
    """Two meetings that cannot both happen, or a room too small for one.

    `subject_id` is the staff id of a teacher clash, the room id of a room or
    capacity clash and the student id of a student clash.
    """

    kind: str
    day: str
    description: str
    meeting_ids: tuple[int, ...]
    subject_id: int


def find_clashes(
    session: Session, school_year_id: int, school_ids: Iterable[int] | None = None
) -> list[Clash]:
    """Every teacher, room and student double booking and every overfull room
    of a school year, at the given schools (default: all), in four queries.

    Two meetings clash when they fall on the same day of the cycle, their
    times overlap and so do their dates; a student clashes only while on
    both rosters.
    """
    meeting = _meetings(school_year_id, school_ids)
    clashes = [
        *_teacher_clashes(session, meeting),
        *_room_clashes(session, meeting),
        *_student_clashes(session, meeting),
        *_capacity_clashes(session, meeting),
    ]
    clashes.sort(
        key=lambda c: (
            CLASH_KINDS.index(c.kind),
            SCHEDULE_DAYS.index(c.day),
            c.description,
        )
    )
    log.info("timetable of year %d: %d clashes", school_year_id, len(clashes))
    return clashes


def _meetings(school_year_id: int, school_ids: Iterable[int] | None):
    """Each meeting with the teacher and room in effect and its period's time."""
    query = (
        select(
            SectionMeeting.section_meeting_id.label("meeting_id"),
            SectionMeeting.section_id,
            Section.section_code,
            Section.school_id,
            School.name.label("school_name"),
            func.coalesce(SectionMeeting.teacher_id, Section.teacher_id).label(
                "teacher_id"
            ),
            func.coalesce(SectionMeeting.room_id, Section.room_id).label("room_id"),
            Period.name.label("period_name"),
            Period.day,
            Period.start_minute,
            Period.end_minute,
            SectionMeeting.start_date,
            SectionMeeting.end_date,
        )
        .join(Section, Section.section_id == SectionMeeting.section_id)
        .join(School, School.school_id == Section.school_id)
        .join(Period, Period.period_id == SectionMeeting.period_id)
        .where(Section.school_year_id == school_year_id)
    )
    if school_ids is not None:
        query = query.where(Section.school_id.in_(set(school_ids)))
    return query.cte("meeting")


def _pair(meeting):
    """Two meetings of different sections at the same time, each pair once."""
    first, second = meeting.alias("first"), meeting.alias("second")
    same_time = and_(
        first.c.meeting_id < second.c.meeting_id,
        first.c.section_id != second.c.section_id,
        first.c.day == second.c.day,
        first.c.start_minute < second.c.end_minute,
        second.c.start_minute < first.c.end_minute,
        first.c.start_date <= second.c.end_date,
        second.c.start_date <= first.c.end_date,
        # A rotation day is the school's own: day_1 at two schools need not
        # fall on the same date.
        or_(first.c.school_id == second.c.school_id, first.c.day.in_(WEEKDAYS)),
    )
    return first, second, same_time


def _columns(first, second) -> list:
    return [
        first.c.meeting_id.label("first_id"),
        second.c.meeting_id.label("second_id"),
        first.c.day,
        first.c.section_code.label("first_code"),
        second.c.section_code.label("second_code"),
        first.c.school_name.label("first_school"),
        second.c.school_name.label("second_school"),
        first.c.period_name.label("first_period"),
        second.c.period_name.label("second_period"),
        first.c.start_date.label("first_start"),
        second.c.start_date.label("second_start"),
        first.c.end_date.label("first_end"),
        second.c.end_date.label("second_end"),
    ]


def falls_on(day: str, start: dt.date, end: dt.date) -> bool:
    """Whether the dates from `start` to `end` include the cycle day `day`.

    Two weekly meetings whose dates overlap only on a Friday never meet on
    the same Thursday. Which date is which rotation day is not kept, so a
    rotation day is taken to fall in any dates.
    """
    if start > end:
        return False
    if day not in WEEKDAYS or (end - start).days >= 6:
        return True
    ahead = (WEEKDAYS.index(day) - start.weekday()) % 7
    return start + dt.timedelta(days=ahead) <= end


def _meet_together(row: Row, *spans: Span) -> bool:
    """Whether both meetings of a pair (and every roster span given) share a
    day that is the pair's day of the cycle."""
    starts = [row.first_start, row.second_start, *(span[0] for span in spans)]
    ends = [row.first_end, row.second_end, *(span[1] or FAR_FUTURE for span in spans)]
    return falls_on(row.day, max(starts), min(ends))


def _where(row: Row) -> str:
    """`A and B in period 3 on Monday`, naming schools and periods as needed."""
    first, second = row.first_code, row.second_code
    if row.first_school != row.second_school:
        first += f" at {row.first_school}"
        second += f" at {row.second_school}"
    day = day_label(row.day)
    if row.first_period == row.second_period:
        return f"{first} and {second} in period {row.first_period} on {day}"
    return (
        f"{first} in period {row.first_period} and {second} in period "
        f"{row.second_period} on {day}"
    )


def _teacher_clashes(session: Session, meeting) -> list[Clash]:
    first, second, same_time = _pair(meeting)
    rows = session.execute(
        select(
            *_columns(first, second), Staff.staff_id, Staff.first_name, Staff.last_name
        )
        .select_from(first)
        .join(second, and_(same_time, first.c.teacher_id == second.c.teacher_id))
        .join(Staff, Staff.staff_id == first.c.teacher_id)
    )
    return [
        Clash(
            "teacher",
            row.day,
            f"{row.first_name} {row.last_name} teaches {_where(row)}",
            (row.first_id, row.second_id),
            row.staff_id,
        )
        for row in rows
        if _meet_together(row)
    ]


def _room_clashes(session: Session, meeting) -> list[Clash]:
    first, second, same_time = _pair(meeting)
    rows = session.execute(
        select(*_columns(first, second), Room.room_id, Room.name.label("room_name"))
        .select_from(first)
        .join(second, and_(same_time, first.c.room_id == second.c.room_id))
        .join(Room, Room.room_id == first.c.room_id)
    )
    return [
        Clash(
            "room",
            row.day,
            f"room {row.room_name} holds {_where(row)}",
            (row.first_id, row.second_id),
            row.room_id,
        )
        for row in rows
        if _meet_together(row)
    ]


def _student_clashes(session: Session, meeting) -> list[Clash]:
    first, second, same_time = _pair(meeting)
    on_first, on_second = aliased(SectionEnrollment), aliased(SectionEnrollment)
    starts = [
        first.c.start_date,
        second.c.start_date,
        on_first.entry_date,
        on_second.entry_date,
    ]
    ends = [
        first.c.end_date,
        second.c.end_date,
        func.coalesce(on_first.exit_date, literal(FAR_FUTURE)),
        func.coalesce(on_second.exit_date, literal(FAR_FUTURE)),
    ]
    # Four date spans share a day when every start is on or before every end.
    share_a_day = and_(*(start <= end for start in starts for end in ends))
    rows = session.execute(
        select(
            *_columns(first, second),
            on_first.entry_date.label("first_entry"),
            on_first.exit_date.label("first_exit"),
            on_second.entry_date.label("second_entry"),
            on_second.exit_date.label("second_exit"),
            Student.student_id,
            Student.student_number,
            Student.first_name,
            Student.last_name,
        )
        .select_from(first)
        .join(second, same_time)
        .join(on_first, on_first.section_id == first.c.section_id)
        .join(
            on_second,
            and_(
                on_second.section_id == second.c.section_id,
                on_second.student_id == on_first.student_id,
            ),
        )
        .join(Student, Student.student_id == on_first.student_id)
        .where(share_a_day)
    )
    clashes: dict[tuple[int, int, int], Clash] = {}
    for row in rows:
        rostered = (
            (row.first_entry, row.first_exit),
            (row.second_entry, row.second_exit),
        )
        key = (row.first_id, row.second_id, row.student_id)
        # A student back on a roster a second time is still one clash.
        if key in clashes or not _meet_together(row, *rostered):
            continue
        clashes[key] = Clash(
            "student",
            row.day,
            f"{row.first_name} {row.last_name} ({row.student_number}) is on the "
            f"rosters of {_where(row)}",
            (row.first_id, row.second_id),
            row.student_id,
        )
    return list(clashes.values())


def _capacity_clashes(session: Session, meeting) -> list[Clash]:
    """Meetings whose roster outgrows the room on some day of the meeting.

    SQL keeps the meetings whose roster rows over the meeting's dates
    outnumber the seats; the largest roster on any one day (students come and
    go) is then counted over those few meetings' rosters.
    """
    roster = SectionEnrollment
    candidates = session.execute(
        select(
            meeting.c.meeting_id,
            meeting.c.section_id,
            meeting.c.section_code,
            meeting.c.period_name,
            meeting.c.day,
            meeting.c.start_date,
            meeting.c.end_date,
            Room.room_id,
            Room.name.label("room_name"),
            Room.capacity,
        )
        .join(Room, Room.room_id == meeting.c.room_id)
        .join(
            roster,
            and_(
                roster.section_id == meeting.c.section_id,
                roster.entry_date <= meeting.c.end_date,
                or_(
                    roster.exit_date.is_(None),
                    roster.exit_date >= meeting.c.start_date,
                ),
            ),
        )
        .group_by(*meeting.c, Room.room_id, Room.name, Room.capacity)
        .having(func.count() > Room.capacity)
    ).all()
    spans: dict[int, list[Span]] = defaultdict(list)
    for section_id, entry, exit_ in session.execute(
        select(roster.section_id, roster.entry_date, roster.exit_date).where(
            roster.section_id.in_({row.section_id for row in candidates})
        )
    ):
        spans[section_id].append((entry, exit_))

    clashes = []
    for row in candidates:
        peak = largest_roster(spans[row.section_id], row.start_date, row.end_date)
        if peak > row.capacity:
            clashes.append(
                Clash(
                    "room_capacity",
                    row.day,
                    f"room {row.room_name} seats {row.capacity} but "
                    f"{row.section_code} has {peak} students in period "
                    f"{row.period_name} on {day_label(row.day)}",
                    (row.meeting_id,),
                    row.room_id,
                )
            )
    return clashes


def largest_roster(spans: list[Span], start: dt.date, end: dt.date) -> int:
    """The most students on a roster on any one day from `start` to `end`."""
    changes: list[tuple[dt.date, int]] = []
    for entry, exit_ in spans:
        first, last = max(entry, start), min(exit_ or end, end)
        if first <= last:
            changes.append((first, 1))
            changes.append((last + dt.timedelta(days=1), -1))
    # A student leaving after the day before is gone before one arriving
    # that day is counted: -1 sorts before +1 on the same date.
    peak = current = 0
    for _, change in sorted(changes):
        current += change
        peak = max(peak, current)
    return peak
