"""Fee accounts as the fees page reads them, and who reaches which invoice.

An invoice is reached through its school: a finance officer reaches the
invoices of the schools on their account, an administrator every invoice.
A student is billed at a school only by someone who reaches the school, and
only when the student is or was enrolled there. Writes stay in `fees`; the
amounts here are whole cents, summed from the ledger as `fee_aging` does.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.errors import NotFound
from operational.models import (
    ApprovalRequest,
    Enrollment,
    FeeSchedule,
    Invoice,
    LedgerEntry,
    SchoolYear,
    Student,
)
from operational.services import access
from operational.services.access import Principal, deny
from operational.services.fee_aging import Aging, invoice_agings
from operational.services.fees import format_cents


@dataclass(frozen=True)
class InvoiceLine:
    invoice_id: int
    school_id: int
    description: str
    issued_date: dt.date
    amount_cents: int
    balance_cents: int


@dataclass(frozen=True)
class LedgerLine:
    ledger_entry_id: int
    invoice_id: int
    entry_date: dt.date
    entry_type: str
    amount_cents: int  # owed (+) or settled (-), as the ledger keeps it
    method: str | None
    reference: str | None
    memo: str | None


@dataclass(frozen=True)
class StudentAging:
    student_id: int
    student_number: str
    name: str
    aging: Aging


def require_invoice(session: Session, principal: Principal, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(f"no invoice with id {invoice_id}")
    if invoice.school_id not in access.school_ids_in_scope(session, principal):
        deny(principal, f"invoice {invoice_id}")
    return invoice


def require_fee_schedule(
    session: Session, principal: Principal, fee_schedule_id: int
) -> FeeSchedule:
    schedule = session.get(FeeSchedule, fee_schedule_id)
    if schedule is None:
        raise NotFound(f"no fee schedule with id {fee_schedule_id}")
    if schedule.school_id not in access.school_ids_in_scope(session, principal):
        deny(principal, f"fee schedule {fee_schedule_id}")
    return schedule


def require_billable(
    session: Session, principal: Principal, student_id: int, school_id: int
) -> None:
    """The user reaches the school, and the student has been enrolled there."""
    access.require_school(session, principal, school_id)
    if session.get(Student, student_id) is None:
        raise NotFound(f"no student with id {student_id}")
    enrolled = session.scalar(
        select(Enrollment.enrollment_id)
        .where(Enrollment.student_id == student_id, Enrollment.school_id == school_id)
        .limit(1)
    )
    if enrolled is None:
        deny(principal, f"student {student_id} at school {school_id}")


def student_school_ids(
    session: Session, principal: Principal, student_id: int
) -> list[int]:
    """The schools in scope where the student is or was enrolled, latest entry
    first; refused when there is none."""
    if session.get(Student, student_id) is None:
        raise NotFound(f"no student with id {student_id}")
    in_scope = access.school_ids_in_scope(session, principal)
    school_ids = session.scalars(
        select(Enrollment.school_id)
        .where(
            Enrollment.student_id == student_id,
            Enrollment.school_id.in_(in_scope),
        )
        .order_by(Enrollment.entry_date.desc(), Enrollment.enrollment_id.desc())
    )
    ordered = list(dict.fromkeys(school_ids))
    if not ordered:
        deny(principal, f"student {student_id}")
    return ordered


def billable_students(session: Session, school_id: int) -> dict[int, str]:
    """Every student who is or was enrolled at the school, by name."""
    rows = session.execute(
        select(
            Student.student_id,
            Student.last_name,
            Student.first_name,
            Student.student_number,
        )
        .join(Enrollment, Enrollment.student_id == Student.student_id)
        .where(Enrollment.school_id == school_id)
        .distinct()
        .order_by(Student.last_name, Student.first_name, Student.student_number)
    )
    return {
        student_id: f"{last}, {first} ({number})"
        for student_id, last, first, number in rows
    }


def fee_schedules(session: Session, school_id: int) -> dict[int, str]:
    """The school's fee schedules, newest year first, with what they bill."""
    rows = session.execute(
        select(FeeSchedule, SchoolYear.name)
        .join(SchoolYear, SchoolYear.school_year_id == FeeSchedule.school_year_id)
        .where(FeeSchedule.school_id == school_id)
        .order_by(SchoolYear.start_date.desc(), FeeSchedule.name)
    )
    return {
        schedule.fee_schedule_id: (
            f"{schedule.name} ({year_name}): {format_cents(schedule.amount_cents)}"
            f" in {schedule.n_instalments}"
        )
        for schedule, year_name in rows
    }


