"""Finding students in the user's scope, their enrollments and guardians, and
the check that an enrollment to end or move lies in a school the user serves.

The school of tests.support.app_school: S1 Ada Lovelace, S2 Bob Babbage and
S3 Carla Cruz at Lincoln, S4 Dana Diaz at Roosevelt, all from September 1
2025; the registrar account serves Lincoln only.
"""

import datetime as dt

import pytest
from sqlalchemy import select

from operational.errors import AccessDenied, NotFound
from operational.models import Enrollment
from operational.services import access, accounts, enrollment, student_lookup

ACTOR = "test:registrar"


@pytest.fixture
def session(app_school_session):
    return app_school_session


@pytest.fixture
def ids(app_ids):
    return app_ids


def principal(session, username):
    return access.principal_for(session, accounts.find_account(session, username))


def numbers(students) -> list[str]:
    return [student.student_number for student in students]


def open_enrollment(session, student_id: int) -> int:
    return session.scalar(
        select(Enrollment.enrollment_id).where(
            Enrollment.student_id == student_id, Enrollment.exit_date.is_(None)
        )
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("s1", ["S1"]),
        ("ada lovelace", ["S1"]),
        ("C", ["S3", "S1"]),
        ("  ", []),
        ("%", []),
        ("S", []),
    ],
    ids=["number", "full name", "part of names", "blank", "wildcard", "prefix"],
)
def test_a_registrar_finds_students_of_their_schools(session, text, found):
    registrar = principal(session, "registrar")

    assert numbers(student_lookup.find_students(session, registrar, text)) == found


def test_the_registrar_does_not_find_another_schools_student(session):
    registrar = principal(session, "registrar")
    admin = principal(session, "admin")

    assert numbers(student_lookup.find_students(session, registrar, "Diaz")) == []
    assert numbers(student_lookup.find_students(session, admin, "Diaz")) == ["S4"]


def test_a_teacher_may_not_search_the_register(session):
    with pytest.raises(AccessDenied, match="does not reach the student register"):
        student_lookup.find_students(session, principal(session, "teacher"), "Ada")


def test_reaching_a_student_checks_scope_and_existence(session, ids):
    registrar = principal(session, "registrar")

    ada = student_lookup.reachable_student(session, registrar, ids["S1"])
    assert ada.first_name == "Ada"
    with pytest.raises(AccessDenied, match=f"does not reach student {ids['S4']}"):
        student_lookup.reachable_student(session, registrar, ids["S4"])
    with pytest.raises(NotFound, match="no student with id 999999"):
        student_lookup.reachable_student(session, registrar, 999999)


def test_an_enrollment_is_reached_only_at_a_school_in_scope(session, ids):
    registrar = principal(session, "registrar")
    adas = open_enrollment(session, ids["S1"])
    danas = open_enrollment(session, ids["S4"])

    assert (
        student_lookup.require_enrollment(session, registrar, adas).school_id
        == (ids["lincoln"])
    )
    with pytest.raises(AccessDenied, match=f"does not reach school {ids['roosevelt']}"):
        student_lookup.require_enrollment(session, registrar, danas)
    with pytest.raises(NotFound, match="no enrollment with id 999999"):
        student_lookup.require_enrollment(session, registrar, 999999)


def test_after_a_transfer_out_the_sending_school_may_no_longer_move_the_student(
    session, ids
):
    registrar = principal(session, "registrar")
    moved = enrollment.transfer(
        session,
        ACTOR,
        open_enrollment(session, ids["S1"]),
        to_school_id=ids["roosevelt"],
        first_day=dt.date(2025, 9, 22),
    )

    history = student_lookup.enrollment_history(session, ids["S1"])

    assert [
        (line.school_name, line.entry_date, line.exit_date, line.exit_code)
        for line in history
    ] == [
        (
            "Lincoln High",
            dt.date(2025, 9, 1),
            dt.date(2025, 9, 21),
            "transfer_in_district",
        ),
        ("Roosevelt High", dt.date(2025, 9, 22), None, None),
    ]
    assert [line.is_open for line in history] == [False, True]
    # Ada is still found through her Lincoln stay, but Roosevelt now moves her.
    assert numbers(student_lookup.find_students(session, registrar, "S1")) == ["S1"]
    with pytest.raises(AccessDenied):
        student_lookup.require_enrollment(session, registrar, moved.enrollment_id)


def test_guardians_are_listed_primary_contact_first(session, ids):
    [anne] = student_lookup.guardians_of(session, ids["S1"])

    assert (anne.name, anne.relationship, anne.email, anne.is_primary_contact) == (
        "Anne Lovelace",
        "mother",
        "anne.lovelace@example.org",
        True,
    )
    assert student_lookup.guardians_of(session, ids["S2"]) == []


def test_schools_years_and_grades_for_the_forms(session, ids):
    assert student_lookup.school_names(session) == {
        ids["lincoln"]: "Lincoln High",
        ids["roosevelt"]: "Roosevelt High",
    }
    assert student_lookup.school_names(session, {ids["roosevelt"]}) == {
        ids["roosevelt"]: "Roosevelt High"
    }
    assert [year.name for year in student_lookup.school_years(session)] == ["2025-2026"]
    assert list(student_lookup.grade_span(session, ids["lincoln"])) == [9, 10, 11, 12]
