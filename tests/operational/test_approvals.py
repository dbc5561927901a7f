"""Approvals: request, decide by role, use once; and the late grade change.

The office (tests/support/approvals.py): Mary Jackson is principal of
Lincoln, Luca Pacioli its finance officer, Ida Tarbell its registrar, Grace
Hopper a teacher there; Alan Kay is principal of Roosevelt. Requests here
are about Lincoln unless said otherwise.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from operational.errors import (
    ApprovalRequired,
    Conflict,
    GradingPeriodClosed,
    InvalidValue,
    NotAnApprover,
    NotFound,
    NotRostered,
    OwnRequest,
    WrongStatus,
)
from operational.models import ApprovalRequest, ApproverRole, Mark
from operational.services import approvals, grading, records, rosters
from tests.support.approvals import DECIDED, REQUESTED, build_office
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused


@pytest.fixture
def office(school_session, school):
    return build_office(school_session, school)


def leave_request(session, school, office, requester=None, **changes):
    """A leave request of the teacher: the simplest kind to build."""
    requester = requester or office.teacher
    values = {
        "kind": "leave",
        "school_id": school.school.school_id,
        "subject_id": requester.staff_id,
        "requested_by_staff_id": requester.staff_id,
        "payload": {"leave_type": "personal", "start_date": "2025-10-06"},
        "reason": "family wedding",
        "requested_date": REQUESTED,
    }
    return approvals.request_approval(session, ACTOR, **(values | changes))


def test_default_roles_are_granted_once(school_session, office):
    roles = school_session.execute(
        select(ApproverRole.kind, ApproverRole.position).order_by(
            ApproverRole.kind, ApproverRole.position
        )
    ).all()
    # 3 positions for each of the 4 kinds.
    assert len(roles) == 12
    assert ("fee_waiver", "finance_officer") in roles
    assert ("grade_change", "finance_officer") not in roles
    assert approvals.grant_default_approver_roles(school_session, ACTOR) == 0


def test_a_role_is_granted_once_and_only_for_known_positions(school_session, office):
    with refused(school_session, Conflict, "breaks a rule", ApproverRole):
        approvals.grant_approver_role(
            school_session, ACTOR, kind="leave", position="principal"
        )
    with refused(school_session, InvalidValue, "'janitor' is not a staff position"):
        approvals.grant_approver_role(
            school_session, ACTOR, kind="leave", position="janitor"
        )


def test_a_principal_approves_and_the_decision_is_audited(
    school_session, school, office
):
    mark = audit_mark(school_session)
    request = leave_request(school_session, school, office)
    assert request.status == "pending"

    approvals.approve(
        school_session,
        ACTOR,
        request.approval_request_id,
        decided_by_staff_id=office.principal.staff_id,
        decided_date=DECIDED,
    )
    assert (request.status, request.decided_by_staff_id, request.decided_date) == (
        "approved",
        office.principal.staff_id,
        DECIDED,
    )
    assert request.decision_reason is None
    rows = audit_since(school_session, mark)
    assert [(r.action, r.table_name) for r in rows] == [
        ("request_approval", "approval_request"),
        ("approve", "approval_request"),
    ]
    assert rows[1].before_values["status"] == "pending"
    assert rows[1].after_values["status"] == "approved"


def test_nobody_approves_their_own_request(school_session, school, office):
    request = leave_request(school_session, school, office, requester=office.principal)
    with refused(
        school_session,
        OwnRequest,
        f"staff member {office.principal.staff_id} made request "
        f"{request.approval_request_id}, so another approver has to decide it",
        ApprovalRequest,
    ):
        approvals.approve(
            school_session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.principal.staff_id,
            decided_date=DECIDED,
        )
    assert request.status == "pending"


def test_the_database_also_refuses_a_self_decision(school_session, school, office):
    request = leave_request(school_session, school, office)
    with refused(school_session, Conflict, "not_own_request", ApprovalRequest):
        records.update(
            school_session,
            request,
            ACTOR,
            status="approved",
            decided_by_staff_id=office.teacher.staff_id,
            decided_date=DECIDED,
        )


def test_a_position_without_the_role_cannot_decide(school_session, school, office):
    request = leave_request(school_session, school, office)
    with refused(
        school_session,
        NotAnApprover,
        "leave requests at Lincoln High are decided by: administrator, "
        "assistant_principal, principal; staff member "
        f"{office.registrar.staff_id} holds registrar there on 2025-09-20",
        ApprovalRequest,
    ):
        approvals.approve(
            school_session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.registrar.staff_id,
            decided_date=DECIDED,
        )


def test_a_role_counts_only_at_the_school_it_is_held(school_session, school, office):
    request = leave_request(school_session, school, office)
    with refused(
        school_session,
        NotAnApprover,
        f"staff member {office.roosevelt_principal.staff_id} holds no position "
        "there on 2025-09-20",
    ):
        approvals.approve(
            school_session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.roosevelt_principal.staff_id,
            decided_date=DECIDED,
        )


def test_before_any_school_year_nobody_holds_a_position(school_session, school, office):
    request = leave_request(
        school_session, school, office, requested_date=dt.date(2025, 8, 1)
    )
    # The only school year starts on 2025-08-25.
    with refused(school_session, NotAnApprover, "holds no position there"):
        approvals.approve(
            school_session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.principal.staff_id,
            decided_date=dt.date(2025, 8, 10),
        )


def test_a_rejection_needs_a_reason(school_session, school, office):
    request = leave_request(school_session, school, office)
    with refused(
        school_session,
        InvalidValue,
        "a reason for the requester is required",
        ApprovalRequest,
    ):
        approvals.reject(
            school_session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.principal.staff_id,
            reason="  ",
            decided_date=DECIDED,
        )

    approvals.reject(
        school_session,
        ACTOR,
        request.approval_request_id,
        decided_by_staff_id=office.principal.staff_id,
        reason="exam week: no personal leave",
        decided_date=DECIDED,
    )
    assert (request.status, request.decision_reason) == (
        "rejected",
        "exam week: no personal leave",
    )


def test_a_decided_request_is_not_decided_again(school_session, school, office):
    request = leave_request(school_session, school, office)
    approvals.approve(
        school_session,
        ACTOR,
        request.approval_request_id,
        decided_by_staff_id=office.principal.staff_id,
        decided_date=DECIDED,
    )
    with refused(
        school_session,
        WrongStatus,
        f"leave request {request.approval_request_id} is approved since "
        "2025-09-20; only a pending request can be decided or withdrawn",
        ApprovalRequest,
    ):
        approvals.reject(
            school_session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.principal.staff_id,
            reason="changed my mind",
            decided_date=DECIDED,
        )
    with refused(school_session, WrongStatus, "is approved since"):
        approvals.withdraw(school_session, ACTOR, request.approval_request_id)


def test_a_decision_cannot_predate_the_request(school_session, school, office):
    request = leave_request(school_session, school, office)
    with refused(
        school_session,
        InvalidValue,
        "the decision date 2025-09-17 is before the request was made (2025-09-18)",
    ):
        approvals.approve(
            school_session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.principal.staff_id,
            decided_date=dt.date(2025, 9, 17),
        )


def test_a_pending_request_can_be_withdrawn(school_session, school, office):
    request = leave_request(school_session, school, office)
    approvals.withdraw(school_session, ACTOR, request.approval_request_id)
    assert request.status == "withdrawn"
    assert request.decided_by_staff_id is None


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"reason": " "}, InvalidValue, "a reason for the decider is required"),
        ({"kind": "bonus"}, InvalidValue, "'bonus' is not a kind of request"),
        ({"subject_id": 999_999}, NotFound, "no staff with key 999999"),
        ({"payload": {"on": dt.date(2025, 10, 6)}}, InvalidValue, "cannot be stored"),
    ],
)
def test_a_request_is_refused_before_it_is_written(
    school_session, school, office, changes, error, message
):
    with refused(school_session, error, message, ApprovalRequest):
        leave_request(school_session, school, office, **changes)


def test_an_approval_is_used_only_for_what_it_allows(school_session, school, office):
    request = leave_request(school_session, school, office)
    key = request.approval_request_id

    def check(**changes):
        values = {
            "kind": "leave",
            "subject_id": office.teacher.staff_id,
            "payload": {"leave_type": "personal"},
        }
        return approvals.approved_request(school_session, key, **(values | changes))

    with refused(school_session, ApprovalRequired, "is pending, not approved"):
        check()
    approvals.approve(
        school_session,
        ACTOR,
        key,
        decided_by_staff_id=office.principal.staff_id,
        decided_date=DECIDED,
    )
    assert check() is request
    with refused(school_session, ApprovalRequired, "is a leave request, not a fee"):
        check(kind="fee_waiver")
    with refused(school_session, ApprovalRequired, "is about staff"):
        check(subject_id=office.principal.staff_id)
    with refused(
        school_session,
        ApprovalRequired,
        "approved a different change (leave_type 'personal' approved, 'sick' asked)",
    ):
        check(payload={"leave_type": "sick"})


def test_the_inbox_shows_what_each_person_may_decide(school_session, school, office):
    teachers = leave_request(school_session, school, office)
    principals = leave_request(
        school_session, school, office, requester=office.principal
    )

    def inbox(member):
        return [
            r.approval_request_id
            for r in approvals.pending_for(school_session, member.staff_id, DECIDED)
        ]

    # The principal decides the teacher's request but not their own.
    assert inbox(office.principal) == [teachers.approval_request_id]
    assert principals.approval_request_id not in inbox(office.principal)
    assert inbox(office.registrar) == []
    assert inbox(office.roosevelt_principal) == []


# The late grade change, end to end.


@pytest.fixture
def closed_mark(school_session, school):
    """Ada's P2 mark of 78 (C), posted, then P2 closed."""
    student = school.enrolled(school_session, "1001")
    rosters.place(
        school_session,
        ACTOR,
        section_id=school.section.section_id,
        student_id=student.student_id,
        entry_date=dt.date(2025, 9, 1),
    )
    mark = grading.post_mark(
        school_session,
        "test:teacher",
        student_id=student.student_id,
        section_id=school.section.section_id,
        grading_period_id=school.open_period.grading_period_id,
        percent=78,
    )
    grading.close_grading_period(
        school_session, ACTOR, school.open_period.grading_period_id
    )
    return mark


