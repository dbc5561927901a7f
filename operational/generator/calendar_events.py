"""The synthetic district's calendar events, beside its instructional calendar.

Each school's closures become events (holidays, and the staff-development,
conference and end-of-semester days by their own kinds), and every school
year has a back-to-school night, a winter concert and a spring open house;
high schools add their semester and final exam days. Holidays land only on
days the calendar already closes, as the calendar event service requires.
"""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.models import CalendarDay, School, SchoolYear

# Closures of the generated calendar that are not holidays for staff.
CLOSURE_KINDS = {
    "staff development": "staff_meeting",
    "parent-teacher conferences": "parent_evening",
    "end of semester": "other",
}
EXAM_DAYS = 3


def event_rows(session: Session, school: School, year: SchoolYear) -> list[dict]:
    """The school's closures as events, and the evenings of its year."""
    days = session.execute(
        select(
            CalendarDay.calendar_date, CalendarDay.is_instructional, CalendarDay.reason
        )
        .where(
            CalendarDay.school_id == school.school_id,
            CalendarDay.school_year_id == year.school_year_id,
        )
        .order_by(CalendarDay.calendar_date)
    ).all()
    base = {"school_id": school.school_id, "school_year_id": year.school_year_id}
    rows = [base | row for row in closure_events(days)]
    instructional = [day for day, is_open, _ in days if is_open]
    if not instructional:
        return rows

    def evening(kind, title, day, start, end):
        if year.start_date <= day <= year.end_date:
            rows.append(
                base
                | {
                    "kind": kind,
                    "title": title,
                    "start_date": day,
                    "start_minute": start,
                    "end_minute": end,
                }
            )

    first = instructional[0]
    evening(
        "parent_evening",
        "Back-to-school night",
        weekday_on_or_after(first + dt.timedelta(days=14), 3),
        18 * 60,
        19 * 60 + 30,
    )
    december = dt.date(first.year, 12, 1)
    concert = "Winter concert" if school.level != "elementary" else "Winter sing-along"
    evening(
        "performance",
        concert,
        weekday_on_or_after(december, 1) + dt.timedelta(7),
        18 * 60 + 30,
        20 * 60,
    )
    april = dt.date(first.year + 1, 4, 1)
    evening(
        "open_house",
        "Spring open house",
        weekday_on_or_after(april, 3) + dt.timedelta(7),
        17 * 60 + 30,
        19 * 60,
    )
    if school.level == "high":
        rows += [base | row for row in exam_events(days, instructional)]
    return rows


def weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def closure_events(days) -> list[dict]:
    """One event a run of closed days with one reason (a weekend may lie
    inside the run)."""
    runs: list[list] = []
    for day, is_open, reason in days:
        if is_open or reason == "weekend":
            continue
        last = runs[-1] if runs else None
        if last and last[0] == reason and (day - last[2]).days <= 3:
            last[2] = day
        else:
            runs.append([reason, day, day])
    return [
        {
            "kind": CLOSURE_KINDS.get(reason, "holiday"),
            "title": reason[0].upper() + reason[1:],
            "start_date": start,
            "end_date": end,
        }
        for reason, start, end in runs
    ]


def exam_events(days, instructional: list[dt.date]) -> list[dict]:
    """Semester exams on the school days before the end of the semester, and
    finals on the last school days of the year."""
    rows = []
    semester_end = next((d for d, _, r in days if r == "end of semester"), None)
    if semester_end is not None:
        before = [d for d in instructional if d < semester_end][-EXAM_DAYS:]
        if before:
            rows.append(
                {
                    "kind": "exam",
                    "title": "Semester exams",
                    "start_date": before[0],
                    "end_date": before[-1],
                }
            )
    finals = instructional[-EXAM_DAYS:]
    rows.append(
        {
            "kind": "exam",
            "title": "Final exams",
            "start_date": finals[0],
            "end_date": finals[-1],
        }
    )
    return rows
