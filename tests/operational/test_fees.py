"""Fees: invoices in instalments, the ledger, waivers through approval, aging.

Amounts are cents: 100000 is 1000.00. The test school's year runs from
Aug 25 2025 to Jun 12 2026; its students are enrolled in grade 9 at Lincoln.
"""

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operational.db import session_scope
from operational.errors import (
    ApprovalRequired,
    Conflict,
    InvalidValue,
    NotFound,
    RefundTooLarge,
    WaiverTooLarge,
)
from operational.generator import fees as generated_fees
from operational.generator.load import seed_district
from operational.generator.sizes import SIZES
from operational.models import (
    Application,
    ApprovalRequest,
    Duty,
    Enrollment,
    FeeSchedule,
    Invoice,
    InvoiceInstalment,
    LedgerEntry,
    SchoolYear,
)
from operational.services import approvals, fee_aging, fees, records
from operational.services import staff as staff_service
from operational.services.fee_aging import Aging
from tests.support.approvals import DECIDED, REQUESTED, build_office, guardian_of
from tests.support.databases import migrated_database
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

CASHIER = "test:cashier"
SEP_1 = dt.date(2025, 9, 1)
THREE_DUES = [dt.date(2025, 9, 15), dt.date(2025, 10, 15), dt.date(2025, 11, 15)]
LEDGER = (Invoice, InvoiceInstalment, LedgerEntry)


def issue(session, school, student, amount_cents=100_000, due_dates=None, **more):
    values = {
        "student_id": student.student_id,
        "school_id": school.school.school_id,
        "school_year_id": school.year.school_year_id,
        "description": "Tuition 2025-2026",
        "amount_cents": amount_cents,
        "issued_date": SEP_1,
        "due_dates": THREE_DUES if due_dates is None else due_dates,
    }
    return fees.issue_invoice(session, ACTOR, **(values | more))


def pay(session, invoice, cents, day=dt.date(2025, 9, 10), method="card"):
    return fees.record_payment(
        session,
        CASHIER,
        invoice_id=invoice.invoice_id,
        amount_cents=cents,
        paid_date=day,
        method=method,
    )


def give_back(session, invoice, cents, day=dt.date(2025, 9, 30)):
    return fees.refund(
        session,
        CASHIER,
        invoice_id=invoice.invoice_id,
        amount_cents=cents,
        refund_date=day,
        method="bank_transfer",
        reason="overpaid",
    )


def balance(session, invoice) -> int:
    return fee_aging.balance_cents(session, invoice.invoice_id)


@pytest.mark.parametrize(
    ("total", "parts", "expected"),
    [
        # 100000 / 3 = 33333 remainder 1: the first instalment takes the cent.
        (100_000, 3, [33_334, 33_333, 33_333]),
        # 100 / 7 = 14 remainder 2: two instalments of 15, five of 14.
        (100, 7, [15, 15, 14, 14, 14, 14, 14]),
        (45_000, 3, [15_000, 15_000, 15_000]),
        (1, 1, [1]),
    ],
)
def test_split_cents_sums_exactly(total, parts, expected):
    assert fees.split_cents(total, parts) == expected
    assert sum(expected) == total


def test_monthly_due_dates_keep_the_day_or_the_months_last():
    # 2026 is not a leap year: February ends on the 28th.
    assert fees.monthly_due_dates(dt.date(2025, 12, 31), 3) == [
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
    ]