def balances(session: Session, invoice_ids: Iterable[int]) -> dict[int, int]:
    """The sum of each invoice's ledger entries."""
    wanted = list(invoice_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(LedgerEntry.invoice_id, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.invoice_id.in_(wanted))
        .group_by(LedgerEntry.invoice_id)
    )
    found = {invoice_id: int(cents) for invoice_id, cents in rows}
    return {invoice_id: found.get(invoice_id, 0) for invoice_id in wanted}


def account_invoices(
    session: Session, principal: Principal, student_id: int
) -> list[InvoiceLine]:
    """The student's invoices at the schools in scope, newest first."""
    invoices = list(
        session.scalars(
            select(Invoice)
            .where(
                Invoice.student_id == student_id,
                Invoice.school_id.in_(access.school_ids_in_scope(session, principal)),
            )
            .order_by(Invoice.issued_date.desc(), Invoice.invoice_id.desc())
        )
    )
    owed = balances(session, [invoice.invoice_id for invoice in invoices])
    return [
        InvoiceLine(
            invoice_id=invoice.invoice_id,
            school_id=invoice.school_id,
            description=invoice.description,
            issued_date=invoice.issued_date,
            amount_cents=invoice.amount_cents,
            balance_cents=owed[invoice.invoice_id],
        )
        for invoice in invoices
    ]


def ledger(session: Session, invoice_ids: Iterable[int]) -> list[LedgerLine]:
    """The entries of the invoices, in the order they happened."""
    wanted = list(invoice_ids)
    if not wanted:
        return []
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.invoice_id.in_(wanted))
        .order_by(LedgerEntry.entry_date, LedgerEntry.ledger_entry_id)
    )
    return [
        LedgerLine(
            ledger_entry_id=entry.ledger_entry_id,
            invoice_id=entry.invoice_id,
            entry_date=entry.entry_date,
            entry_type=entry.entry_type,
            amount_cents=entry.amount_cents,
            method=entry.method,
            reference=entry.reference,
            memo=entry.memo,
        )
        for entry in entries
    ]


def waiver_requests(session: Session, invoice_id: int) -> list[ApprovalRequest]:
    """The fee-waiver requests made for an invoice, oldest first."""
    return list(
        session.scalars(
            select(ApprovalRequest)
            .where(
                ApprovalRequest.kind == "fee_waiver",
                ApprovalRequest.subject_id == invoice_id,
            )
            .order_by(ApprovalRequest.approval_request_id)
        )
    )


def school_aging(
    session: Session, school_id: int, as_of: dt.date
) -> list[StudentAging]:
    """What each student owes the school as of a date, by days past due; only
    accounts with something owed or a credit, by name."""
    invoice_students = dict(
        session.execute(
            select(Invoice.invoice_id, Invoice.student_id).where(
                Invoice.school_id == school_id
            )
        ).all()
    )
    totals: dict[int, Aging] = defaultdict(Aging)
    for invoice_id, aging in invoice_agings(session, invoice_students, as_of).items():
        student_id = invoice_students[invoice_id]
        totals[student_id] = totals[student_id] + aging
    open_accounts = {
        student_id: aging
        for student_id, aging in totals.items()
        if aging.owed_cents or aging.credit_cents
    }
    students = session.execute(
        select(
            Student.student_id,
            Student.student_number,
            Student.last_name,
            Student.first_name,
        )
        .where(Student.student_id.in_(open_accounts))
        .order_by(Student.last_name, Student.first_name, Student.student_number)
    )
    return [
        StudentAging(student_id, number, f"{last}, {first}", open_accounts[student_id])
        for student_id, number, last, first in students
    ]
