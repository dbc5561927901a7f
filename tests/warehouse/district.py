"""The test district of the mart tests: its shape, and the helpers that
build it through the services.

Lincoln High and Roosevelt High of `tests/support/school.py`, with the four
school years before 2025-2026 (each Aug 25 to Jun 12), and the warehouse
built as of Wednesday October 15 2025. October 2025 is on both calendars,
weekdays instructional, except that Roosevelt is closed on October 1. So up
to the as-of date Lincoln has 30 instructional days (19 in September, 11 in
October) and Roosevelt 29. Graduation needs 8 credits: 4 in mathematics and
4 in English. Who the students are is in `district_students.py`.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
from sqlalchemy.orm import Session

from operational.models import (
    CalendarDay,
    Course,
    Diploma,
    Enrollment,
    GradingPeriod,
    GraduationRequirement,
    School,
    SchoolYear,
    Section,
)
from operational.services import enrollment, grading, records, rosters
from tests.support.school import ACTOR, FIRST_DAY, TestSchool

AS_OF = dt.date(2025, 10, 15)
TEACHER = "test:teacher"


@dataclass
class District:
    """The built district: the test school, the years by the calendar year
    they start in, Lincoln's sections and grading periods by code, and the
    students' ids by student number."""

    school: TestSchool
    years: dict[int, SchoolYear]
    sections: dict[str, Section] = field(default_factory=dict)
    periods: dict[str, GradingPeriod] = field(default_factory=dict)
    students: dict[str, int] = field(default_factory=dict)

    @property
    def lincoln(self) -> School:
        return self.school.school

    @property
    def roosevelt(self) -> School:
        return self.school.other_school


def rows(connection: duckdb.DuckDBPyConnection, sql: str, *params) -> list[dict]:
    """The query's rows as dicts of column name to value."""
    result = connection.execute(sql, list(params))
    names = [column[0] for column in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def add_years(session: Session, school: TestSchool) -> dict[int, SchoolYear]:
    years = {2025: school.year}
    for start in range(2021, 2025):
        years[start] = records.create(
            session,
            SchoolYear,
            ACTOR,
            name=f"{start}-{start + 1}",
            start_date=dt.date(start, 8, 25),
            end_date=dt.date(start + 1, 6, 12),
        )
    return years


def add_october(session: Session, district: District) -> None:
    october = [dt.date(2025, 10, day) for day in range(1, 32)]
    calendar = []
    for building in (district.lincoln, district.roosevelt):
        for day in october:
            closed = None
            if day.weekday() >= 5:
                closed = "weekend"
            elif building is district.roosevelt and day.day == 1:
                closed = "fall break"
            calendar.append(
                {
                    "school_id": building.school_id,
                    "calendar_date": day,
                    "school_year_id": district.years[2025].school_year_id,
                    "is_instructional": closed is None,
                    "reason": closed,
                }
            )
    records.bulk_create(session, CalendarDay, calendar, ACTOR)


def add_catalogue(session: Session, district: District) -> None:
    """Courses, the graduation requirements (8 credits), sections, and a
    third grading period at Lincoln (P3, Sep 29 to Oct 31, open)."""
    create = records.create
    courses = {"MATH-101": district.school.course}
    for code, title, subject, credits in [
        ("ENG-101", "English I", "english", "1.00"),
        ("ART-101", "Drawing", "arts", "0.50"),
    ]:
        courses[code] = create(
            session,
            Course,
            ACTOR,
            course_code=code,
            title=title,
            subject=subject,
            credits=Decimal(credits),
            low_grade=9,
            high_grade=12,
        )
    for subject in ("mathematics", "english"):
        create(
            session,
            GraduationRequirement,
            ACTOR,
            subject=subject,
            credits_required=Decimal("4.00"),
        )
    for code, course, start in [
        ("ALG-24", "MATH-101", 2024),
        ("ENG-24", "ENG-101", 2024),
        ("ART-24", "ART-101", 2024),
        ("ALG-25", "MATH-101", 2025),
        ("ENG-25", "ENG-101", 2025),
    ]:
        district.sections[code] = create(
            session,
            Section,
            ACTOR,
            course_id=courses[course].course_id,
            school_id=district.lincoln.school_id,
            school_year_id=district.years[start].school_year_id,
            section_code=code,
            capacity=30,
        )
    district.periods["P2"] = district.school.open_period
    district.periods["P3"] = create(
        session,
        GradingPeriod,
        ACTOR,
        school_id=district.lincoln.school_id,
        school_year_id=district.years[2025].school_year_id,
        name="P3",
        sequence=3,
        start_date=dt.date(2025, 9, 29),
        end_date=dt.date(2025, 10, 31),
        is_closed=False,
    )


def student(session: Session, district: District, number: str, **values) -> int:
    student_id = district.school.student(session, number, **values).student_id
    district.students[number] = student_id
    return student_id


def stay(
    session: Session,
    district: District,
    number: str,
    start_year: int,
    grade: int,
    *,
    school: School | None = None,
    entry: dt.date | None = None,
    entry_code: str = "continuing",
    exit_: dt.date | None = None,
    exit_code: str | None = "end_of_year",
) -> Enrollment:
    """An enrollment in one year, from its first day (or `entry`) to its last
    (or `exit_`); `exit_code=None` leaves it open."""
    year = district.years[start_year]
    enrolled = enrollment.enroll(
        session,
        ACTOR,
        student_id=district.students[number],
        school_id=(school or district.lincoln).school_id,
        school_year_id=year.school_year_id,
        grade_level=grade,
        entry_date=entry or year.start_date,
        entry_code=entry_code,
    )
    if exit_code is not None:
        enrollment.withdraw(
            session,
            ACTOR,
            enrolled.enrollment_id,
            exit_date=exit_ or year.end_date,
            exit_code=exit_code,
        )
    return enrolled


def diploma(
    session: Session, district: District, number: str, school: School, day: dt.date
) -> None:
    records.create(
        session,
        Diploma,
        ACTOR,
        student_id=district.students[number],
        school_id=school.school_id,
        diploma_type="regular",
        awarded_date=day,
    )


def current(
    session: Session,
    district: District,
    number: str,
    grade: int,
    *,
    school: School | None = None,
    entry: dt.date = FIRST_DAY,
    entry_code: str = "continuing",
) -> Enrollment:
    """An open enrollment in 2025-2026, from September 1 by default."""
    return stay(
        session,
        district,
        number,
        2025,
        grade,
        school=school,
        entry=entry,
        entry_code=entry_code,
        exit_code=None,
    )


def place(session: Session, district: District, number: str, code: str) -> None:
    """On a section's roster from the student's first day of its year."""
    section = district.sections[code]
    first_days = {
        year.school_year_id: FIRST_DAY if start == 2025 else year.start_date
        for start, year in district.years.items()
    }
    rosters.place(
        session,
        ACTOR,
        section_id=section.section_id,
        student_id=district.students[number],
        entry_date=first_days[section.school_year_id],
    )


def final_grade(
    session: Session, district: District, number: str, code: str, percent: str
) -> None:
    place(session, district, number, code)
    grading.post_final_grade(
        session,
        TEACHER,
        student_id=district.students[number],
        section_id=district.sections[code].section_id,
        percent=Decimal(percent),
    )
