"""Calendar events beside the instructional calendar.

The test school is in session on weekdays from Monday September 1 to Friday
September 26 2025, except Friday September 12 (staff development); weekends
are closed and its calendar ends on September 30.
"""

import datetime as dt

import pytest
from sqlalchemy import select

from operational.errors import (
    DayHasAttendance,
    HolidayOnInstructionalDay,
    InvalidValue,
    NotFound,
)
from operational.models import CalendarDay, CalendarEvent, DeletedRecord
from operational.services import attendance, calendar_events, records
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

MONDAY_15, TUESDAY_16 = dt.date(2025, 9, 15), dt.date(2025, 9, 16)
STAFF_DAY, SATURDAY_6 = dt.date(2025, 9, 12), dt.date(2025, 9, 6)


def add(session, school, **values):
    fields = {
        "school_id": school.school.school_id,
        "school_year_id": school.year.school_year_id,
        "kind": "exam",
        "title": "Algebra midterm",
        "start_date": MONDAY_15,
    }
    return calendar_events.add_event(session, ACTOR, **(fields | values))


def calendar(session, school, *days) -> list[tuple]:
    return session.execute(
        select(
            CalendarDay.calendar_date,
            CalendarDay.is_instructional,
            CalendarDay.reason,
        )
        .where(
            CalendarDay.school_id == school.school.school_id,
            CalendarDay.calendar_date.in_(days),
        )
        .order_by(CalendarDay.calendar_date)
    ).all()


def test_a_timed_event_is_saved_and_audited(school_session, school):
    mark = audit_mark(school_session)

    event = add(
        school_session,
        school,
        kind="parent_evening",
        title="  Parents' evening ",
        start_time=dt.time(18),
        end_time=dt.time(20, 30),
    )

    # 18:00 is 18 x 60 = 1080 minutes after midnight, 20:30 is 1230.
    assert (event.title, event.end_date) == ("Parents' evening", MONDAY_15)
    assert (event.start_minute, event.end_minute) == (1080, 1230)
    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values["kind"]) == ("add_event", "parent_evening")


def test_a_holiday_on_an_instructional_day_is_refused(school_session, school):
    with refused(
        school_session,
        HolidayOnInstructionalDay,
        "Founders' Day falls on 2 days from 2025-09-15 to 2025-09-16, which the "
        "calendar of Lincoln High counts as instructional; make the days "
        "non-instructional first, or add the holiday with close_days",
        CalendarEvent,
        CalendarDay,
    ):
        add(
            school_session,
            school,
            kind="holiday",
            title="Founders' Day",
            end_date=TUESDAY_16,
        )


def test_a_holiday_on_closed_days_is_accepted(school_session, school):
    # Friday 12 (staff day) to Sunday 14: every day already closed.
    event = add(
        school_session,
        school,
        kind="holiday",
        title="Long weekend",
        start_date=STAFF_DAY,
        end_date=dt.date(2025, 9, 14),
    )

    assert event.calendar_event_id is not None


def test_a_holiday_can_close_the_days_it_covers(school_session, school):
    mark = audit_mark(school_session)

    add(
        school_session,
        school,
        kind="holiday",
        title="Founders' Day",
        end_date=TUESDAY_16,
        close_days=True,
    )

    assert calendar(school_session, school, MONDAY_15, TUESDAY_16) == [
        (MONDAY_15, False, "Founders' Day"),
        (TUESDAY_16, False, "Founders' Day"),
    ]
    rows = audit_since(school_session, mark)
    assert [row.action for row in rows] == [
        "close_calendar_day",
        "close_calendar_day",
        "add_event",
    ]
    assert rows[0].before_values["is_instructional"] is True


def test_a_day_with_attendance_is_not_closed(school_session, school):
    student = school.enrolled(school_session, "1001")
    attendance.record_daily(
        school_session,
        ACTOR,
        student_id=student.student_id,
        school_id=school.school.school_id,
        attendance_date=TUESDAY_16,
        code="EA",
    )
    with refused(
        school_session,
        DayHasAttendance,
        "attendance is already recorded on 2025-09-16; correct those records "
        "before closing the school for Founders' Day",
        CalendarEvent,
    ):
        add(
            school_session,
            school,
            kind="holiday",
            title="Founders' Day",
            end_date=TUESDAY_16,
            close_days=True,
        )

    assert calendar(school_session, school, MONDAY_15, TUESDAY_16) == [
        (MONDAY_15, True, None),
        (TUESDAY_16, True, None),
    ]


