"""The approvals inbox reads: what a signed-in user may decide, and their own.

The office of tests/support/approvals.py: Mary Jackson is principal of
Lincoln, Luca Pacioli its finance officer, Ida Tarbell its registrar. Grace
Hopper (teacher) asks for leave; Mary Jackson asks for leave herself.
"""

import pytest

from operational.errors import AccessDenied, NotFound
from operational.services import approval_inbox, approvals, fees
from operational.services.access import Principal
from tests.support.approvals import DECIDED, REQUESTED, build_office
from tests.support.school import ACTOR


def principal(role: str, member=None) -> Principal:
    return Principal(
        user_account_id=1,
        username=role,
        display_name=role,
        role=role,
        staff_id=member.staff_id if member else None,
        school_ids=frozenset(),
    )


@pytest.fixture
def office(school_session, school):
    return build_office(school_session, school)


def leave(session, school, requester, reason="family wedding"):
    return approvals.request_approval(
        session,
        ACTOR,
        kind="leave",
        school_id=school.school.school_id,
        subject_id=requester.staff_id,
        requested_by_staff_id=requester.staff_id,
        payload={
            "leave_type": "personal",
            "start_date": "2025-10-06",
            "end_date": "2025-10-07",
        },
        reason=reason,
        requested_date=REQUESTED,
    )


def test_the_inbox_holds_what_the_user_may_decide(school_session, school, office):
    teachers = leave(school_session, school, office.teacher)
    principals = leave(school_session, school, office.principal, "conference")
    mary = principal("leadership", office.principal)

    [line] = approval_inbox.inbox(school_session, mary, DECIDED)

    assert line == approval_inbox.RequestLine(
        approval_request_id=teachers.approval_request_id,
        kind="Leave",
        school="Lincoln High",
        requested_by="Grace Hopper",
        requested_date=REQUESTED,
        about="Grace Hopper",
        details="personal leave from 2025-10-06 to 2025-10-07",
        reason="family wedding",
        status="pending",
        decided_date=None,
        decision_reason=None,
    )
    assert [
        r.approval_request_id for r in approval_inbox.own_requests(school_session, mary)
    ] == [principals.approval_request_id]
    finance = principal("finance_officer", office.finance_officer)
    assert approval_inbox.inbox(school_session, finance, DECIDED) == []
    assert (
        approval_inbox.inbox(school_session, principal("administrator"), DECIDED) == []
    )
    assert approval_inbox.own_requests(school_session, principal("administrator")) == []


def test_a_request_outside_the_inbox_is_refused(school_session, school, office):
    teachers = leave(school_session, school, office.teacher)
    key = teachers.approval_request_id
    mary = principal("leadership", office.principal)

    assert approval_inbox.require_in_inbox(school_session, mary, key, DECIDED).kind == (
        "Leave"
    )
    for user, role in [
        (principal("teacher", office.teacher), "teacher"),
        (principal("finance_officer", office.finance_officer), "finance officer"),
        (principal("administrator"), "administrator"),
    ]:
        with pytest.raises(AccessDenied) as refused:
            approval_inbox.require_in_inbox(school_session, user, key, DECIDED)
        assert refused.value.message == (
            f"your role ({role}) does not reach approval request {key}"
        )
    with pytest.raises(NotFound, match="no approval request with key 999999"):
        approval_inbox.require_in_inbox(school_session, mary, 999_999, DECIDED)


def test_only_a_staff_member_decides(office):
    assert approval_inbox.require_staff(principal("leadership", office.principal)) == (
        office.principal.staff_id
    )
    with pytest.raises(AccessDenied, match="approval decisions, which a staff member"):
        approval_inbox.require_staff(principal("administrator"))


def test_a_waiver_is_described_in_money(school_session, school, office):
    student = school.enrolled(school_session, "1001")
    invoice = fees.issue_invoice(
        school_session,
        ACTOR,
        student_id=student.student_id,
        school_id=school.school.school_id,
        school_year_id=school.year.school_year_id,
        description="Lab fee",
        amount_cents=12000,
        issued_date=REQUESTED,
        due_dates=[DECIDED],
    )
    fees.request_waiver(
        school_session,
        ACTOR,
        invoice_id=invoice.invoice_id,
        amount_cents=4550,
        requested_by_staff_id=office.registrar.staff_id,
        reason="hardship",
        requested_date=REQUESTED,
    )
    luca = principal("finance_officer", office.finance_officer)

    [line] = approval_inbox.inbox(school_session, luca, DECIDED)

    assert (line.kind, line.details) == ("Fee waiver", "waive 45.50")
    assert line.about == f"invoice {invoice.invoice_id} of Ada Student1001: Lab fee"
