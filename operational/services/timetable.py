"""The timetable: bell schedules and section meetings.

A clash is reported, not refused. A timetable is built in steps and passes
through clashing states (swapping two sections' periods), and rosters keep
changing after it is built; so scheduling refuses only what can never be
right (a period or room of another school, a section twice in one period)
and `timetable_clashes.find_clashes` lists every double booking and overfull
room of a year.

A meeting's teacher and room, when empty, are its section's: the section's
teacher is the teacher of record, and reassigning the section moves every
meeting that does not name its own.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.audit import audit, snapshot
from operational.errors import AlreadyScheduled, Conflict, InvalidValue, NotFound
from operational.models import (
    Period,
    Room,
    School,
    SchoolYear,
    Section,
    SectionMeeting,
    Staff,
)
from operational.services._writes import insert_validated, savepoint
from operational.services.enrollment import spans_overlap
from operational.services.records import get, lookup
from operational.vocabulary import ROTATION_DAYS, SCHEDULE_DAYS, WEEKDAYS

Span = tuple[dt.date, dt.date | None]

WEEKDAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)

MINUTES_A_DAY = 24 * 60


def day_label(day: str) -> str:
    """`Monday` for mon, `Day 3` for day_3."""
    return WEEKDAY_NAMES.get(day) or day.replace("day_", "Day ")


def minute_of(time: dt.time) -> int:
    """Minutes after midnight, as the timetable stores a time of day."""
    return time.hour * 60 + time.minute


def clock(minute: int) -> str:
    """`08:00` for 480."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def cycle_of(day: str) -> str:
    return "rotation" if day in ROTATION_DAYS else "week"


@dataclass
class PeriodContext:
    schools: dict[int, School]
    years: dict[int, SchoolYear]
    taken: set[tuple[int, int, str, str]]  # school, year, name, day
    cycles: dict[tuple[int, int], str]  # school, year -> week or rotation


def load_period_context(session: Session, school_ids: Iterable[int]) -> PeriodContext:
    school_ids = set(school_ids)
    schools = session.scalars(select(School).where(School.school_id.in_(school_ids)))
    context = PeriodContext(
        schools={school.school_id: school for school in schools},
        years={y.school_year_id: y for y in session.scalars(select(SchoolYear))},
        taken=set(),
        cycles={},
    )
    existing = session.execute(
        select(Period.school_id, Period.school_year_id, Period.name, Period.day).where(
            Period.school_id.in_(school_ids)
        )
    )
    for school_id, year_id, name, day in existing:
        context.taken.add((school_id, year_id, name, day))
        context.cycles[(school_id, year_id)] = cycle_of(day)
    return context


def validate_period(row: dict[str, Any], context: PeriodContext) -> None:
    """Every rule a period of the bell schedule must meet."""
    school = lookup(context.schools, row["school_id"], School)
    year = lookup(context.years, row["school_year_id"], SchoolYear)
    name, day = (row.get("name") or "").strip(), row["day"]
    if not name:
        raise InvalidValue("a period needs a name, such as 1 or Homeroom")
    row["name"] = name
    if day not in SCHEDULE_DAYS:
        raise InvalidValue(
            f"{day!r} is not a day of a bell schedule; use one of: "
            + ", ".join(SCHEDULE_DAYS)
        )
    start, end = row["start_minute"], row["end_minute"]
    if not 0 <= start < end <= MINUTES_A_DAY:
        raise InvalidValue(
            f"period {name} on {day_label(day)} must end after it starts, within "
            f"the day ({clock(start)} to {clock(end)})"
        )

    key = (school.school_id, year.school_year_id, name, day)
    if key in context.taken:
        raise Conflict(
            f"{school.name} already has a period {name} on {day_label(day)} in "
            f"{year.name}"
        )
    # Weekdays and rotation days cannot be compared: day_1 falls on a
    # different weekday every cycle.
    cycle = context.cycles.setdefault(key[:2], cycle_of(day))
    if cycle != cycle_of(day):
        kind = "rotation days" if cycle == "rotation" else "weekdays"
        raise InvalidValue(
            f"the {year.name} bell schedule of {school.name} runs on {kind}; "
            f"{day} does not belong to it"
        )
    context.taken.add(key)


