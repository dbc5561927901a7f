"""Fee accounts as the fees page reads them, and who reaches which invoice.

The app school (tests/support/app_school.py): Ada (S1), Bob (S2) and Carla
(S3) at Lincoln, Dana (S4) at Roosevelt. A finance officer here keeps
Lincoln's fees. Amounts are cents: 12000 is 120.00.
"""

import datetime as dt

import pytest

from operational.errors import AccessDenied, NotFound
from operational.services import fee_accounts, fees
from operational.services.access import Principal
from operational.services.fee_aging import Aging

ACTOR = "test:cashier"
SEP_1 = dt.date(2025, 9, 1)
SEP_15 = dt.date(2025, 9, 15)


def principal(role: str, *school_ids: int) -> Principal:
    return Principal(
        user_account_id=1,
        username="tester",
        display_name="Tester",
        role=role,
        staff_id=None,
        school_ids=frozenset(school_ids),
    )


@pytest.fixture
def finance(app_ids) -> Principal:
    return principal("finance_officer", app_ids["lincoln"])


def issue(session, ids, number, school="lincoln", cents=12_000, due=SEP_15):
    return fees.issue_invoice(
        session,
        ACTOR,
        student_id=ids[number],
        school_id=ids[school],
        school_year_id=ids["year"],
        description="Lab fee",
        amount_cents=cents,
        issued_date=SEP_1,
        due_dates=[due],
    ).invoice_id


def pay(session, invoice_id, cents, day=dt.date(2025, 9, 10)):
    fees.record_payment(
        session,
        ACTOR,
        invoice_id=invoice_id,
        amount_cents=cents,
        paid_date=day,
        method="cash",
    )


def test_an_invoice_is_reached_through_its_school(app_school_session, app_ids, finance):
    session = app_school_session
    lincoln_invoice = issue(session, app_ids, "S1")
    roosevelt_invoice = issue(session, app_ids, "S4", school="roosevelt")

    found = fee_accounts.require_invoice(session, finance, lincoln_invoice)
    assert found.invoice_id == lincoln_invoice
    with pytest.raises(
        AccessDenied,
        match=f"finance officer\\) does not reach invoice {roosevelt_invoice}$",
    ):
        fee_accounts.require_invoice(session, finance, roosevelt_invoice)
    with pytest.raises(NotFound, match="no invoice with id 999999"):
        fee_accounts.require_invoice(session, finance, 999_999)
    administrator = principal("administrator")
    assert fee_accounts.require_invoice(session, administrator, roosevelt_invoice)


def test_a_fee_schedule_is_reached_through_its_school(
    app_school_session, app_ids, finance
):
    schedule = fees.create_fee_schedule(
        app_school_session,
        ACTOR,
        school_id=app_ids["roosevelt"],
        school_year_id=app_ids["year"],
        name="Band",
        amount_cents=5_000,
        first_due_date=SEP_15,
    )
    with pytest.raises(AccessDenied, match="does not reach fee schedule"):
        fee_accounts.require_fee_schedule(
            app_school_session, finance, schedule.fee_schedule_id
        )
    assert fee_accounts.fee_schedules(app_school_session, app_ids["roosevelt"]) == {
        schedule.fee_schedule_id: "Band (2025-2026): 50.00 in 1"
    }
    assert fee_accounts.fee_schedules(app_school_session, app_ids["lincoln"]) == {}


def test_a_student_is_billed_only_where_they_were_enrolled(
    app_school_session, app_ids, finance
):
    session = app_school_session
    lincoln, roosevelt = app_ids["lincoln"], app_ids["roosevelt"]
    fee_accounts.require_billable(session, finance, app_ids["S1"], lincoln)
    with pytest.raises(AccessDenied, match=f"does not reach school {roosevelt}"):
        fee_accounts.require_billable(session, finance, app_ids["S4"], roosevelt)
    # Dana was never at Lincoln, so Lincoln cannot bill her either.
    with pytest.raises(
        AccessDenied, match=f"does not reach student {app_ids['S4']} at school"
    ):
        fee_accounts.require_billable(session, finance, app_ids["S4"], lincoln)
    with pytest.raises(NotFound, match="no student with id 999999"):
        fee_accounts.require_billable(session, finance, 999_999, lincoln)