def test_only_a_holiday_closes_days(school_session, school):
    with refused(
        school_session,
        InvalidValue,
        "only a holiday closes the days it covers",
        CalendarEvent,
        CalendarDay,
    ):
        add(school_session, school, close_days=True)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"school_id": 0}, NotFound, "no school with id 0"),
        ({"kind": "party"}, InvalidValue, "'party' is not a kind of calendar event"),
        ({"title": " "}, InvalidValue, "an event needs a title of 1 to 100"),
        ({"title": "x" * 101}, InvalidValue, "an event needs a title of 1 to 100"),
        (
            {"end_date": dt.date(2025, 9, 14)},
            InvalidValue,
            "Algebra midterm ends on 2025-09-14, before it starts on 2025-09-15",
        ),
        (
            {"start_date": dt.date(2026, 6, 13)},
            InvalidValue,
            "Algebra midterm must fall within the 2025-2026 school year "
            "(2025-08-25 to 2026-06-12)",
        ),
        (
            {"start_time": dt.time(9)},
            InvalidValue,
            "Algebra midterm needs both a start and an end time, or neither",
        ),
        (
            {"start_time": dt.time(10), "end_time": dt.time(9)},
            InvalidValue,
            "Algebra midterm must end after it starts (10:00 to 09:00)",
        ),
    ],
    ids=[
        "school",
        "kind",
        "no title",
        "long title",
        "dates",
        "year",
        "one time",
        "times",
    ],
)
def test_a_wrong_event_is_refused(school_session, school, changes, error, message):
    with refused(school_session, error, message, CalendarEvent):
        add(school_session, school, **changes)


def test_an_overnight_event_may_end_earlier_in_the_day(school_session, school):
    event = add(
        school_session,
        school,
        kind="field_trip",
        title="Science camp",
        end_date=TUESDAY_16,
        start_time=dt.time(16),
        end_time=dt.time(11),
    )

    # 16:00 is 960 minutes, 11:00 is 660.
    assert (event.start_minute, event.end_minute) == (960, 660)


def test_bulk_events_are_validated_and_audited_once(school_session, school):
    base = {
        "school_id": school.school.school_id,
        "school_year_id": school.year.school_year_id,
    }
    rows = [
        base | {"kind": "holiday", "title": "Closed", "start_date": SATURDAY_6},
        base
        | {
            "kind": "performance",
            "title": "Autumn concert",
            "start_date": dt.date(2025, 9, 25),
            "start_minute": 1140,
            "end_minute": 1260,
        },
    ]
    mark = audit_mark(school_session)

    assert calendar_events.bulk_add_events(school_session, rows, ACTOR) == 2

    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values) == ("bulk_add_events", {"n_rows": 2})
    holiday = base | {"kind": "holiday", "title": "Open", "start_date": MONDAY_15}
    with refused(
        school_session,
        HolidayOnInstructionalDay,
        "Open falls on 2025-09-15",
        CalendarEvent,
    ):
        calendar_events.bulk_add_events(school_session, [rows[0] | {}, holiday], ACTOR)


def test_a_removed_event_leaves_a_deletion_record(school_session, school):
    event = add(school_session, school)
    key = event.calendar_event_id
    mark = audit_mark(school_session)

    calendar_events.remove_event(school_session, ACTOR, key)

    assert school_session.get(CalendarEvent, key) is None
    [row] = audit_since(school_session, mark)
    assert (row.action, row.before_values["title"]) == (
        "remove_event_delete",
        "Algebra midterm",
    )
    deleted = school_session.scalars(
        select(DeletedRecord.record_key).where(
            DeletedRecord.table_name == "calendar_event"
        )
    ).all()
    assert {"calendar_event_id": key} in deleted


def test_events_between_lists_what_touches_the_dates(school_session, school):
    add(
        school_session,
        school,
        title="Late",
        start_time=dt.time(14),
        end_time=dt.time(15),
    )
    add(
        school_session,
        school,
        title="Early",
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    add(
        school_session,
        school,
        kind="field_trip",
        title="Camp",
        start_date=dt.date(2025, 9, 10),
        end_date=MONDAY_15,
    )
    add(school_session, school, title="Later", start_date=dt.date(2025, 9, 22))

    found = calendar_events.events_between(
        school_session, school.school.school_id, MONDAY_15, TUESDAY_16
    )

    # Camp (Sep 10-15) touches Monday 15; the timed exams sort by start time.
    assert [event.title for event in found] == ["Camp", "Early", "Late"]


def test_a_reopened_holiday_is_flagged(school_session, school):
    add(
        school_session,
        school,
        kind="holiday",
        title="Founders' Day",
        close_days=True,
    )
    assert (
        calendar_events.holidays_on_instructional_days(
            school_session, school.year.school_year_id
        )
        == []
    )

    day = school_session.get(CalendarDay, (school.school.school_id, MONDAY_15))
    records.update(school_session, day, ACTOR, is_instructional=True, reason=None)

    [(event, flagged)] = calendar_events.holidays_on_instructional_days(
        school_session, school.year.school_year_id
    )
    assert (event.title, flagged) == ("Founders' Day", MONDAY_15)
