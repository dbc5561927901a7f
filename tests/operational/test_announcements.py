"""Whom each role may write to from the staff app, and what it sent.

In the test school Grace Hopper teaches MATH-101-01, with Ada (1001) on its
roster; Bob (1002) is at Lincoln on no roster; Dana (2001) is at Roosevelt.
A counselor has Bob on their caseload. Only Ada has a guardian, with an
email address.
"""

import datetime as dt

import pytest

from operational.errors import AccessDenied
from operational.models import Guardian, Staff, StudentGuardian
from operational.services import (
    accounts,
    announcements,
    communication,
    records,
    rosters,
)
from operational.services.access import Principal
from tests.support.school import ACTOR, FIRST_DAY

DAY = dt.date(2025, 9, 15)


def principal(role, staff_id=None, school_ids=(), username=None) -> Principal:
    return Principal(
        user_account_id=1,
        username=username or role,
        display_name=role,
        role=role,
        staff_id=staff_id,
        school_ids=frozenset(school_ids),
    )


@pytest.fixture
def people(school_session, school):
    ada = school.enrolled(school_session, "1001")
    bob = school.enrolled(school_session, "1002")
    dana = school.enrolled(school_session, "2001", school=school.other_school)
    rosters.place(
        school_session,
        ACTOR,
        section_id=school.section.section_id,
        student_id=ada.student_id,
        entry_date=FIRST_DAY,
    )
    counselor = records.create(
        school_session,
        Staff,
        ACTOR,
        staff_number="C1",
        first_name="Carl",
        last_name="Rogers",
    )
    accounts.assign_caseload(
        school_session,
        ACTOR,
        staff_id=counselor.staff_id,
        student_ids=[bob.student_id],
        school_year_id=school.year.school_year_id,
    )
    mother = records.create(
        school_session,
        Guardian,
        ACTOR,
        first_name="Anne",
        last_name="Lovelace",
        email="anne@example.org",
    )
    records.create(
        school_session,
        StudentGuardian,
        ACTOR,
        student_id=ada.student_id,
        guardian_id=mother.guardian_id,
        relationship="mother",
        is_primary_contact=True,
    )
    return {
        "ada": ada.student_id,
        "bob": bob.student_id,
        "dana": dana.student_id,
        "teacher": principal("teacher", school.teacher.staff_id),
        "registrar": principal("registrar", school_ids=[school.school.school_id]),
        "counselor": principal("counselor", counselor.staff_id),
        "admin": principal("administrator"),
    }


def denied(session, who, message, **audience):
    with pytest.raises(AccessDenied) as refused:
        announcements.require_audience(session, who, **audience)
    assert refused.value.message == message


def test_each_role_reaches_its_own_audiences(school_session, school, people):
    lincoln, roosevelt = school.school.school_id, school.other_school.school_id
    section_id = school.section.section_id
    allowed = [
        ("teacher", {"audience": "section", "section_id": section_id}),
        ("teacher", {"audience": "student", "student_id": people["ada"]}),
        ("registrar", {"audience": "school"}),
        ("registrar", {"audience": "student", "student_id": people["bob"]}),
        ("counselor", {"audience": "student", "student_id": people["bob"]}),
        ("admin", {"audience": "grade"}),
    ]
    for role, audience in allowed:
        announcements.require_audience(
            school_session, people[role], school_id=lincoln, **audience
        )
    announcements.require_audience(
        school_session, people["admin"], school_id=roosevelt, audience="school"
    )


def test_audiences_out_of_scope_are_refused(school_session, school, people):
    lincoln, roosevelt = school.school.school_id, school.other_school.school_id
    session = school_session
    denied(
        session,
        people["teacher"],
        "your role (teacher) does not reach announcements to a whole school",
        school_id=lincoln,
        audience="school",
    )
    denied(
        session,
        people["teacher"],
        f"your role (teacher) does not reach student {people['bob']}",
        school_id=lincoln,
        audience="student",
        student_id=people["bob"],
    )
    denied(
        session,
        people["registrar"],
        f"your role (registrar) does not reach school {roosevelt}",
        school_id=roosevelt,
        audience="school",
    )
    denied(
        session,
        people["counselor"],
        "your role (counselor) does not reach announcements to a whole section",
        school_id=lincoln,
        audience="section",
        section_id=school.section.section_id,
    )
    denied(
        session,
        people["counselor"],
        f"your role (counselor) does not reach student {people['ada']}",
        school_id=lincoln,
        audience="student",
        student_id=people["ada"],
    )
    denied(
        session,
        principal("finance_officer", school_ids=[lincoln]),
        "your role (finance officer) does not reach messages to families",
        school_id=lincoln,
        audience="school",
    )


def test_the_choices_follow_the_scope(school_session, school, people):
    lincoln = school.school.school_id
    session = school_session

    def students(role):
        return announcements.students_for(session, people[role], lincoln, DAY)

    assert students("teacher") == {people["ada"]: "Student1001, Ada"}
    assert list(students("registrar")) == [people["ada"], people["bob"]]
    assert list(students("counselor")) == [people["bob"]]
    assert announcements.sections_for(session, people["teacher"], lincoln) == {
        school.section.section_id: "MATH-101-01 Algebra I"
    }
    assert announcements.sections_for(session, people["counselor"], lincoln) == {}
    assert announcements.schools_for(session, people["registrar"]) == {
        lincoln: "Lincoln High"
    }
    assert list(announcements.schools_for(session, people["admin"])) == [
        lincoln,
        school.other_school.school_id,
    ]


def test_recent_announcements_are_the_users_own(school_session, school, people):
    def announce(actor, **audience):
        communication.announce(
            school_session,
            actor,
            school_id=school.school.school_id,
            subject="Picture day",
            body="Photos on Friday.",
            audience_date=DAY,
            **audience,
        )

    announce("teacher", audience="section", section_id=school.section.section_id)
    announce("teacher", audience="grade", grade_level=9)
    announce("registrar", audience="school")

    recent = announcements.recent_announcements(school_session, people["teacher"])

    assert [(a.audience, a.n_recipients, a.n_unreachable) for a in recent] == [
        ("Grade 9 at Lincoln High", 1, 0),
        ("Section MATH-101-01 at Lincoln High", 1, 0),
    ]
    assert recent[0].subject == "Picture day"