def test_an_invoice_is_issued_in_instalments_with_its_charge(school_session, school):
    student = school.enrolled(school_session, "1001")
    mark = audit_mark(school_session)
    invoice = issue(school_session, school, student)

    instalments = school_session.execute(
        select(InvoiceInstalment.sequence, InvoiceInstalment.due_date)
        .add_columns(InvoiceInstalment.amount_cents)
        .where(InvoiceInstalment.invoice_id == invoice.invoice_id)
        .order_by(InvoiceInstalment.sequence)
    ).all()
    # 1000.00 in 3: 333.34 + 333.33 + 333.33.
    assert instalments == [
        (1, dt.date(2025, 9, 15), 33_334),
        (2, dt.date(2025, 10, 15), 33_333),
        (3, dt.date(2025, 11, 15), 33_333),
    ]
    entries = school_session.execute(
        select(LedgerEntry.entry_type, LedgerEntry.amount_cents).where(
            LedgerEntry.invoice_id == invoice.invoice_id
        )
    ).all()
    assert entries == [("charge", 100_000)]
    assert balance(school_session, invoice) == 100_000
    assert [r.action for r in audit_since(school_session, mark)] == [
        "issue_invoice",
        "issue_instalment",
        "issue_instalment",
        "issue_instalment",
        "charge",
    ]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"amount_cents": 1000.0}, InvalidValue, "whole number of cents"),
        ({"amount_cents": 0}, InvalidValue, "must be more than zero cents"),
        ({"due_dates": []}, InvalidValue, "1 to 12 instalments"),
        # 2 cents cannot make 3 instalments of at least a cent.
        ({"amount_cents": 2}, InvalidValue, "not 3"),
        (
            {"due_dates": [dt.date(2025, 8, 31)]},
            InvalidValue,
            "the first due date 2025-08-31 is before the invoice is issued",
        ),
        (
            {"due_dates": [dt.date(2025, 10, 1), dt.date(2025, 9, 15)]},
            InvalidValue,
            "must be in order",
        ),
        ({"description": " "}, InvalidValue, "needs a description"),
        ({"student_id": 999_999}, NotFound, "no student with id 999999"),
        ({"guardian_id": 999_999}, InvalidValue, "is not a guardian of student"),
    ],
)
def test_an_invalid_invoice_is_refused(school_session, school, changes, error, message):
    student = school.enrolled(school_session, "1001")
    with refused(school_session, error, message, *LEDGER):
        issue(school_session, school, student, **changes)


def test_payments_partial_then_over_leave_a_credit(school_session, school):
    student = school.enrolled(school_session, "1001")
    invoice = issue(school_session, school, student)

    pay(school_session, invoice, 50_000)
    # 1000.00 - 500.00 = 500.00 still owed.
    assert balance(school_session, invoice) == 50_000
    entry = pay(school_session, invoice, 60_000, method="check")
    # 500.00 - 600.00 = -100.00: a credit of 100.00.
    assert balance(school_session, invoice) == -10_000
    assert (entry.entry_type, entry.amount_cents, entry.recorded_by) == (
        "payment",
        -60_000,
        CASHIER,
    )
    aging = fee_aging.invoice_aging(
        school_session, invoice.invoice_id, dt.date(2025, 12, 1)
    )
    assert aging == Aging(credit_cents=10_000)
    assert aging.balance_cents == -10_000


def test_a_payment_is_refused_before_the_invoice_or_without_a_method(
    school_session, school
):
    student = school.enrolled(school_session, "1001")
    invoice = issue(school_session, school, student)
    with refused(
        school_session,
        InvalidValue,
        f"2025-08-31 is before invoice {invoice.invoice_id} was issued (2025-09-01)",
        LedgerEntry,
    ):
        pay(school_session, invoice, 100, day=dt.date(2025, 8, 31))
    with refused(school_session, InvalidValue, "'bitcoin' is not a payment method"):
        pay(school_session, invoice, 100, method="bitcoin")
    with refused(school_session, InvalidValue, "a payment is a whole number"):
        pay(school_session, invoice, 99.99)


def test_a_refund_returns_at_most_what_was_paid_and_not_refunded(
    school_session, school
):
    student = school.enrolled(school_session, "1001")
    invoice = issue(school_session, school, student)
    pay(school_session, invoice, 110_000)

    # Paid 1100.00: the 100.00 overpaid goes back, leaving 0.00.
    give_back(school_session, invoice, 10_000)
    assert balance(school_session, invoice) == 0
    # 1100.00 paid - 100.00 refunded = 1000.00 refundable; 1000.01 is too much.
    with refused(
        school_session,
        RefundTooLarge,
        f"invoice {invoice.invoice_id} has 1,000.00 paid and not refunded, so "
        "1,000.01 cannot be refunded",
        LedgerEntry,
    ):
        give_back(school_session, invoice, 100_001)
    with refused(school_session, InvalidValue, "a refund needs a reason"):
        fees.refund(
            school_session,
            CASHIER,
            invoice_id=invoice.invoice_id,
            amount_cents=100,
            refund_date=dt.date(2025, 9, 30),
            method="cash",
            reason="",
        )