def add_period(
    session: Session,
    actor: str,
    *,
    school_id: int,
    school_year_id: int,
    name: str,
    sequence: int,
    start_time: dt.time,
    end_time: dt.time,
    days: Iterable[str],
) -> list[Period]:
    """Add a period to a school's bell schedule, on each of `days`."""
    days = [days] if isinstance(days, str) else list(days)
    if not days:
        raise InvalidValue(f"period {name} needs at least one day")
    context = load_period_context(session, [school_id])
    rows = [
        {
            "school_id": school_id,
            "school_year_id": school_year_id,
            "name": name,
            "sequence": sequence,
            "day": day,
            "start_minute": minute_of(start_time),
            "end_minute": minute_of(end_time),
        }
        for day in days
    ]
    for row in rows:
        validate_period(row, context)

    periods = [Period(**row) for row in rows]
    with savepoint(session):
        for period in periods:
            session.add(period)
            audit(session, actor, "add_period", period, before=None)
    return periods


def bulk_add_periods(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many periods, one row a day with times in minutes
    after midnight, with `add_period`'s rules."""
    rows = list(rows)
    context = load_period_context(session, {row["school_id"] for row in rows})

    return insert_validated(
        session,
        Period,
        rows,
        lambda row: validate_period(row, context),
        actor,
        "bulk_add_periods",
    )


@dataclass
class MeetingContext:
    sections: dict[int, Section]
    periods: dict[int, Period]
    rooms: dict[int, Room]
    staff_ids: set[int]
    years: dict[int, SchoolYear]
    scheduled: dict[tuple[int, int], list[tuple[int, Span]]]  # section, period


def load_meeting_context(
    session: Session, section_ids: Iterable[int], teacher_ids: Iterable[int] = ()
) -> MeetingContext:
    """Sections, the periods and rooms of their schools, and their meetings."""
    section_ids = set(section_ids)
    sections = {
        s.section_id: s
        for s in session.scalars(
            select(Section).where(Section.section_id.in_(section_ids))
        )
    }
    school_ids = {section.school_id for section in sections.values()}
    periods = session.scalars(select(Period).where(Period.school_id.in_(school_ids)))
    rooms = session.scalars(select(Room).where(Room.school_id.in_(school_ids)))
    wanted_staff = {key for key in teacher_ids if key is not None}
    staff_ids = set(
        session.scalars(select(Staff.staff_id).where(Staff.staff_id.in_(wanted_staff)))
    )
    scheduled: dict[tuple[int, int], list[tuple[int, Span]]] = defaultdict(list)
    for meeting_id, section_id, period_id, start, end in session.execute(
        select(
            SectionMeeting.section_meeting_id,
            SectionMeeting.section_id,
            SectionMeeting.period_id,
            SectionMeeting.start_date,
            SectionMeeting.end_date,
        ).where(SectionMeeting.section_id.in_(section_ids))
    ):
        scheduled[(section_id, period_id)].append((meeting_id, (start, end)))
    return MeetingContext(
        sections=sections,
        periods={period.period_id: period for period in periods},
        rooms={room.room_id: room for room in rooms},
        staff_ids=staff_ids,
        years={y.school_year_id: y for y in session.scalars(select(SchoolYear))},
        scheduled=scheduled,
    )


def validate_meeting(
    row: dict[str, Any], context: MeetingContext, meeting_id: int | None = None
) -> None:
    """Every rule a section meeting must meet; fills in the default dates."""
    section = context.sections.get(row["section_id"])
    if section is None:
        raise NotFound(f"no section with id {row['section_id']}")
    period = context.periods.get(row["period_id"])
    if period is None or (period.school_id, period.school_year_id) != (
        section.school_id,
        section.school_year_id,
    ):
        raise InvalidValue(
            f"period {row['period_id']} is not on the bell schedule of the school "
            f"and year of section {section.section_code}"
        )
    validate_assignment(row, section, context)

    year = context.years[section.school_year_id]
    start = row["start_date"] = row.get("start_date") or year.start_date
    end = row["end_date"] = row.get("end_date") or year.end_date
    if start > end:
        raise InvalidValue(f"the meeting ends on {end}, before it starts on {start}")
    if start < year.start_date or end > year.end_date:
        raise InvalidValue(
            f"a meeting of section {section.section_code} must fall within the "
            f"{year.name} school year ({year.start_date} to {year.end_date})"
        )

    key = (section.section_id, period.period_id)
    for other_id, (other_start, other_end) in context.scheduled[key]:
        if other_id != meeting_id and spans_overlap(
            (start, end), (other_start, other_end)
        ):
            raise AlreadyScheduled(
                f"section {section.section_code} already meets in period "
                f"{period.name} on {day_label(period.day)} from {other_start} to "
                f"{other_end}"
            )
    context.scheduled[key].append((meeting_id or -1, (start, end)))


def validate_assignment(
    row: dict[str, Any], section: Section, context: MeetingContext
) -> None:
    """A meeting's own teacher exists, and its own room is in the section's
    school."""
    row.setdefault("teacher_id", None)
    row.setdefault("room_id", None)
    teacher_id, room_id = row["teacher_id"], row["room_id"]
    if teacher_id is not None and teacher_id not in context.staff_ids:
        raise NotFound(f"no staff member with id {teacher_id}")
    if room_id is None:
        return
    room = context.rooms.get(room_id)
    if room is None or room.school_id != section.school_id:
        raise InvalidValue(
            f"room {room_id} is not a room of the school of section "
            f"{section.section_code}"
        )


def schedule_section(
    session: Session,
    actor: str,
    *,
    section_id: int,
    period_name: str,
    days: Iterable[str],
    teacher_id: int | None = None,
    room_id: int | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> list[SectionMeeting]:
    """Make a section meet in a period on each of `days`, for the whole
    school year unless dates are given. A teacher or room given here
    overrides the section's for these meetings only."""
    days = [days] if isinstance(days, str) else list(days)
    context = load_meeting_context(session, [section_id], [teacher_id])
    section = context.sections.get(section_id)
    if section is None:
        raise NotFound(f"no section with id {section_id}")
    by_day = {
        period.day: period
        for period in context.periods.values()
        if (period.school_year_id, period.name) == (section.school_year_id, period_name)
    }
    rows = []
    for day in days:
        if day not in by_day:
            raise NotFound(
                f"the bell schedule of section {section.section_code}'s school has "
                f"no period {period_name} on {day_label(day)}; add it first"
            )
        row = {
            "section_id": section_id,
            "period_id": by_day[day].period_id,
            "teacher_id": teacher_id,
            "room_id": room_id,
            "start_date": start_date,
            "end_date": end_date,
        }
        validate_meeting(row, context)
        rows.append(row)

    meetings = [SectionMeeting(**row) for row in rows]
    with savepoint(session):
        for meeting in meetings:
            session.add(meeting)
            audit(session, actor, "schedule_section", meeting, before=None)
    return meetings


def reassign(
    session: Session,
    actor: str,
    section_meeting_id: int,
    *,
    teacher_id: int | None,
    room_id: int | None,
) -> SectionMeeting:
    """Give one meeting its own teacher and room; None means the section's."""
    meeting = get(session, SectionMeeting, section_meeting_id)
    context = load_meeting_context(session, [meeting.section_id], [teacher_id])
    row = {"teacher_id": teacher_id, "room_id": room_id}
    validate_assignment(row, context.sections[meeting.section_id], context)

    before = snapshot(meeting)
    with savepoint(session):
        meeting.teacher_id = teacher_id
        meeting.room_id = room_id
        audit(session, actor, "reassign_meeting", meeting, before=before)
    return meeting


def unschedule(session: Session, actor: str, section_meeting_id: int) -> None:
    """Take a meeting off the timetable."""
    meeting = get(session, SectionMeeting, section_meeting_id)
    before = snapshot(meeting)
    with savepoint(session):
        session.delete(meeting)
        session.flush()
        audit(session, actor, "unschedule_delete", meeting, before)


def bulk_schedule(session: Session, rows: Iterable[dict[str, Any]], actor: str) -> int:
    """Validate and insert many meetings (section, period, optional teacher,
    room and dates), with the rules of `schedule_section`."""
    rows = list(rows)
    context = load_meeting_context(
        session,
        {row["section_id"] for row in rows},
        {row.get("teacher_id") for row in rows},
    )

    return insert_validated(
        session,
        SectionMeeting,
        rows,
        lambda row: validate_meeting(row, context),
        actor,
        "bulk_schedule",
    )
