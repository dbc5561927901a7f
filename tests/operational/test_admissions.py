"""Admissions: submit, review, decide through an approval, then admit.

Ida Tarbell, Lincoln's registrar, proposes decisions; Mary Jackson, its
principal, approves them (tests/support/approvals.py). Lincoln teaches
grades 9 to 12; its year runs from Aug 25 2025 to Jun 12 2026.
"""

import datetime as dt

import pytest
from sqlalchemy import select

from operational.errors import (
    ApprovalRequired,
    InvalidValue,
    WrongStatus,
)
from operational.models import (
    Application,
    ApprovalRequest,
    Enrollment,
    Student,
)
from operational.services import admissions, approvals
from tests.support.approvals import DECIDED, REQUESTED, build_office
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

APPLIED = dt.date(2025, 9, 22)


@pytest.fixture
def office(school_session, school):
    return build_office(school_session, school)


def apply_for(session, school, **changes):
    values = {
        "school_id": school.school.school_id,
        "school_year_id": school.year.school_year_id,
        "grade_level": 9,
        "first_name": "Katherine",
        "last_name": "Johnson",
        "birth_date": dt.date(2011, 8, 26),
        "submitted_date": dt.date(2025, 9, 2),
    }
    return admissions.submit_application(session, ACTOR, **(values | changes))


def reviewed(session, school):
    application = apply_for(session, school)
    return admissions.start_review(session, ACTOR, application.application_id)


def propose(session, office, application, decision):
    return admissions.request_decision(
        session,
        ACTOR,
        application.application_id,
        decision=decision,
        requested_by_staff_id=office.registrar.staff_id,
        reason=f"{decision}: panel recommendation",
        requested_date=REQUESTED,
    )


def decide(session, office, request, approve=True):
    if approve:
        return approvals.approve(
            session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.principal.staff_id,
            decided_date=DECIDED,
        )
    return approvals.reject(
        session,
        ACTOR,
        request.approval_request_id,
        decided_by_staff_id=office.principal.staff_id,
        reason="interview first",
        decided_date=DECIDED,
    )


def test_an_application_is_submitted_then_reviewed(school_session, school):
    mark = audit_mark(school_session)
    application = apply_for(school_session, school)
    assert application.status == "submitted"
    admissions.start_review(school_session, ACTOR, application.application_id)
    assert application.status == "under_review"
    assert [r.action for r in audit_since(school_session, mark)] == [
        "submit_application",
        "review_application",
    ]
    with refused(
        school_session,
        WrongStatus,
        f"application {application.application_id} is under_review; a review "
        "needs it submitted",
        Application,
    ):
        admissions.start_review(school_session, ACTOR, application.application_id)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"grade_level": 5}, "Lincoln High teaches grade 9 to grade 12, not grade 5"),
        ({"last_name": " "}, "needs the child's first and last name"),
        (
            {"birth_date": dt.date(2025, 9, 3)},
            "the birth date 2025-09-03 is not before the application (2025-09-02)",
        ),
        (
            {"submitted_date": dt.date(2026, 7, 1)},
            "the 2025-2026 school year ended on 2026-06-12",
        ),
    ],
)
def test_an_invalid_application_is_refused(school_session, school, changes, message):
    with refused(school_session, InvalidValue, message, Application):
        apply_for(school_session, school, **changes)


def test_an_accepted_application_becomes_a_student_and_an_enrollment(
    school_session, school, office
):
    application = reviewed(school_session, school)
    request = propose(school_session, office, application, "accepted")
    assert request.payload == {"decision": "accepted", "from_status": "under_review"}
    # Proposed, not yet decided: the application is still under review.
    assert application.status == "under_review"
    with refused(
        school_session, ApprovalRequired, "is pending, not approved", Application
    ):
        admissions.apply_decision(
            school_session, ACTOR, request.approval_request_id, applied_date=APPLIED
        )
    with refused(
        school_session,
        WrongStatus,
        f"a decision on application {application.application_id} is already "
        f"pending (request {request.approval_request_id})",
        ApprovalRequest,
    ):
        propose(school_session, office, application, "rejected")

    decide(school_session, office, request)
    admissions.apply_decision(
        school_session, ACTOR, request.approval_request_id, applied_date=APPLIED
    )
    assert (application.status, application.decided_date) == ("accepted", DECIDED)
    assert application.decision_reason == "accepted: panel recommendation"
    assert (request.status, request.applied_date) == ("applied", APPLIED)

    stay = admissions.admit(
        school_session,
        ACTOR,
        application.application_id,
        student_number="3001",
        sex="F",
        race_ethnicity="black_african_american",
        entry_date=dt.date(2025, 9, 29),
    )
    student = school_session.get(Student, application.student_id)
    assert (student.first_name, student.last_name, student.birth_date) == (
        "Katherine",
        "Johnson",
        dt.date(2011, 8, 26),
    )
    assert (
        stay.student_id,
        stay.school_id,
        stay.grade_level,
        stay.entry_date,
        stay.entry_code,
    ) == (student.student_id, school.school.school_id, 9, dt.date(2025, 9, 29), "new")
    with refused(
        school_session,
        WrongStatus,
        f"was already admitted as student {student.student_id}",
        Student,
        Enrollment,
    ):
        admissions.admit(
            school_session,
            ACTOR,
            application.application_id,
            student_number="3002",
            sex="F",
            race_ethnicity="white",
            entry_date=dt.date(2025, 9, 29),
        )