def test_a_bulk_refund_counts_the_rows_before_it(school_session, school):
    student = school.enrolled(school_session, "1001")
    invoice = issue(school_session, school, student)
    pay(school_session, invoice, 30_000)
    row = {
        "invoice_id": invoice.invoice_id,
        "amount_cents": 20_000,
        "entry_date": dt.date(2025, 9, 30),
        "method": "cash",
        "memo": "duplicate payment",
    }
    # 300.00 paid: a first 200.00 fits, a second 200.00 would make 400.00.
    with refused(
        school_session,
        RefundTooLarge,
        "has 100.00 paid and not refunded, so 200.00 cannot be refunded",
        LedgerEntry,
    ):
        fees.bulk_refund(school_session, [dict(row), dict(row)], CASHIER)
    assert fees.bulk_refund(school_session, [dict(row)], CASHIER) == 1
    # 1000.00 - 300.00 + 200.00 = 900.00.
    assert balance(school_session, invoice) == 90_000


def test_bulk_payments_follow_the_single_payments_rules(school_session, school):
    first = issue(school_session, school, school.enrolled(school_session, "1001"))
    second = issue(school_session, school, school.enrolled(school_session, "1002"))

    def row(invoice, cents, method="online"):
        return {
            "invoice_id": invoice.invoice_id,
            "amount_cents": cents,
            "entry_date": dt.date(2025, 9, 20),
            "method": method,
        }

    with refused(
        school_session, InvalidValue, "'iou' is not a payment method", *LEDGER
    ):
        fees.bulk_record_payments(
            school_session, [row(first, 100), row(second, 100, "iou")], CASHIER
        )
    mark = audit_mark(school_session)
    rows = [row(first, 100_000), row(second, 25_000), row(second, 25_000)]
    assert fees.bulk_record_payments(school_session, rows, CASHIER) == 3
    assert balance(school_session, first) == 0
    # 1000.00 - 250.00 - 250.00 = 500.00.
    assert balance(school_session, second) == 50_000
    audit_rows = audit_since(school_session, mark)
    assert [(r.action, r.after_values) for r in audit_rows] == [
        ("bulk_payments", {"n_rows": 3})
    ]


def test_an_adjustment_changes_what_is_owed_by_a_new_entry(school_session, school):
    invoice = issue(school_session, school, school.enrolled(school_session, "1001"))
    fees.adjust(
        school_session,
        ACTOR,
        invoice_id=invoice.invoice_id,
        amount_cents=-25_000,
        adjustment_date=dt.date(2025, 9, 5),
        reason="sibling discount",
    )
    # The invoice still says 1000.00; the ledger says 1000.00 - 250.00.
    assert invoice.amount_cents == 100_000
    assert balance(school_session, invoice) == 75_000
    with refused(
        school_session,
        InvalidValue,
        "charges 750.00 not waived; an adjustment of -750.01 would take it below zero",
        LedgerEntry,
    ):
        fees.adjust(
            school_session,
            ACTOR,
            invoice_id=invoice.invoice_id,
            amount_cents=-75_001,
            adjustment_date=dt.date(2025, 9, 5),
            reason="error",
        )


def test_the_database_refuses_to_edit_an_issued_invoice(school_session, school):
    invoice = issue(school_session, school, school.enrolled(school_session, "1001"))

    # The generic update path is refused by the database's own trigger.
    with refused(
        school_session,
        Conflict,
        "issued fee records are never edited or deleted; record an adjustment",
        *LEDGER,
    ):
        records.update(school_session, invoice, ACTOR, amount_cents=1)
    school_session.expire_all()
    assert school_session.get(Invoice, invoice.invoice_id).amount_cents == 100_000

    statements = [
        update(InvoiceInstalment)
        .where(InvoiceInstalment.invoice_id == invoice.invoice_id)
        .values(amount_cents=1),
        update(LedgerEntry)
        .where(LedgerEntry.invoice_id == invoice.invoice_id)
        .values(amount_cents=1),
        delete(LedgerEntry).where(LedgerEntry.invoice_id == invoice.invoice_id),
        delete(Invoice).where(Invoice.invoice_id == invoice.invoice_id),
    ]
    for statement in statements:
        with (
            pytest.raises(IntegrityError, match="never edited or deleted"),
            school_session.begin_nested(),
        ):
            school_session.execute(statement)
    assert balance(school_session, invoice) == 100_000


