"""Lincoln High's September, with four students whose attendance a person
can count by hand. Built through the services into a committed database,
because the warehouse reads it from another connection.

Instructional days: the 19 weekdays from Monday 1 to Friday 26 September
2025 except Friday 12 (staff day), plus Monday 29 made instructional here:
20 days. Tuesday 30 is closed.

- A, from 1 Sep: unexcused 2 Sep, excused 3 Sep: 20 days, 2 absent, rate
  18/20 = 0.90, chronically absent (10 x 2 >= 20).
- B, from 17 Sep: 17-19, 22-26, 29 = 9 days, 1 absent (18 Sep): below the
  10-day minimum, so not counted for chronic absence.
- C, from 1 Sep: 120 minutes unexcused on 4 Sep (under half of 360: present),
  200 minutes on 5 Sep (absent), tardy 8 Sep (present): 20 days, 1 absent,
  rate 19/20 = 0.95, at risk.
- D, from 3 Sep: 18 days, never absent.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from operational.db import session_scope
from operational.models import CalendarDay
from operational.services import attendance, records
from tests.support.school import ACTOR, TestSchool, build_school

MONDAY_29 = dt.date(2025, 9, 29)


@dataclass
class AttendanceSchool:
    school: TestSchool
    student_ids: dict[str, int]  # "A" -> student_id


def day(number: int) -> dt.date:
    return dt.date(2025, 9, number)


def build_attendance_school(engine: Engine) -> AttendanceSchool:
    with session_scope(engine) as session:
        school = build_school(session)
        monday = session.scalars(
            select(CalendarDay).where(
                CalendarDay.school_id == school.school.school_id,
                CalendarDay.calendar_date == MONDAY_29,
            )
        ).one()
        records.update(session, monday, ACTOR, is_instructional=True, reason=None)

        entries = {"A": day(1), "B": day(17), "C": day(1), "D": day(3)}
        ids = {
            name: school.enrolled(session, f"90{index}", entry_date=entry).student_id
            for index, (name, entry) in enumerate(entries.items())
        }

        exceptions = [
            ("A", day(2), "UA", None),
            ("A", day(3), "EA", None),
            ("B", day(18), "UA", None),
            ("C", day(4), "UA", 120),
            ("C", day(5), "UA", 200),
            ("C", day(8), "T", None),
        ]
        for name, date, code, minutes in exceptions:
            attendance.record_daily(
                session,
                ACTOR,
                student_id=ids[name],
                school_id=school.school.school_id,
                attendance_date=date,
                code=code,
                minutes_absent=minutes,
            )
    return AttendanceSchool(school, ids)


def record_absence(
    engine: Engine, built: AttendanceSchool, name: str, date: dt.date, code: str
) -> None:
    """One more day of attendance for a student, through the services."""
    with session_scope(engine) as session:
        attendance.record_daily(
            session,
            ACTOR,
            student_id=built.student_ids[name],
            school_id=built.school.school.school_id,
            attendance_date=date,
            code=code,
        )