def change(session, school, mark, percent, approval_request_id=None, student_id=None):
    return grading.post_mark(
        session,
        "test:teacher",
        student_id=student_id or mark.student_id,
        section_id=school.section.section_id,
        grading_period_id=school.open_period.grading_period_id,
        percent=percent,
        approval_request_id=approval_request_id,
    )


def ask(session, school, office, mark, percent):
    return approvals.request_grade_change(
        session,
        ACTOR,
        student_id=mark.student_id,
        section_id=school.section.section_id,
        grading_period_id=school.open_period.grading_period_id,
        percent=percent,
        requested_by_staff_id=office.teacher.staff_id,
        reason="exam re-marked: 10 points were missed in the total",
        requested_date=REQUESTED,
    )


def test_a_late_change_without_an_approval_is_refused(
    school_session, school, office, closed_mark
):
    with refused(
        school_session,
        GradingPeriodClosed,
        "the grading period P2 is closed; a change to its marks needs an "
        "approved grade-change request",
        Mark,
        ApprovalRequest,
    ):
        change(school_session, school, closed_mark, 88)


def test_an_approved_grade_change_goes_through_exactly_once(
    school_session, school, office, closed_mark
):
    request = ask(school_session, school, office, closed_mark, "88")
    key = request.approval_request_id
    assert request.payload == {
        "section_id": school.section.section_id,
        "grading_period_id": school.open_period.grading_period_id,
        "percent": "88.00",
        "previous_percent": "78.00",
    }
    assert request.subject_table == "student"

    # Pending: not yet an approval.
    with refused(school_session, ApprovalRequired, "is pending, not approved", Mark):
        change(school_session, school, closed_mark, 88, key)
    approvals.approve(
        school_session,
        ACTOR,
        key,
        decided_by_staff_id=office.principal.staff_id,
        decided_date=DECIDED,
    )

    # Approved for 88, so neither 90 nor another student goes through.
    with refused(
        school_session,
        ApprovalRequired,
        "percent '88.00' approved, '90.00' asked",
        Mark,
        ApprovalRequest,
    ):
        change(school_session, school, closed_mark, 90, key)
    other = school.enrolled(school_session, "1002")
    with refused(school_session, ApprovalRequired, "is about student", Mark):
        change(school_session, school, closed_mark, 88, key, other.student_id)

    mark = audit_mark(school_session)
    changed = change(school_session, school, closed_mark, Decimal("88.00"), key)
    # 88 is a B on the test scale (B from 80 to below 90).
    assert (changed.mark_id, changed.percent, changed.letter) == (
        closed_mark.mark_id,
        Decimal("88.00"),
        "B",
    )
    assert (request.status, request.applied_date) == ("applied", dt.date.today())
    assert [r.action for r in audit_since(school_session, mark)] == [
        "repost_mark",
        "apply_request",
    ]

    # One approval, one change.
    with refused(
        school_session,
        ApprovalRequired,
        f"request {key} was used on {dt.date.today()}; an approval allows one "
        "change, so ask for a new one",
        Mark,
        ApprovalRequest,
    ):
        change(school_session, school, closed_mark, 88, key)
    assert school_session.scalars(select(Mark.percent)).all() == [Decimal("88.00")]