def test_the_database_refuses_a_waiver_without_an_approval(school_session, school):
    invoice = issue(school_session, school, school.enrolled(school_session, "1001"))
    with (
        pytest.raises(IntegrityError, match="waiver_approval"),
        school_session.begin_nested(),
    ):
        school_session.add(
            LedgerEntry(
                invoice_id=invoice.invoice_id,
                entry_type="waiver",
                amount_cents=-100,
                entry_date=SEP_1,
                recorded_by=ACTOR,
            )
        )
        school_session.flush()


@pytest.fixture
def office(school_session, school):
    return build_office(school_session, school)


def ask_waiver(session, office, invoice, cents):
    return fees.request_waiver(
        session,
        ACTOR,
        invoice_id=invoice.invoice_id,
        amount_cents=cents,
        requested_by_staff_id=office.registrar.staff_id,
        reason="family hardship, documented",
        requested_date=REQUESTED,
    )


def test_a_waiver_needs_an_approval_and_uses_it_once(school_session, school, office):
    invoice = issue(school_session, school, school.enrolled(school_session, "1001"))
    pay(school_session, invoice, 30_000)
    request = ask_waiver(school_session, office, invoice, 20_000)
    key = request.approval_request_id
    assert (request.kind, request.subject_table, request.payload) == (
        "fee_waiver",
        "invoice",
        {"amount_cents": 20_000},
    )

    with refused(school_session, ApprovalRequired, "is pending, not approved", *LEDGER):
        fees.apply_waiver(school_session, ACTOR, key, waiver_date=DECIDED)
    # A finance officer decides fee waivers; a registrar does not.
    approvals.approve(
        school_session,
        ACTOR,
        key,
        decided_by_staff_id=office.finance_officer.staff_id,
        decided_date=DECIDED,
    )
    with refused(school_session, InvalidValue, "is before its approval (2025-09-20)"):
        fees.apply_waiver(school_session, ACTOR, key, waiver_date=REQUESTED)

    entry = fees.apply_waiver(school_session, ACTOR, key, waiver_date=DECIDED)
    assert (entry.entry_type, entry.amount_cents, entry.approval_request_id) == (
        "waiver",
        -20_000,
        key,
    )
    assert (request.status, request.applied_date) == ("applied", DECIDED)
    # 1000.00 - 300.00 paid - 200.00 waived = 500.00.
    assert balance(school_session, invoice) == 50_000
    with refused(school_session, ApprovalRequired, "was used on 2025-09-20", *LEDGER):
        fees.apply_waiver(school_session, ACTOR, key, waiver_date=DECIDED)


def test_a_waiver_removes_at_most_what_was_charged_and_not_waived(
    school_session, school, office
):
    invoice = issue(school_session, school, school.enrolled(school_session, "1001"))
    with refused(
        school_session,
        WaiverTooLarge,
        f"invoice {invoice.invoice_id} has 1,000.00 charged and not waived, so "
        "1,000.01 cannot be waived",
        ApprovalRequest,
    ):
        ask_waiver(school_session, office, invoice, 100_001)

    # Two waivers of 600.00 approved; once the first is applied only 400.00
    # is left to waive, so the second is refused when applied.
    first, second = (
        ask_waiver(school_session, office, invoice, 60_000) for _ in range(2)
    )
    for request in (first, second):
        approvals.approve(
            school_session,
            ACTOR,
            request.approval_request_id,
            decided_by_staff_id=office.principal.staff_id,
            decided_date=DECIDED,
        )
    fees.apply_waiver(
        school_session, ACTOR, first.approval_request_id, waiver_date=DECIDED
    )
    with refused(
        school_session,
        WaiverTooLarge,
        "has 400.00 charged and not waived, so 600.00 cannot be waived",
        *LEDGER,
        ApprovalRequest,
    ):
        fees.apply_waiver(
            school_session, ACTOR, second.approval_request_id, waiver_date=DECIDED
        )
    assert second.status == "approved"