def test_a_students_schools_are_those_in_scope(app_school_session, app_ids, finance):
    session = app_school_session
    assert fee_accounts.student_school_ids(session, finance, app_ids["S1"]) == [
        app_ids["lincoln"]
    ]
    with pytest.raises(AccessDenied, match=f"does not reach student {app_ids['S4']}"):
        fee_accounts.student_school_ids(session, finance, app_ids["S4"])
    administrator = principal("administrator")
    assert fee_accounts.student_school_ids(session, administrator, app_ids["S4"]) == [
        app_ids["roosevelt"]
    ]


def test_the_students_of_a_school_are_listed_by_name(app_school_session, app_ids):
    students = fee_accounts.billable_students(app_school_session, app_ids["lincoln"])
    assert students == {
        app_ids["S2"]: "Babbage, Bob (S2)",
        app_ids["S3"]: "Cruz, Carla (S3)",
        app_ids["S1"]: "Lovelace, Ada (S1)",
    }


def test_an_account_shows_the_invoices_in_scope_with_their_balances(
    app_school_session, app_ids, finance
):
    session = app_school_session
    first = issue(session, app_ids, "S1")
    second = issue(session, app_ids, "S1", cents=5_000)
    pay(session, first, 4_550)
    fees.refund(
        session,
        ACTOR,
        invoice_id=first,
        amount_cents=1_000,
        refund_date=dt.date(2025, 9, 20),
        method="cash",
        reason="paid twice",
    )

    lines = fee_accounts.account_invoices(session, finance, app_ids["S1"])
    # Newest first: 50.00 unpaid; 120.00 - 45.50 + 10.00 = 84.50.
    assert [(line.invoice_id, line.balance_cents) for line in lines] == [
        (second, 5_000),
        (first, 8_450),
    ]
    entries = fee_accounts.ledger(session, [first])
    assert [(e.entry_type, e.amount_cents, e.memo) for e in entries] == [
        ("charge", 12_000, "Lab fee"),
        ("payment", -4_550, None),
        ("refund", 1_000, "paid twice"),
    ]
    assert fee_accounts.balances(session, []) == {}
    assert fee_accounts.ledger(session, []) == []
    # Outside the schools in scope an account shows nothing.
    roosevelt = principal("finance_officer", app_ids["roosevelt"])
    assert fee_accounts.account_invoices(session, roosevelt, app_ids["S1"]) == []


def test_a_schools_aging_sums_each_students_invoices(app_school_session, app_ids):
    session = app_school_session
    ada_lab = issue(session, app_ids, "S1")
    issue(session, app_ids, "S1", cents=3_000, due=dt.date(2025, 10, 15))
    bob = issue(session, app_ids, "S2", cents=5_000)
    issue(session, app_ids, "S3", cents=2_000)
    issue(session, app_ids, "S4", school="roosevelt")
    pay(session, ada_lab, 4_550)
    pay(session, bob, 6_000)
    carla = fee_accounts.account_invoices(
        session, principal("administrator"), app_ids["S3"]
    )
    pay(session, carla[0].invoice_id, 2_000)

    aging = fee_accounts.school_aging(
        session, app_ids["lincoln"], dt.date(2025, 10, 20)
    )
    # Ada: 74.50 due Sep 15 is 35 days late; 30.00 due Oct 15 is 5 days late.
    # Bob paid 10.00 too much; Carla owes nothing and is left out; Dana is
    # Roosevelt's.
    assert [(line.student_number, line.name, line.aging) for line in aging] == [
        ("S2", "Babbage, Bob", Aging(credit_cents=1_000)),
        (
            "S1",
            "Lovelace, Ada",
            Aging(days_1_30_cents=3_000, days_31_60_cents=7_450),
        ),
    ]
    assert (
        fee_accounts.school_aging(session, app_ids["lincoln"], SEP_1 - dt.timedelta(1))
        == []
    )


def test_the_waiver_requests_of_an_invoice(app_school_session, app_ids):
    session = app_school_session
    invoice_id = issue(session, app_ids, "S1")
    other = issue(session, app_ids, "S2")
    request = fees.request_waiver(
        session,
        ACTOR,
        invoice_id=invoice_id,
        amount_cents=2_000,
        requested_by_staff_id=app_ids["staff_finance"],
        reason="family hardship",
        requested_date=SEP_15,
    )
    assert [
        r.approval_request_id for r in fee_accounts.waiver_requests(session, invoice_id)
    ] == [request.approval_request_id]
    assert fee_accounts.waiver_requests(session, other) == []