def test_a_grade_change_is_asked_only_for_a_closed_period(
    school_session, school, office, closed_mark
):
    student = school.enrolled(school_session, "1002")
    with refused(
        school_session,
        NotRostered,
        f"student {student.student_id} was not on the roster",
        ApprovalRequest,
    ):
        approvals.request_grade_change(
            school_session,
            ACTOR,
            student_id=student.student_id,
            section_id=school.section.section_id,
            grading_period_id=school.open_period.grading_period_id,
            percent=88,
            requested_by_staff_id=office.teacher.staff_id,
            reason="re-marked",
            requested_date=REQUESTED,
        )
    with refused(
        school_session,
        InvalidValue,
        "a mark is a percentage from 0 to 100, not 120",
        ApprovalRequest,
    ):
        ask(school_session, school, office, closed_mark, 120)


def test_a_grade_change_for_an_open_period_is_not_asked(school_session, school, office):
    student = school.enrolled(school_session, "1001")
    rosters.place(
        school_session,
        ACTOR,
        section_id=school.section.section_id,
        student_id=student.student_id,
        entry_date=dt.date(2025, 9, 1),
    )
    with refused(
        school_session,
        InvalidValue,
        "the grading period P2 is open; post the mark directly",
        ApprovalRequest,
    ):
        approvals.request_grade_change(
            school_session,
            ACTOR,
            student_id=student.student_id,
            section_id=school.section.section_id,
            grading_period_id=school.open_period.grading_period_id,
            percent=88,
            requested_by_staff_id=office.teacher.staff_id,
            reason="re-marked",
            requested_date=REQUESTED,
        )