def test_money_balances_to_the_cent_across_every_kind_of_entry(
    school_session, school, office
):
    student = school.enrolled(school_session, "1001")
    tuition = issue(school_session, school, student)
    trip = issue(
        school_session,
        school,
        student,
        amount_cents=12_345,
        due_dates=[dt.date(2025, 10, 1), dt.date(2025, 11, 1)],
        description="Field trip",
    )
    pay(school_session, tuition, 33_334)
    pay(school_session, tuition, 70_000)
    give_back(school_session, tuition, 3_334)
    pay(school_session, trip, 5_000)
    request = ask_waiver(school_session, office, trip, 2_345)
    approvals.approve(
        school_session,
        ACTOR,
        request.approval_request_id,
        decided_by_staff_id=office.principal.staff_id,
        decided_date=DECIDED,
    )
    fees.apply_waiver(
        school_session, ACTOR, request.approval_request_id, waiver_date=DECIDED
    )
    fees.adjust(
        school_session,
        ACTOR,
        invoice_id=trip.invoice_id,
        amount_cents=155,
        adjustment_date=dt.date(2025, 10, 2),
        reason="bus surcharge",
    )

    # Tuition: 1000.00 - 333.34 - 700.00 + 33.34 = 0.00.
    assert balance(school_session, tuition) == 0
    # Trip: 123.45 - 50.00 - 23.45 + 1.55 = 51.55.
    assert balance(school_session, trip) == 5_155
    total = school_session.scalar(select(func.sum(LedgerEntry.amount_cents)))
    assert total == 5_155
    aging = fee_aging.account_aging(
        school_session, dt.date(2026, 1, 31), student_id=student.student_id
    )
    assert aging.balance_cents == 5_155
    instalment_total = school_session.scalar(
        select(func.sum(InvoiceInstalment.amount_cents))
    )
    # 100000 + 12345: instalments sum to the invoices exactly.
    assert instalment_total == 112_345


def test_aging_puts_what_is_owed_in_buckets_as_of_a_date(school_session, school):
    student = school.enrolled(school_session, "1001")
    guardian = guardian_of(school_session, student.student_id)
    tuition = issue(school_session, school, student, guardian_id=guardian.guardian_id)
    books = issue(
        school_session,
        school,
        student,
        amount_cents=30_000,
        due_dates=[dt.date(2025, 9, 5)],
        description="Books",
        guardian_id=guardian.guardian_id,
    )
    pay(school_session, tuition, 40_000, day=dt.date(2025, 9, 10))
    fees.adjust(
        school_session,
        ACTOR,
        invoice_id=books.invoice_id,
        amount_cents=5_000,
        adjustment_date=dt.date(2025, 12, 1),
        reason="late fee",
    )

    # On Oct 1 the 400.00 paid settles instalment 1 (333.34) and 66.66 of
    # instalment 2; 266.67 of it and 333.33 of instalment 3 are not due yet.
    assert fee_aging.invoice_aging(
        school_session, tuition.invoice_id, dt.date(2025, 10, 1)
    ) == Aging(current_cents=60_000)

    # On Dec 20: instalment 2 (due Oct 15) is 66 days late (17 + 30 + 19),
    # instalment 3 (due Nov 15) 35 days (15 + 20).
    tuition_aging = fee_aging.invoice_aging(
        school_session, tuition.invoice_id, dt.date(2025, 12, 20)
    )
    assert tuition_aging == Aging(days_31_60_cents=33_333, days_61_90_cents=26_667)
    # Books: due Sep 5, 106 days (25 + 31 + 30 + 20); the late fee of Dec 1, 19.
    books_aging = fee_aging.invoice_aging(
        school_session, books.invoice_id, dt.date(2025, 12, 20)
    )
    assert books_aging == Aging(days_1_30_cents=5_000, days_over_90_cents=30_000)

    expected = Aging(
        days_1_30_cents=5_000,
        days_31_60_cents=33_333,
        days_61_90_cents=26_667,
        days_over_90_cents=30_000,
    )
    as_of = dt.date(2025, 12, 20)
    assert (
        fee_aging.account_aging(school_session, as_of, student_id=student.student_id)
        == expected
    )
    assert (
        fee_aging.account_aging(school_session, as_of, guardian_id=guardian.guardian_id)
        == expected
    )
    # 600.00 + 350.00 owed, the sum of both ledgers.
    assert expected.balance_cents == 95_000
    assert balance(school_session, tuition) + balance(school_session, books) == 95_000
    # Before the books were issued nothing of them is owed.
    assert (
        fee_aging.invoice_agings(
            school_session, [books.invoice_id], dt.date(2025, 8, 31)
        )
        == {}
    )


