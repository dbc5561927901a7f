"""The approvals page: an inbox of what the user may decide, and their own
requests.

Each test starts with two pending requests at Lincoln, made through the
services: Grace Hopper (account `teacher`) asks for personal leave on
October 6-7 2025, and Rita Moreno (account `registrar`) asks to waive 45.50
of Ada's 120.00 lab fee. The principal Pat Quinn (account `leader`) may
decide both; the finance officer Fay Ledger (account `finance`) only the
waiver; the others neither.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from operational.models import ApprovalRequest, AuditLog, StaffAssignment
from operational.services import approvals, fees, records, staff
from tests.support.app_driver import texts
from tests.support.page_guard import run_page
from tests.support.school import ACTOR

PAGE = "approvals.py"
HOSTILE = "<script>alert(1)</script>"
DROP = "'; drop table student; --"
# The service words it so (approvals._require_text adds "is required").
NO_REASON = "a reason for the requester is required"


@dataclass
class Requests:
    leave: int
    waiver: int


def leave_request(app_database, member: str, reason="family wedding") -> int:
    ids = app_database.ids
    with app_database.session() as session:
        leave = staff.request_leave(
            session,
            member,
            staff_id=ids[f"staff_{member}"],
            school_id=ids["lincoln"],
            leave_type="personal",
            start_date=dt.date(2025, 10, 6),
            end_date=dt.date(2025, 10, 7),
            reason=reason,
        )
        return leave.approval_request_id


@pytest.fixture
def requests(app_database) -> Requests:
    ids = app_database.ids
    leave = leave_request(app_database, "teacher")
    with app_database.session() as session:
        invoice = fees.issue_invoice(
            session,
            ACTOR,
            student_id=ids["S1"],
            school_id=ids["lincoln"],
            school_year_id=ids["year"],
            description="Lab fee",
            amount_cents=12000,
            issued_date=dt.date(2025, 9, 2),
            due_dates=[dt.date(2025, 10, 1)],
        )
        waiver = fees.request_waiver(
            session,
            "registrar",
            invoice_id=invoice.invoice_id,
            amount_cents=4550,
            requested_by_staff_id=ids["staff_registrar"],
            reason="family hardship",
        )
        return Requests(leave, waiver.approval_request_id)


def request_row(app_database, request_id: int):
    with app_database.session() as session:
        return session.execute(
            select(
                ApprovalRequest.status,
                ApprovalRequest.decided_by_staff_id,
                ApprovalRequest.decided_date,
                ApprovalRequest.decision_reason,
            ).where(ApprovalRequest.approval_request_id == request_id)
        ).one()


def n_audit_rows(app_database) -> int:
    with app_database.session() as session:
        return session.scalar(select(func.count()).select_from(AuditLog))


def tables(app) -> dict[str, object]:
    """The page's tables: the inbox has a requester column, the user's own
    requests a status column."""
    return {
        "inbox" if "Requested by" in table.value else "own": table.value
        for table in app.dataframe
    }


def inbox_ids(app) -> list[int]:
    inbox = tables(app).get("inbox")
    return [] if inbox is None else inbox["Request"].tolist()


def own_ids(app) -> list[int]:
    return tables(app)["own"]["Request"].tolist()


def choose(app, request_id: int, reason: str = ""):
    app.selectbox(key="approval_request").set_value(request_id).run()
    app.text_input(key=f"approval_reason_{request_id}").input(reason)
    return app


def click(app, request_id: int, decision: str):
    app.button(key=f"approval_{decision}_{request_id}").click().run()
    assert not app.exception, app.exception
    return app


def decision_buttons(app) -> list[str]:
    keys = [button.key or "" for button in app.button]
    return [key for key in keys if key.startswith("approval_")]


def test_the_page_needs_a_sign_in(app_database):
    app, statements = run_page(PAGE)

    assert texts(app, "warning") == ["Sign in to use Quad."]
    assert [t.value for t in app.title] == []
    assert statements == []


def test_each_user_sees_what_they_may_decide(signed_in, requests):
    leader = signed_in("leader", PAGE)
    finance = signed_in("finance", PAGE)
    teacher = signed_in("teacher", PAGE)

    assert leader.dataframe[0].value["Request"].tolist() == [
        requests.leave,
        requests.waiver,
    ]
    assert finance.dataframe[0].value["Request"].tolist() == [requests.waiver]
    assert finance.dataframe[0].value["Asked for"].tolist() == ["waive 45.50"]
    assert "No request is waiting for your decision." in texts(teacher, "text")
    # The teacher's own request, still pending, is in their list.
    own = teacher.dataframe[0].value
    assert own[["Request", "Status"]].values.tolist() == [[requests.leave, "pending"]]


def test_an_account_without_a_staff_record_decides_nothing(signed_in, requests):
    app = signed_in("admin", PAGE)

    assert texts(app, "info") == [
        "Your account is not linked to a staff record, so no request waits "
        "for your decision and you have made none."
    ]
    assert not app.dataframe


def test_the_principal_approves_a_leave(signed_in, app_database, requests):
    app = signed_in("leader", PAGE)

    click(choose(app, requests.leave), requests.leave, "approve")

    assert texts(app, "success") == [f"Request {requests.leave} approved."]
    assert request_row(app_database, requests.leave) == (
        "approved",
        app_database.ids["staff_leader"],
        dt.date.today(),
        None,
    )
    assert inbox_ids(app) == [requests.waiver]
    assert request_row(app_database, requests.waiver).status == "pending"


def test_the_finance_officer_rejects_a_waiver_with_a_reason(
    signed_in, app_database, requests
):
    app = signed_in("finance", PAGE)

    choose(app, requests.waiver, "the balance is already on a plan")
    click(app, requests.waiver, "reject")

    assert texts(app, "success") == [f"Request {requests.waiver} rejected."]
    assert request_row(app_database, requests.waiver) == (
        "rejected",
        app_database.ids["staff_finance"],
        dt.date.today(),
        "the balance is already on a plan",
    )
    registrar = signed_in("registrar", PAGE)
    own = registrar.dataframe[0].value
    assert own[["Status", "Decision reason"]].values.tolist() == [
        ["rejected", "the balance is already on a plan"]
    ]


def test_a_rejection_without_a_reason_is_refused(signed_in, app_database, requests):
    app = signed_in("leader", PAGE)
    before = n_audit_rows(app_database)

    click(choose(app, requests.leave, "   "), requests.leave, "reject")

    assert texts(app, "error") == [NO_REASON]
    assert request_row(app_database, requests.leave).status == "pending"
    assert n_audit_rows(app_database) == before
    assert app.text_input(key=f"approval_reason_{requests.leave}").value == "   "


def test_a_request_withdrawn_meanwhile_is_refused(signed_in, app_database, requests):
    app = choose(signed_in("leader", PAGE), requests.leave, "enjoy the wedding")
    with app_database.session() as session:
        approvals.withdraw(session, "teacher", requests.leave)
    before = n_audit_rows(app_database)

    click(app, requests.leave, "approve")

    assert texts(app, "error") == [
        f"leave request {requests.leave} is withdrawn; only a pending request "
        "can be decided or withdrawn"
    ]
    assert request_row(app_database, requests.leave).status == "withdrawn"
    assert n_audit_rows(app_database) == before
    # The click was for the leave: the waiver now shown is left undecided.
    assert request_row(app_database, requests.waiver).status == "pending"


def test_a_decider_who_lost_the_position_meanwhile_is_refused(
    signed_in, app_database, requests
):
    ids = app_database.ids
    app = choose(signed_in("leader", PAGE), requests.leave)
    with app_database.session() as session:
        position = session.scalars(
            select(StaffAssignment).where(
                StaffAssignment.staff_id == ids["staff_leader"]
            )
        ).one()
        records.update(session, position, ACTOR, position="teacher")
    before = n_audit_rows(app_database)

    click(app, requests.leave, "approve")

    assert texts(app, "error") == [
        "leave requests at Lincoln High are decided by: administrator, "
        f"assistant_principal, principal; staff member {ids['staff_leader']} "
        f"holds teacher there on {dt.date.today()}"
    ]
    assert request_row(app_database, requests.leave).status == "pending"
    assert n_audit_rows(app_database) == before


def test_nobody_decides_their_own_request_even_by_url(
    signed_in, app_database, requests
):
    own = leave_request(app_database, "leader", reason="conference")
    before = n_audit_rows(app_database)

    listed = signed_in("leader", PAGE)
    typed = signed_in("leader", PAGE, query={"request": str(own)})

    assert own not in inbox_ids(listed)
    assert own_ids(listed) == [own]
    assert texts(typed, "error") == [
        f"your role (leadership) does not reach approval request {own}"
    ]
    assert decision_buttons(typed) == []
    assert request_row(app_database, own).status == "pending"
    assert n_audit_rows(app_database) == before


@pytest.mark.parametrize(
    ("username", "role", "kind"),
    [
        ("finance", "finance officer", "leave"),
        ("teacher", "teacher", "waiver"),
        ("registrar", "registrar", "leave"),
        ("counselor", "counselor", "waiver"),
    ],
)
def test_a_request_out_of_scope_is_refused_by_url(
    signed_in, app_database, requests, username, role, kind
):
    request_id = getattr(requests, kind)
    before = n_audit_rows(app_database)

    app = signed_in(username, PAGE, query={"request": str(request_id)})

    assert texts(app, "error") == [
        f"your role ({role}) does not reach approval request {request_id}"
    ]
    assert not app.dataframe
    assert decision_buttons(app) == []
    assert request_row(app_database, request_id).status == "pending"
    assert n_audit_rows(app_database) == before


def test_a_request_in_the_inbox_is_opened_by_url(signed_in, requests):
    app = signed_in("leader", PAGE, query={"request": str(requests.waiver)})

    assert app.selectbox(key="approval_request").value == requests.waiver
    assert "Asked for: waive 45.50" in texts(app, "text")


def test_text_is_saved_verbatim_and_shown_escaped(signed_in, app_database, requests):
    hostile = leave_request(app_database, "teacher2", reason=HOSTILE)
    app = signed_in("leader", PAGE)
    choose(app, hostile, DROP)

    assert f"Reason: {HOSTILE}" in texts(app, "text")
    click(app, hostile, "reject")

    assert request_row(app_database, hostile).decision_reason == DROP
    teacher = signed_in("teacher2", PAGE)
    assert teacher.dataframe[0].value["Decision reason"].tolist() == [DROP]
    for shown in (app, teacher):
        assert not shown.get("html")
        markdown = texts(shown, "markdown") + texts(shown, "success")
        assert all(HOSTILE not in m and DROP not in m for m in markdown)
