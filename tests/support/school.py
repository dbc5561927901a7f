"""A small hand-made school, built through the services, for tests.

September 2025 at Lincoln High: instructional on weekdays from Monday
September 1 to Friday September 26, except Friday September 12 (a staff
development day); weekends are closed. Two grading periods: P1 Sep 1-12
(closed) and P2 Sep 15-26 (open). One course with one section of 2 seats.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from operational.models import (
    AttendanceCode,
    CalendarDay,
    Course,
    District,
    GradeScale,
    GradeScaleBand,
    GradingPeriod,
    School,
    SchoolYear,
    Section,
    Staff,
    Student,
)
from operational.services import enrollment, records

ACTOR = "test:registrar"
FIRST_DAY = dt.date(2025, 9, 1)
LAST_DAY = dt.date(2025, 9, 26)
STAFF_DAY = dt.date(2025, 9, 12)

CODES = [
    ("T", "tardy", "Tardy"),
    ("EA", "excused_absence", "Excused absence"),
    ("UA", "unexcused_absence", "Unexcused absence"),
    ("OSS", "suspension", "Out-of-school suspension"),
    ("PR", "present", "Present, school activity"),
]

BANDS = [
    ("A", "90", "4.0", True),
    ("B", "80", "3.0", True),
    ("C", "70", "2.0", True),
    ("D", "60", "1.0", True),
    ("F", "0", "0.0", False),
]


@dataclass
class TestSchool:
    district: District
    school: School
    other_school: School
    year: SchoolYear
    closed_period: GradingPeriod
    open_period: GradingPeriod
    course: Course
    section: Section
    teacher: Staff

    def student(self, session: Session, number: str, **values) -> Student:
        fields = {
            "student_number": number,
            "first_name": "Ada",
            "last_name": f"Student{number}",
            "birth_date": dt.date(2010, 3, 4),
            "sex": "F",
            "race_ethnicity": "white",
        }
        return records.create(session, Student, ACTOR, **(fields | values))

    def enrolled(
        self,
        session: Session,
        number: str,
        entry_date: dt.date = FIRST_DAY,
        school: School | None = None,
    ) -> Student:
        """A new student in grade 9, enrolled from `entry_date` (open-ended)."""
        student = self.student(session, number)
        enrollment.enroll(
            session,
            ACTOR,
            student_id=student.student_id,
            school_id=(school or self.school).school_id,
            school_year_id=self.year.school_year_id,
            grade_level=9,
            entry_date=entry_date,
        )
        return student


def build_school(session: Session) -> TestSchool:
    create = records.create
    district = create(session, District, ACTOR, name="Test District", state_code="OR")
    scale = create(session, GradeScale, ACTOR, name="Letter A-F")
    for letter, minimum, points, passing in BANDS:
        create(
            session,
            GradeScaleBand,
            ACTOR,
            grade_scale_id=scale.grade_scale_id,
            letter=letter,
            min_percent=Decimal(minimum),
            grade_points=Decimal(points),
            is_passing=passing,
        )

    def school(number: str, name: str) -> School:
        return create(
            session,
            School,
            ACTOR,
            district_id=district.district_id,
            school_number=number,
            name=name,
            level="high",
            low_grade=9,
            high_grade=12,
            grade_scale_id=scale.grade_scale_id,
        )

    lincoln, roosevelt = school("100", "Lincoln High"), school("200", "Roosevelt High")
    year = create(
        session,
        SchoolYear,
        ACTOR,
        name="2025-2026",
        start_date=dt.date(2025, 8, 25),
        end_date=dt.date(2026, 6, 12),
    )
    for building in (lincoln, roosevelt):
        day = FIRST_DAY
        while day <= dt.date(2025, 9, 30):
            weekday = day.weekday() < 5
            instructional = weekday and day != STAFF_DAY and day <= LAST_DAY
            reason = None
            if not instructional:
                reason = "staff development" if weekday else "weekend"
            create(
                session,
                CalendarDay,
                ACTOR,
                school_id=building.school_id,
                calendar_date=day,
                school_year_id=year.school_year_id,
                is_instructional=instructional,
                reason=reason,
            )
            day += dt.timedelta(days=1)

    for code, category, description in CODES:
        create(
            session,
            AttendanceCode,
            ACTOR,
            code=code,
            category=category,
            description=description,
        )

    def period(name: str, sequence: int, start: dt.date, end: dt.date, closed: bool):
        return create(
            session,
            GradingPeriod,
            ACTOR,
            school_id=lincoln.school_id,
            school_year_id=year.school_year_id,
            name=name,
            sequence=sequence,
            start_date=start,
            end_date=end,
            is_closed=closed,
        )

    closed = period("P1", 1, FIRST_DAY, STAFF_DAY, True)
    open_ = period("P2", 2, dt.date(2025, 9, 15), LAST_DAY, False)
    course = create(
        session,
        Course,
        ACTOR,
        course_code="MATH-101",
        title="Algebra I",
        subject="mathematics",
        credits=Decimal("1.00"),
        low_grade=9,
        high_grade=10,
    )
    teacher = create(
        session, Staff, ACTOR, staff_number="T1", first_name="Grace", last_name="Hopper"
    )
    section = create(
        session,
        Section,
        ACTOR,
        course_id=course.course_id,
        school_id=lincoln.school_id,
        school_year_id=year.school_year_id,
        section_code="MATH-101-01",
        teacher_id=teacher.staff_id,
        capacity=2,
    )
    return TestSchool(
        district, lincoln, roosevelt, year, closed, open_, course, section, teacher
    )