def test_an_account_is_a_student_or_a_guardian(school_session, school):
    with refused(school_session, InvalidValue, "name either a student or a guardian"):
        fee_aging.account_aging(school_session, SEP_1)


def schedule(session, school, **changes):
    values = {
        "school_id": school.school.school_id,
        "school_year_id": school.year.school_year_id,
        "name": "Grade 9 activity fee",
        "amount_cents": 45_000,
        "first_due_date": dt.date(2025, 9, 15),
        "n_instalments": 3,
        "grade_level": 9,
    }
    return fees.create_fee_schedule(session, ACTOR, **(values | changes))


def test_a_schedule_invoices_each_enrolled_student_once(school_session, school):
    first = school.enrolled(school_session, "1001")
    second = school.enrolled(school_session, "1002")
    school.enrolled(school_session, "2001", school=school.other_school)
    guardian = guardian_of(school_session, first.student_id)
    fee = schedule(school_session, school)

    assert (
        fees.invoice_schedule(
            school_session, ACTOR, fee.fee_schedule_id, issued_date=SEP_1
        )
        == 2
    )
    invoices = school_session.execute(
        select(Invoice.student_id, Invoice.guardian_id, Invoice.amount_cents)
        .where(Invoice.fee_schedule_id == fee.fee_schedule_id)
        .order_by(Invoice.student_id)
    ).all()
    # Lincoln's two grade 9 students; the primary guardian gets the bill.
    assert invoices == [
        (first.student_id, guardian.guardian_id, 45_000),
        (second.student_id, None, 45_000),
    ]
    parts = school_session.execute(
        select(InvoiceInstalment.due_date, InvoiceInstalment.amount_cents)
        .join(Invoice)
        .where(Invoice.student_id == first.student_id)
        .order_by(InvoiceInstalment.sequence)
    ).all()
    # 450.00 in 3: 150.00 each, monthly from Sep 15.
    assert parts == [
        (dt.date(2025, 9, 15), 15_000),
        (dt.date(2025, 10, 15), 15_000),
        (dt.date(2025, 11, 15), 15_000),
    ]
    assert (
        fees.invoice_schedule(
            school_session, ACTOR, fee.fee_schedule_id, issued_date=SEP_1
        )
        == 0
    )
    with refused(school_session, Conflict, "already invoiced for", *LEDGER):
        fees.invoice_schedule(
            school_session,
            ACTOR,
            fee.fee_schedule_id,
            issued_date=SEP_1,
            student_ids=[first.student_id],
        )


def test_a_late_invoice_makes_past_instalments_due_at_once(school_session, school):
    student = school.enrolled(school_session, "1001")
    fee = schedule(school_session, school)
    fees.invoice_schedule(
        school_session, ACTOR, fee.fee_schedule_id, issued_date=dt.date(2025, 10, 20)
    )
    dues = school_session.scalars(
        select(InvoiceInstalment.due_date)
        .join(Invoice)
        .where(Invoice.student_id == student.student_id)
        .order_by(InvoiceInstalment.sequence)
    ).all()
    # Sep 15 and Oct 15 have passed on Oct 20; Nov 15 has not.
    assert dues == [dt.date(2025, 10, 20), dt.date(2025, 10, 20), dt.date(2025, 11, 15)]


def test_a_program_fee_is_billed_to_the_students_named(school_session, school):
    player = school.enrolled(school_session, "1001")
    school.enrolled(school_session, "1002")
    fee = schedule(
        school_session, school, name="Athletics", program="athletics", grade_level=None
    )
    with refused(
        school_session,
        InvalidValue,
        "is a program fee (athletics): name the students",
        *LEDGER,
    ):
        fees.invoice_schedule(
            school_session, ACTOR, fee.fee_schedule_id, issued_date=SEP_1
        )
    assert (
        fees.invoice_schedule(
            school_session,
            ACTOR,
            fee.fee_schedule_id,
            issued_date=SEP_1,
            student_ids=[player.student_id],
        )
        == 1
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount_cents": 450.0}, "the fee is a whole number of cents"),
        ({"n_instalments": 13}, "1 to 12 instalments"),
        ({"grade_level": 5}, "Lincoln High teaches grades 9 to 12, not 5"),
        ({"first_due_date": dt.date(2026, 7, 1)}, "outside the 2025-2026 school"),
        ({"name": ""}, "a fee schedule needs a name"),
    ],
)
def test_an_invalid_schedule_is_refused(school_session, school, changes, message):
    with refused(school_session, InvalidValue, message, FeeSchedule):
        schedule(school_session, school, **changes)


