"""Student intake: a new student, their guardians and a first enrollment,
written together or not at all.

The student, each guardian, the links between them and the enrollment are
separate records, so the rules that span them live here: one student number
per student across the district, exactly one primary contact who can be
reached, and a birth date before the first day at school. Each record still
passes the validation of `records.create` and `enrollment.enroll`.
"""

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from operational.errors import Conflict, InvalidValue
from operational.models import Enrollment, Guardian, Student, StudentGuardian
from operational.services import enrollment, records
from operational.services._writes import savepoint

log = logging.getLogger(__name__)

# Deliverability is the mail server's to judge; this only catches typing slips.
EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class NewStudent:
    student_number: str
    first_name: str
    last_name: str
    birth_date: dt.date
    sex: str
    race_ethnicity: str
    middle_name: str = ""
    home_language: str = "English"


@dataclass(frozen=True)
class NewGuardian:
    first_name: str
    last_name: str
    relationship: str
    email: str = ""
    phone: str = ""
    is_primary_contact: bool = False
    has_custody: bool = True


@dataclass(frozen=True)
class FirstEnrollment:
    school_id: int
    school_year_id: int
    grade_level: int
    entry_date: dt.date
    entry_code: str = "new"


def blank_to_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def validate_student(session: Session, student: NewStudent, entry_date: dt.date):
    number = student.student_number.strip()
    if not number:
        raise InvalidValue("a new student needs a student number")
    if not student.first_name.strip() or not student.last_name.strip():
        raise InvalidValue("a new student needs a first and a last name")
    if not student.home_language.strip():
        raise InvalidValue("a new student needs a home language")
    taken = session.scalar(select(exists().where(Student.student_number == number)))
    if taken:
        # The holder is not named: they may be outside the user's schools.
        raise Conflict(
            f"the student number {number} is already taken; a student keeps one "
            "number across the district, so find that student instead of "
            "creating a new one"
        )
    if student.birth_date is None:
        raise InvalidValue("a new student needs a birth date")
    if student.birth_date >= entry_date:
        raise InvalidValue(
            f"the birth date {student.birth_date} is not before the entry date "
            f"{entry_date}"
        )


def validate_guardians(guardians: Sequence[NewGuardian]) -> None:
    if not guardians:
        raise InvalidValue("a new student needs at least one guardian")
    for number, guardian in enumerate(guardians, start=1):
        if not guardian.first_name.strip() or not guardian.last_name.strip():
            raise InvalidValue(f"guardian {number} needs a first and a last name")
        email = guardian.email.strip()
        if email and not EMAIL_ADDRESS.fullmatch(email):
            raise InvalidValue(
                f"{email!r}, the email of guardian {number}, is not an email address"
            )

    primary = [g for g in guardians if g.is_primary_contact]
    if len(primary) != 1:
        raise InvalidValue(
            "mark exactly one guardian as the primary contact "
            f"({len(primary)} are marked)"
        )
    if not primary[0].email.strip() and not primary[0].phone.strip():
        raise InvalidValue(
            "the primary contact needs an email address or a phone number, so "
            "the school can reach them"
        )


def create_guardian(
    session: Session, actor: str, student_id: int, guardian: NewGuardian
) -> None:
    record = records.create(
        session,
        Guardian,
        actor,
        first_name=guardian.first_name.strip(),
        last_name=guardian.last_name.strip(),
        email=blank_to_none(guardian.email),
        phone=blank_to_none(guardian.phone),
    )
    records.create(
        session,
        StudentGuardian,
        actor,
        student_id=student_id,
        guardian_id=record.guardian_id,
        relationship=guardian.relationship,
        is_primary_contact=guardian.is_primary_contact,
        has_custody=guardian.has_custody,
    )


def admit_new_student(
    session: Session,
    actor: str,
    student: NewStudent,
    guardians: Sequence[NewGuardian],
    first_enrollment: FirstEnrollment,
) -> Enrollment:
    """Create the student with their guardians and enroll them; a refusal
    of any part, the enrollment included, leaves none of it written."""
    validate_student(session, student, first_enrollment.entry_date)
    validate_guardians(guardians)

    with savepoint(session):
        created = records.create(
            session,
            Student,
            actor,
            student_number=student.student_number.strip(),
            first_name=student.first_name.strip(),
            middle_name=blank_to_none(student.middle_name),
            last_name=student.last_name.strip(),
            birth_date=student.birth_date,
            sex=student.sex,
            race_ethnicity=student.race_ethnicity,
            home_language=student.home_language.strip(),
        )
        for guardian in guardians:
            create_guardian(session, actor, created.student_id, guardian)
        stay = enrollment.enroll(
            session,
            actor,
            student_id=created.student_id,
            school_id=first_enrollment.school_id,
            school_year_id=first_enrollment.school_year_id,
            grade_level=first_enrollment.grade_level,
            entry_date=first_enrollment.entry_date,
            entry_code=first_enrollment.entry_code,
        )
    log.info(
        "admitted student %s with %d guardian(s) to school %s",
        created.student_id,
        len(guardians),
        first_enrollment.school_id,
    )
    return stay
