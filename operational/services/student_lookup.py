"""Reads of the admissions and enrollment page: finding a student in the
user's scope, their enrollments and guardians, and the checks that an
enrollment to end or move lies in a school the user serves."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from operational.errors import NotFound
from operational.models import (
    Enrollment,
    Guardian,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
)
from operational.services import access
from operational.services.access import Principal

# The roles whose scope is a list of whole schools' students.
SEARCHING_ROLES = ("administrator", "registrar")


@dataclass(frozen=True)
class EnrollmentLine:
    enrollment_id: int
    school_id: int
    school_name: str
    school_year: str
    grade_level: int
    entry_date: dt.date
    entry_code: str
    exit_date: dt.date | None
    exit_code: str | None

    @property
    def is_open(self) -> bool:
        return self.exit_date is None


@dataclass(frozen=True)
class GuardianLine:
    name: str
    relationship: str
    email: str | None
    phone: str | None
    is_primary_contact: bool
    has_custody: bool


def find_students(
    session: Session, principal: Principal, text: str, limit: int = 25
) -> list[Student]:
    """Students in the user's scope whose number is `text`, or whose name
    contains it; matching ignores case."""
    access.require_role(principal, SEARCHING_ROLES, "the student register")
    text = text.strip()
    if not text:
        return []
    full_name = Student.first_name + " " + Student.last_name
    query = (
        select(Student)
        .where(
            or_(
                func.lower(Student.student_number) == text.lower(),
                full_name.icontains(text, autoescape=True),
                Student.last_name.icontains(text, autoescape=True),
            )
        )
        .order_by(Student.last_name, Student.first_name, Student.student_number)
        .limit(limit)
    )
    if principal.role != "administrator":
        query = query.where(
            exists().where(
                Enrollment.student_id == Student.student_id,
                Enrollment.school_id.in_(principal.school_ids),
            )
        )
    return list(session.scalars(query))


def reachable_student(session: Session, principal: Principal, student_id: int):
    """The student, once the user's scope is known to reach them."""
    access.require_role(principal, SEARCHING_ROLES, "the student register")
    student = session.get(Student, student_id)
    if student is None:
        raise NotFound(f"no student with id {student_id}")
    access.require_student(session, principal, student_id)
    return student


def enrollment_history(session: Session, student_id: int) -> list[EnrollmentLine]:
    rows = session.execute(
        select(Enrollment, School.name, SchoolYear.name)
        .join(School, School.school_id == Enrollment.school_id)
        .join(SchoolYear, SchoolYear.school_year_id == Enrollment.school_year_id)
        .where(Enrollment.student_id == student_id)
        .order_by(Enrollment.entry_date, Enrollment.enrollment_id)
    )
    return [
        EnrollmentLine(
            enrollment_id=stay.enrollment_id,
            school_id=stay.school_id,
            school_name=school_name,
            school_year=year_name,
            grade_level=stay.grade_level,
            entry_date=stay.entry_date,
            entry_code=stay.entry_code,
            exit_date=stay.exit_date,
            exit_code=stay.exit_code,
        )
        for stay, school_name, year_name in rows
    ]


def guardians_of(session: Session, student_id: int) -> list[GuardianLine]:
    rows = session.execute(
        select(Guardian, StudentGuardian)
        .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.guardian_id)
        .where(StudentGuardian.student_id == student_id)
        .order_by(StudentGuardian.is_primary_contact.desc(), Guardian.last_name)
    )
    return [
        GuardianLine(
            name=f"{guardian.first_name} {guardian.last_name}",
            relationship=link.relationship,
            email=guardian.email,
            phone=guardian.phone,
            is_primary_contact=link.is_primary_contact,
            has_custody=link.has_custody,
        )
        for guardian, link in rows
    ]


def require_enrollment(
    session: Session, principal: Principal, enrollment_id: int
) -> Enrollment:
    """An enrollment the user may end or move: one at a school they serve.
    A transfer's receiving school may lie outside that scope, since the
    sending school's registrar is the one who knows the student is moving."""
    stay = session.get(Enrollment, enrollment_id)
    if stay is None:
        raise NotFound(f"no enrollment with id {enrollment_id}")
    access.require_school(session, principal, stay.school_id)
    return stay


def school_names(session: Session, school_ids: set[int] | None = None) -> dict:
    """School id -> name, in name order; every school when `school_ids` is None."""
    query = select(School.school_id, School.name).order_by(School.name)
    if school_ids is not None:
        query = query.where(School.school_id.in_(school_ids))
    return dict(session.execute(query).all())


def school_years(session: Session) -> list[SchoolYear]:
    """Newest first."""
    return list(
        session.scalars(select(SchoolYear).order_by(SchoolYear.start_date.desc()))
    )


def grade_span(session: Session, school_id: int) -> range:
    school = session.get(School, school_id)
    if school is None:
        raise NotFound(f"no school with id {school_id}")
    return range(school.low_grade, school.high_grade + 1)