def test_schools_with_more_disadvantaged_students_collect_less(school_session, school):
    lincoln = [school.enrolled(school_session, n) for n in ("1001", "1002")]
    school.enrolled(school_session, "2001", school=school.other_school)
    rates = generated_fees.collection_rates(
        school_session,
        [school.school, school.other_school],
        {lincoln[0].student_id},
    )
    # Lincoln: 1 of 2 disadvantaged, ranked last; Roosevelt: 0 of 1, first.
    assert rates == {school.school.school_id: 0.70, school.other_school.school_id: 0.95}


# The synthetic district's fees, leave, rota and applications (tiny size).

GENERATED_AS_OF = dt.date(2026, 3, 13)


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Iterator[Session]:
    directory = tmp_path_factory.mktemp("generated")
    with migrated_database("sqlite", directory) as engine:
        with session_scope(engine) as session:
            seed_district(session, SIZES["tiny"], 42, GENERATED_AS_OF)
        with Session(engine) as session:
            yield session


def test_every_enrolled_student_is_billed_the_schools_fee(district):
    enrolled = district.scalar(
        select(func.count(func.distinct(Enrollment.student_id))).where(
            Enrollment.entry_date <= GENERATED_AS_OF
        )
    )
    billed = district.scalar(
        select(func.count(Invoice.invoice_id))
        .join(FeeSchedule)
        .where(FeeSchedule.name == "Activity and technology fee")
    )
    assert billed == enrolled > 150


def test_the_generated_ledger_balances_to_the_cent(district):
    mismatched = district.execute(
        select(Invoice.invoice_id)
        .join(InvoiceInstalment)
        .group_by(Invoice.invoice_id, Invoice.amount_cents)
        .having(func.sum(InvoiceInstalment.amount_cents) != Invoice.amount_cents)
    ).all()
    assert mismatched == []
    charged = district.scalar(select(func.sum(Invoice.amount_cents)))
    charges = district.scalar(
        select(func.sum(LedgerEntry.amount_cents)).where(
            LedgerEntry.entry_type == "charge"
        )
    )
    assert charges == charged
    last = district.scalar(select(func.max(LedgerEntry.entry_date)))
    assert last <= GENERATED_AS_OF
    # One school: it collects between the worst and the best rate, less a
    # little for the families who are late.
    (share,) = generated_fees.collected_share(district, GENERATED_AS_OF).values()
    assert 0.6 < share < 0.95
    entry_types = set(district.scalars(select(LedgerEntry.entry_type)))
    # Refunds are rare (duplicate payments): a tiny district may have none.
    assert {"charge", "payment", "waiver"} <= entry_types
    assert "adjustment" not in entry_types


def test_every_generated_waiver_used_an_approved_request(district):
    waivers = district.execute(
        select(ApprovalRequest.kind, ApprovalRequest.status)
        .join(LedgerEntry)
        .where(LedgerEntry.entry_type == "waiver")
    ).all()
    assert waivers
    assert set(waivers) == {("fee_waiver", "applied")}


def test_the_generated_rota_leave_and_applications_tell_a_story(district):
    leave = set(
        district.scalars(
            select(ApprovalRequest.status).where(ApprovalRequest.kind == "leave")
        )
    )
    assert "approved" in leave
    uncovered = [
        staff_service.duties_needing_cover(district, school_id, day)
        for school_id in district.scalars(select(Duty.school_id).distinct())
        for day in (GENERATED_AS_OF - dt.timedelta(days=n) for n in range(200))
    ]
    assert any(uncovered)
    next_year = district.scalar(
        select(SchoolYear).where(SchoolYear.name == "2026-2027")
    )
    statuses = set(
        district.scalars(
            select(Application.status).where(
                Application.school_year_id == next_year.school_year_id
            )
        )
    )
    assert len(statuses) >= 2
