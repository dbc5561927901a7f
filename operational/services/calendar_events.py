"""School calendar events: holidays, exams, parent evenings, performances.

`calendar_day` stays the instructional calendar; events sit beside it. A
holiday on a day the calendar counts as instructional is refused, because
membership days and every attendance rate are counted from that calendar
and it must agree with the holidays families are told about. Closing the
day is a deliberate act: `add_event(..., close_days=True)` makes those days
non-instructional in the same write, with the holiday as the reason, unless
attendance is already recorded on one of them. `holidays_on_instructional_days`
flags the holidays a later calendar change reopened.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from operational.audit import audit, snapshot
from operational.errors import (
    DayHasAttendance,
    HolidayOnInstructionalDay,
    InvalidValue,
)
from operational.models import (
    CalendarDay,
    CalendarEvent,
    DailyAttendance,
    School,
    SchoolYear,
    Section,
    SectionAttendance,
)
from operational.services._writes import insert_validated, savepoint
from operational.services.records import get, lookup
from operational.services.timetable import MINUTES_A_DAY, clock, minute_of
from operational.vocabulary import CALENDAR_EVENT_KINDS

TITLE_LENGTH = 100


@dataclass
class EventContext:
    schools: dict[int, School]
    years: dict[int, SchoolYear]
    instructional: set[tuple[int, dt.date]]


def load_event_context(session: Session, school_ids: Iterable[int]) -> EventContext:
    school_ids = set(school_ids)
    schools = session.scalars(select(School).where(School.school_id.in_(school_ids)))
    days = session.execute(
        select(CalendarDay.school_id, CalendarDay.calendar_date).where(
            CalendarDay.school_id.in_(school_ids), CalendarDay.is_instructional
        )
    )
    return EventContext(
        schools={school.school_id: school for school in schools},
        years={y.school_year_id: y for y in session.scalars(select(SchoolYear))},
        instructional={(school_id, day) for school_id, day in days},
    )


def dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def validate_event(row: dict[str, Any], context: EventContext) -> None:
    """Every rule a calendar event must meet; fills in the optional fields."""
    school = lookup(context.schools, row["school_id"], School)
    year = lookup(context.years, row["school_year_id"], SchoolYear)
    if row["kind"] not in CALENDAR_EVENT_KINDS:
        raise InvalidValue(
            f"{row['kind']!r} is not a kind of calendar event; use one of: "
            + ", ".join(CALENDAR_EVENT_KINDS)
        )
    title = row["title"] = (row.get("title") or "").strip()
    if not title or len(title) > TITLE_LENGTH:
        raise InvalidValue(f"an event needs a title of 1 to {TITLE_LENGTH} characters")
    row.setdefault("description", None)

    start = row["start_date"]
    end = row["end_date"] = row.get("end_date") or start
    if start > end:
        raise InvalidValue(f"{title} ends on {end}, before it starts on {start}")
    if start < year.start_date or end > year.end_date:
        raise InvalidValue(
            f"{title} must fall within the {year.name} school year "
            f"({year.start_date} to {year.end_date})"
        )
    validate_times(row, title)

    if row["kind"] == "holiday":
        open_days = [
            day
            for day in dates(start, end)
            if (school.school_id, day) in context.instructional
        ]
        if open_days:
            raise HolidayOnInstructionalDay(
                f"{title} falls on {describe_days(open_days)}, which the calendar of "
                f"{school.name} counts as instructional; make the days "
                "non-instructional first, or add the holiday with close_days"
            )


def validate_times(row: dict[str, Any], title: str) -> None:
    start = row.setdefault("start_minute", None)
    end = row.setdefault("end_minute", None)
    if (start is None) != (end is None):
        raise InvalidValue(
            f"{title} needs both a start and an end time, or neither for an "
            "all-day event"
        )
    if start is None:
        return
    if not (0 <= start <= MINUTES_A_DAY and 0 <= end <= MINUTES_A_DAY):
        raise InvalidValue(f"{title} has a time outside the day (00:00 to 24:00)")
    if row["start_date"] == row["end_date"] and start >= end:
        raise InvalidValue(
            f"{title} must end after it starts ({clock(start)} to {clock(end)})"
        )


def describe_days(days: list[dt.date]) -> str:
    """`2025-11-27` or `3 days from 2025-11-26 to 2025-11-28`."""
    if len(days) == 1:
        return str(days[0])
    return f"{len(days)} days from {days[0]} to {days[-1]}"


def add_event(
    session: Session,
    actor: str,
    *,
    school_id: int,
    school_year_id: int,
    kind: str,
    title: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    description: str | None = None,
    close_days: bool = False,
) -> CalendarEvent:
    """Put an event on a school's calendar; all day unless times are given.

    With `close_days`, a holiday makes the instructional days it covers
    non-instructional, with its title as the reason.
    """
    row = {
        "school_id": school_id,
        "school_year_id": school_year_id,
        "kind": kind,
        "title": title,
        "description": description,
        "start_date": start_date,
        "end_date": end_date,
        "start_minute": None if start_time is None else minute_of(start_time),
        "end_minute": None if end_time is None else minute_of(end_time),
    }
    context = load_event_context(session, [school_id])
    closing: list[dt.date] = []
    if close_days:
        if kind != "holiday":
            raise InvalidValue("only a holiday closes the days it covers")
        closing = [
            day
            for day in dates(start_date, end_date or start_date)
            if (school_id, day) in context.instructional
        ]
        refuse_days_with_attendance(session, school_id, closing, title)
        context.instructional -= {(school_id, day) for day in closing}
    validate_event(row, context)

    event = CalendarEvent(**row)
    with savepoint(session):
        for day in closing:
            calendar_day = session.get(CalendarDay, (school_id, day))
            before = snapshot(calendar_day)
            calendar_day.is_instructional = False
            calendar_day.reason = row["title"]
            audit(session, actor, "close_calendar_day", calendar_day, before)
        session.add(event)
        audit(session, actor, "add_event", event, before=None)
    return event


def refuse_days_with_attendance(
    session: Session, school_id: int, days: list[dt.date], title: str
) -> None:
    """A day with attendance taken was a school day; closing it would leave
    records on a day nobody was in membership."""
    if not days:
        return
    daily = select(DailyAttendance.attendance_date).where(
        DailyAttendance.school_id == school_id,
        DailyAttendance.attendance_date.in_(days),
    )
    by_section = (
        select(SectionAttendance.attendance_date)
        .join(Section, Section.section_id == SectionAttendance.section_id)
        .where(
            Section.school_id == school_id,
            SectionAttendance.attendance_date.in_(days),
        )
    )
    taken = sorted(set(session.scalars(daily)) | set(session.scalars(by_section)))
    if taken:
        raise DayHasAttendance(
            f"attendance is already recorded on {describe_days(taken)}; correct "
            f"those records before closing the school for {title.strip()}"
        )


def bulk_add_events(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many events, with the rules of `add_event` (a
    holiday must already be a closed day: the bulk path closes nothing)."""
    rows = list(rows)
    context = load_event_context(session, {row["school_id"] for row in rows})

    return insert_validated(
        session,
        CalendarEvent,
        rows,
        lambda row: validate_event(row, context),
        actor,
        "bulk_add_events",
    )


