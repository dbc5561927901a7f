"""Student intake: a new student with guardians and a first enrollment in one
write, and every refusal leaving nothing behind, the student included.

Dates are those of the test school: the 2025-2026 year runs from August 25
2025 to June 12 2026; Lincoln High teaches grades 9 to 12.
"""

import datetime as dt

import pytest
from sqlalchemy import select

from operational.errors import Conflict, InvalidValue
from operational.models import Enrollment, Guardian, Student, StudentGuardian
from operational.services.student_intake import (
    FirstEnrollment,
    NewGuardian,
    NewStudent,
    admit_new_student,
)
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

SEP_15 = dt.date(2025, 9, 15)
TABLES = (Student, Guardian, StudentGuardian, Enrollment)

STUDENT = NewStudent(
    student_number=" N-1 ",
    first_name=" Eve ",
    last_name="Noether",
    birth_date=dt.date(2010, 5, 6),
    sex="F",
    race_ethnicity="asian",
)
MOTHER = NewGuardian(
    first_name="Emmy",
    last_name="Noether",
    relationship="mother",
    email="emmy@example.org",
    is_primary_contact=True,
)
FATHER = NewGuardian(
    first_name="Max",
    last_name="Noether",
    relationship="father",
    phone="555-0102",
    has_custody=False,
)


def first_enrollment(school, **changes) -> FirstEnrollment:
    values = {
        "school_id": school.school.school_id,
        "school_year_id": school.year.school_year_id,
        "grade_level": 9,
        "entry_date": SEP_15,
    }
    return FirstEnrollment(**(values | changes))


def admit(session, school, student=STUDENT, guardians=(MOTHER,), **enrollment):
    return admit_new_student(
        session, ACTOR, student, list(guardians), first_enrollment(school, **enrollment)
    )


def test_the_student_guardians_and_enrollment_are_written_and_audited(
    school_session, school
):
    mark = audit_mark(school_session)

    stay = admit(school_session, school, guardians=(MOTHER, FATHER))

    student = school_session.get(Student, stay.student_id)
    assert (
        student.student_number,
        student.first_name,
        student.middle_name,
        student.home_language,
    ) == ("N-1", "Eve", None, "English")
    guardians = school_session.execute(
        select(
            Guardian.first_name,
            Guardian.email,
            Guardian.phone,
            StudentGuardian.relationship,
            StudentGuardian.is_primary_contact,
            StudentGuardian.has_custody,
        )
        .join(StudentGuardian)
        .where(StudentGuardian.student_id == stay.student_id)
        .order_by(Guardian.first_name)
    ).all()
    assert guardians == [
        ("Emmy", "emmy@example.org", None, "mother", True, True),
        ("Max", None, "555-0102", "father", False, False),
    ]
    assert (stay.school_id, stay.grade_level, stay.entry_date, stay.entry_code) == (
        school.school.school_id,
        9,
        SEP_15,
        "new",
    )
    assert [
        (row.action, row.table_name) for row in audit_since(school_session, mark)
    ] == [
        ("create", "student"),
        ("create", "guardian"),
        ("create", "student_guardian"),
        ("create", "guardian"),
        ("create", "student_guardian"),
        ("enroll", "enrollment"),
    ]


def replaced(record, **changes):
    return type(record)(**(vars(record) | changes))


@pytest.mark.parametrize(
    ("student", "guardians", "error", "message"),
    [
        (
            replaced(STUDENT, student_number="  "),
            (MOTHER,),
            InvalidValue,
            "a new student needs a student number",
        ),
        (
            replaced(STUDENT, last_name=" "),
            (MOTHER,),
            InvalidValue,
            "a new student needs a first and a last name",
        ),
        (
            replaced(STUDENT, birth_date=None),
            (MOTHER,),
            InvalidValue,
            "a new student needs a birth date",
        ),
        (
            replaced(STUDENT, birth_date=SEP_15),
            (MOTHER,),
            InvalidValue,
            "the birth date 2025-09-15 is not before the entry date 2025-09-15",
        ),
        (
            replaced(STUDENT, sex="Q"),
            (MOTHER,),
            InvalidValue,
            "'Q' is not a valid sex for a student; use one of: F, M, X",
        ),
        (STUDENT, (), InvalidValue, "a new student needs at least one guardian"),
        (
            STUDENT,
            (MOTHER, replaced(FATHER, first_name="")),
            InvalidValue,
            "guardian 2 needs a first and a last name",
        ),
        (
            STUDENT,
            (replaced(MOTHER, email="emmy@example"),),
            InvalidValue,
            "'emmy@example', the email of guardian 1, is not an email address",
        ),
        (
            STUDENT,
            (FATHER,),
            InvalidValue,
            "mark exactly one guardian as the primary contact (0 are marked)",
        ),
        (
            STUDENT,
            (MOTHER, replaced(FATHER, is_primary_contact=True)),
            InvalidValue,
            "mark exactly one guardian as the primary contact (2 are marked)",
        ),
        (
            STUDENT,
            (replaced(MOTHER, email=" "),),
            InvalidValue,
            "the primary contact needs an email address or a phone number",
        ),
        (
            STUDENT,
            (MOTHER, replaced(FATHER, relationship="uncle")),
            InvalidValue,
            "'uncle' is not a valid relationship for a student guardian",
        ),
    ],
    ids=[
        "no number",
        "no last name",
        "no birth date",
        "born on entry",
        "sex",
        "no guardian",
        "nameless guardian",
        "email",
        "no primary contact",
        "two primary contacts",
        "unreachable primary contact",
        "relationship",
    ],
)
def test_a_refused_intake_writes_nothing(
    school_session, school, student, guardians, error, message
):
    with refused(school_session, error, message, *TABLES):
        admit(school_session, school, student, guardians)


def test_a_taken_student_number_is_refused_without_naming_its_holder(
    school_session, school
):
    school.student(school_session, "N-1", first_name="Dana")

    with refused(
        school_session,
        Conflict,
        "the student number N-1 is already taken; a student keeps one number "
        "across the district, so find that student instead of creating a new one",
        *TABLES,
    ) as caught:
        admit(school_session, school)
    assert "Dana" not in caught.value.message


@pytest.mark.parametrize(
    ("enrollment", "message"),
    [
        ({"grade_level": 5}, "Lincoln High teaches grade 9 to grade 12, not grade 5"),
        (
            {"entry_date": dt.date(2026, 7, 1)},
            "the entry date 2026-07-01 is outside the 2025-2026 school year",
        ),
        ({"entry_code": "walk_in"}, "'walk_in' is not an entry code"),
    ],
    ids=["grade", "entry date", "entry code"],
)
def test_a_refused_enrollment_leaves_no_student_or_guardian(
    school_session, school, enrollment, message
):
    with refused(school_session, InvalidValue, message, *TABLES):
        admit(school_session, school, **enrollment)
    assert (
        school_session.scalars(
            select(Student).where(Student.student_number == "N-1")
        ).all()
        == []
    )
