"""Plain records: one validation for create, update and the bulk path."""

import datetime as dt

import pytest
from sqlalchemy import select

from operational.errors import Conflict, InvalidValue, NotFound
from operational.models import CalendarDay, School, Student
from operational.services import records
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

STUDENT = {
    "student_number": "S-1",
    "first_name": "Alan",
    "last_name": "Turing",
    "birth_date": dt.date(2010, 6, 23),
    "sex": "M",
    "race_ethnicity": "white",
}


def create_student(session, **changes) -> Student:
    return records.create(session, Student, ACTOR, **(STUDENT | changes))


def test_create_saves_the_record_and_audits_it(session):
    mark = audit_mark(session)

    student = create_student(session, middle_name="Mathison")

    saved = session.execute(
        select(Student.student_number, Student.middle_name, Student.home_language)
    ).all()
    assert saved == [("S-1", "Mathison", "English")]
    [row] = audit_since(session, mark)
    assert (row.actor, row.action, row.table_name) == (ACTOR, "create", "student")
    assert row.record_key == str(student.student_id)
    assert row.before_values is None
    assert row.after_values["birth_date"] == "2010-06-23"
    assert row.after_values["student_id"] == student.student_id
    assert "created_at" not in row.after_values


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nickname": "Al"}, "a student has no field nickname"),
        ({"birth_date": None}, "a student needs a value for birth_date"),
        ({"sex": "Q"}, "'Q' is not a valid sex for a student; use one of: F, M, X"),
        (
            {"race_ethnicity": "martian"},
            "'martian' is not a valid race_ethnicity for a student",
        ),
    ],
    ids=["unknown column", "missing value", "sex", "race"],
)
def test_an_invalid_student_is_refused(session, changes, message):
    with refused(session, InvalidValue, message, Student):
        create_student(session, **changes)


def test_a_missing_part_of_a_composite_key_is_refused(session):
    with refused(
        session,
        InvalidValue,
        "a calendar day needs a value for calendar_date",
        CalendarDay,
    ):
        records.create(
            session,
            CalendarDay,
            ACTOR,
            school_id=1,
            school_year_id=1,
            is_instructional=True,
        )


def test_a_duplicate_student_number_is_a_conflict(session):
    create_student(session)
    with refused(session, Conflict, "breaks a rule of the database", Student) as caught:
        create_student(session, first_name="Other")
    assert "student_number" in caught.value.message

    # The refusal rolled back its savepoint only: the session goes on.
    create_student(session, student_number="S-2")
    numbers = session.scalars(select(Student.student_number).order_by("student_id"))
    assert numbers.all() == ["S-1", "S-2"]


def test_update_changes_the_record_and_audits_before_and_after(session):
    student = create_student(session)
    mark = audit_mark(session)

    records.update(session, student, "test:clerk", last_name="Turing-Smith")

    assert session.scalar(select(Student.last_name)) == "Turing-Smith"
    [row] = audit_since(session, mark)
    assert (row.actor, row.action, row.record_key) == (
        "test:clerk",
        "update",
        str(student.student_id),
    )
    assert row.before_values["last_name"] == "Turing"
    assert row.after_values["last_name"] == "Turing-Smith"
    assert row.before_values["first_name"] == row.after_values["first_name"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nickname": "Al"}, "a student has no field nickname"),
        ({"sex": "Q"}, "'Q' is not a valid sex for a student"),
    ],
    ids=["unknown column", "sex"],
)
def test_an_invalid_update_is_refused(session, changes, message):
    student = create_student(session)
    with refused(session, InvalidValue, message, Student):
        records.update(session, student, ACTOR, **changes)
    assert session.scalar(select(Student.sex)) == "M"


def test_an_update_to_a_taken_student_number_is_a_conflict(session):
    create_student(session)
    other = create_student(session, student_number="S-2")
    with refused(session, Conflict, "breaks a rule of the database", Student):
        records.update(session, other, ACTOR, student_number="S-1")
    assert other.student_number == "S-2"


def test_get_of_a_missing_key_is_not_found(session):
    with pytest.raises(NotFound, match="no student with key 999999"):
        records.get(session, Student, 999_999)


def test_bulk_create_inserts_valid_rows_with_one_audit_row(session):
    rows = [STUDENT | {"student_number": f"S-{n}"} for n in (1, 2, 3)]
    mark = audit_mark(session)

    assert records.bulk_create(session, Student, rows, ACTOR) == 3

    numbers = session.scalars(select(Student.student_number).order_by("student_id"))
    assert numbers.all() == ["S-1", "S-2", "S-3"]
    [row] = audit_since(session, mark)
    assert (row.action, row.table_name, row.record_key) == (
        "bulk_create",
        "student",
        "3 rows",
    )


def test_bulk_create_with_one_invalid_row_inserts_nothing(session):
    rows = [
        STUDENT,
        STUDENT | {"student_number": "S-2", "race_ethnicity": "martian"},
    ]
    with refused(session, InvalidValue, "'martian' is not a valid", Student):
        records.bulk_create(session, Student, rows, ACTOR)


def test_bulk_create_of_a_duplicate_number_is_a_conflict(session):
    rows = [STUDENT, STUDENT | {"first_name": "Twin"}]
    with refused(session, Conflict, "breaks a rule of the database", Student):
        records.bulk_create(session, Student, rows, ACTOR)


def test_a_school_level_outside_the_vocabulary_is_refused(session):
    with refused(
        session,
        InvalidValue,
        "'university' is not a valid level for a school; "
        "use one of: elementary, middle, high",
        School,
    ):
        records.create(
            session,
            School,
            ACTOR,
            district_id=1,
            school_number="900",
            name="Nowhere U",
            level="university",
            low_grade=9,
            high_grade=12,
            grade_scale_id=1,
        )