def remove_event(session: Session, actor: str, calendar_event_id: int) -> None:
    """Take an event off the calendar; days a holiday closed stay closed,
    since reopening a school day is a calendar decision of its own."""
    event = get(session, CalendarEvent, calendar_event_id)
    before = snapshot(event)
    with savepoint(session):
        session.delete(event)
        session.flush()
        audit(session, actor, "remove_event_delete", event, before)


def events_between(
    session: Session, school_id: int, start: dt.date, end: dt.date
) -> list[CalendarEvent]:
    """A school's events that touch the dates from `start` to `end`."""
    return list(
        session.scalars(
            select(CalendarEvent)
            .where(
                CalendarEvent.school_id == school_id,
                CalendarEvent.start_date <= end,
                CalendarEvent.end_date >= start,
            )
            .order_by(
                CalendarEvent.start_date,
                CalendarEvent.start_minute,
                CalendarEvent.calendar_event_id,
            )
        )
    )


def holidays_on_instructional_days(
    session: Session, school_year_id: int
) -> list[tuple[CalendarEvent, dt.date]]:
    """Each holiday and instructional day it covers, for a calendar that was
    reopened after the holiday was added; empty when the calendars agree."""
    rows = session.execute(
        select(CalendarEvent, CalendarDay.calendar_date)
        .join(
            CalendarDay,
            and_(
                CalendarDay.school_id == CalendarEvent.school_id,
                CalendarDay.calendar_date >= CalendarEvent.start_date,
                CalendarDay.calendar_date <= CalendarEvent.end_date,
            ),
        )
        .where(
            CalendarEvent.school_year_id == school_year_id,
            CalendarEvent.kind == "holiday",
            CalendarDay.is_instructional,
        )
        .order_by(CalendarEvent.school_id, CalendarDay.calendar_date)
    )
    return [(event, day) for event, day in rows]