def test_a_turned_down_proposal_leaves_the_application_in_review(
    school_session, school, office
):
    application = reviewed(school_session, school)
    request = propose(school_session, office, application, "rejected")
    decide(school_session, office, request, approve=False)
    assert application.status == "under_review"
    with refused(school_session, ApprovalRequired, "is rejected, not approved"):
        admissions.apply_decision(
            school_session, ACTOR, request.approval_request_id, applied_date=APPLIED
        )
    # A new proposal may be made once the first is decided.
    assert propose(school_session, office, application, "waitlisted").status == (
        "pending"
    )


def test_a_waitlisted_application_is_later_accepted(school_session, school, office):
    application = reviewed(school_session, school)
    waitlist = propose(school_session, office, application, "waitlisted")
    decide(school_session, office, waitlist)
    admissions.apply_decision(
        school_session, ACTOR, waitlist.approval_request_id, applied_date=APPLIED
    )
    assert application.status == "waitlisted"
    with refused(
        school_session,
        InvalidValue,
        "an application that is waitlisted can become accepted or rejected, not "
        "'waitlisted'",
        ApprovalRequest,
    ):
        propose(school_session, office, application, "waitlisted")

    accept = propose(school_session, office, application, "accepted")
    decide(school_session, office, accept)
    admissions.apply_decision(
        school_session, ACTOR, accept.approval_request_id, applied_date=APPLIED
    )
    assert application.status == "accepted"


def test_only_a_reviewed_application_is_decided(school_session, school, office):
    application = apply_for(school_session, school)
    with refused(
        school_session,
        WrongStatus,
        f"application {application.application_id} is submitted; a decision "
        "needs it under_review or waitlisted",
        ApprovalRequest,
    ):
        propose(school_session, office, application, "accepted")
    with refused(school_session, WrongStatus, "admission needs it accepted", Student):
        admissions.admit(
            school_session,
            ACTOR,
            application.application_id,
            student_number="3001",
            sex="F",
            race_ethnicity="white",
            entry_date=dt.date(2025, 9, 29),
        )


def test_a_withdrawal_takes_the_waiting_decision_with_it(
    school_session, school, office
):
    application = reviewed(school_session, school)
    request = propose(school_session, office, application, "accepted")
    admissions.withdraw_application(
        school_session,
        ACTOR,
        application.application_id,
        reason="moved out of the district",
    )
    assert (application.status, request.status) == ("withdrawn", "withdrawn")
    assert application.decision_reason == "moved out of the district"
    with refused(school_session, WrongStatus, "a withdrawal needs it submitted"):
        admissions.withdraw_application(
            school_session, ACTOR, application.application_id, reason="again"
        )


def test_a_decision_approved_before_a_withdrawal_no_longer_applies(
    school_session, school, office
):
    application = reviewed(school_session, school)
    request = propose(school_session, office, application, "accepted")
    decide(school_session, office, request)
    admissions.withdraw_application(
        school_session, ACTOR, application.application_id, reason="chose another"
    )
    with refused(
        school_session,
        WrongStatus,
        f"application {application.application_id} is now withdrawn, not "
        "under_review as when the decision was asked for",
        Application,
        ApprovalRequest,
    ):
        admissions.apply_decision(
            school_session, ACTOR, request.approval_request_id, applied_date=APPLIED
        )
    assert school_session.scalars(select(Application.status)).all() == ["withdrawn"]
