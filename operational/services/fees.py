"""Fees: schedules, invoices in instalments, payments, refunds, waivers, aging.

Every amount is whole cents, an `int`. An issued invoice is never edited:
what happens to it afterwards is a new ledger entry (payment, refund,
waiver, adjustment), and a balance is the sum of the entries, so it always
balances to the cent. This module has no update path, and the database
refuses updates and deletes of invoices, instalments and entries (migration
0003). A waiver needs an approved fee-waiver request and uses it up.
Balances and aging are read in `fee_aging`.
"""

import calendar
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational import vocabulary as v
from operational.audit import audit
from operational.errors import (
    Conflict,
    InvalidValue,
    NotFound,
    RefundTooLarge,
    WaiverTooLarge,
)
from operational.models import (
    ApprovalRequest,
    Enrollment,
    FeeSchedule,
    Invoice,
    InvoiceInstalment,
    LedgerEntry,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
)
from operational.models.fees import MAX_INSTALMENTS
from operational.services import approvals
from operational.services._writes import insert_batches, savepoint
from operational.services.records import get

log = logging.getLogger(__name__)

CHUNK = 5_000


def require_cents(value: Any, what: str) -> int:
    """A positive whole number of cents; floats are refused, never rounded."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(
            f"{what} is a whole number of cents (100000 for 1000.00), not {value!r}"
        )
    if value <= 0:
        raise InvalidValue(f"{what} must be more than zero cents, not {value}")
    return value


def split_cents(total_cents: int, n_parts: int) -> list[int]:
    """`total_cents` in `n_parts` that differ by at most a cent and sum exactly;
    the first parts carry the remainder (100000 in 3: 33334, 33333, 33333)."""
    share, remainder = divmod(total_cents, n_parts)
    return [share + 1] * remainder + [share] * (n_parts - remainder)


def monthly_due_dates(first_due_date: dt.date, n_instalments: int) -> list[dt.date]:
    """The same day of each following month, or the month's last day."""
    dates = []
    for offset in range(n_instalments):
        year, month = divmod(first_due_date.month - 1 + offset, 12)
        year, month = first_due_date.year + year, month + 1
        last_day = calendar.monthrange(year, month)[1]
        dates.append(dt.date(year, month, min(first_due_date.day, last_day)))
    return dates


def create_fee_schedule(
    session: Session,
    actor: str,
    *,
    school_id: int,
    school_year_id: int,
    name: str,
    amount_cents: int,
    first_due_date: dt.date,
    n_instalments: int = 1,
    grade_level: int | None = None,
    program: str | None = None,
) -> FeeSchedule:
    """A fee of a school for a year: for one grade, one program, or everyone."""
    school = get(session, School, school_id)
    year = get(session, SchoolYear, school_year_id)
    if not name or not name.strip():
        raise InvalidValue("a fee schedule needs a name, as families will see it")
    require_cents(amount_cents, "the fee")
    if not 1 <= n_instalments <= min(MAX_INSTALMENTS, amount_cents):
        raise InvalidValue(
            f"a fee is paid in 1 to {MAX_INSTALMENTS} instalments of at least "
            f"a cent each, not {n_instalments}"
        )
    if grade_level is not None and not (
        school.low_grade <= grade_level <= school.high_grade
    ):
        raise InvalidValue(
            f"{school.name} teaches grades {school.low_grade} to "
            f"{school.high_grade}, not {grade_level}"
        )
    if not year.start_date <= first_due_date <= year.end_date:
        raise InvalidValue(
            f"the first due date {first_due_date} is outside the {year.name} "
            "school year"
        )

    schedule = FeeSchedule(
        school_id=school_id,
        school_year_id=school_year_id,
        name=name.strip(),
        amount_cents=amount_cents,
        grade_level=grade_level,
        program=program.strip() if program else None,
        n_instalments=n_instalments,
        first_due_date=first_due_date,
    )
    with savepoint(session):
        session.add(schedule)
        audit(session, actor, "create_fee_schedule", schedule, before=None)
    return schedule


@dataclass
class InvoiceContext:
    """What validating invoices needs, loaded once per batch."""

    schools: dict[int, School]
    years: dict[int, SchoolYear]
    schedules: dict[int, FeeSchedule]
    student_ids: set[int]
    guardian_links: set[tuple[int, int]]  # (student, guardian)
    billed: set[tuple[int, int]]  # (fee schedule, student) already invoiced


def load_invoice_context(
    session: Session, student_ids: Iterable[int]
) -> InvoiceContext:
    wanted = sorted(set(student_ids))
    found: set[int] = set()
    links: set[tuple[int, int]] = set()
    billed: set[tuple[int, int]] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            session.scalars(
                select(Student.student_id).where(Student.student_id.in_(chunk))
            )
        )
        guardian_rows = session.execute(
            select(StudentGuardian.student_id, StudentGuardian.guardian_id).where(
                StudentGuardian.student_id.in_(chunk)
            )
        )
        links.update((student, guardian) for student, guardian in guardian_rows)
        billed_rows = session.execute(
            select(Invoice.fee_schedule_id, Invoice.student_id).where(
                Invoice.student_id.in_(chunk), Invoice.fee_schedule_id.is_not(None)
            )
        )
        billed.update((schedule, student) for schedule, student in billed_rows)
    return InvoiceContext(
        schools={s.school_id: s for s in session.scalars(select(School))},
        years={y.school_year_id: y for y in session.scalars(select(SchoolYear))},
        schedules={f.fee_schedule_id: f for f in session.scalars(select(FeeSchedule))},
        student_ids=found,
        guardian_links=links,
        billed=billed,
    )


def validate_invoice(row: dict[str, Any], context: InvoiceContext) -> None:
    """Every rule an invoice must meet before it is issued."""
    if row["student_id"] not in context.student_ids:
        raise NotFound(f"no student with id {row['student_id']}")
    if row["school_id"] not in context.schools:
        raise NotFound(f"no school with id {row['school_id']}")
    if row["school_year_id"] not in context.years:
        raise NotFound(f"no school year with id {row['school_year_id']}")
    guardian_id = row.get("guardian_id")
    if guardian_id is not None and (
        (row["student_id"], guardian_id) not in context.guardian_links
    ):
        raise InvalidValue(
            f"guardian {guardian_id} is not a guardian of student "
            f"{row['student_id']}; bill one of the student's guardians"
        )
    _validate_schedule_of(row, context)
    if not row.get("description") or not row["description"].strip():
        raise InvalidValue("an invoice needs a description, as families will see it")
    amount = require_cents(row["amount_cents"], "the invoice amount")
    _validate_due_dates(row["due_dates"], row["issued_date"], amount)


def _validate_schedule_of(row: dict[str, Any], context: InvoiceContext) -> None:
    schedule_id = row.get("fee_schedule_id")
    if schedule_id is None:
        return
    schedule = context.schedules.get(schedule_id)
    if schedule is None:
        raise NotFound(f"no fee schedule with id {schedule_id}")
    if (schedule.school_id, schedule.school_year_id) != (
        row["school_id"],
        row["school_year_id"],
    ):
        raise InvalidValue(
            f"the fee schedule {schedule.name!r} belongs to another school or year"
        )
    if (schedule_id, row["student_id"]) in context.billed:
        raise Conflict(
            f"student {row['student_id']} is already invoiced for "
            f"{schedule.name!r}; a schedule bills each student once"
        )


def _validate_due_dates(
    due_dates: list[dt.date], issued_date: dt.date, amount_cents: int
) -> None:
    if not 1 <= len(due_dates) <= min(MAX_INSTALMENTS, amount_cents):
        raise InvalidValue(
            f"an invoice has 1 to {MAX_INSTALMENTS} instalments of at least a "
            f"cent each, not {len(due_dates)}"
        )
    if due_dates[0] < issued_date:
        raise InvalidValue(
            f"the first due date {due_dates[0]} is before the invoice is issued "
            f"({issued_date})"
        )
    if any(later < earlier for earlier, later in pairwise(due_dates)):
        raise InvalidValue("instalment due dates must be in order, earliest first")


def issue_invoice(
    session: Session,
    actor: str,
    *,
    student_id: int,
    school_id: int,
    school_year_id: int,
    description: str,
    amount_cents: int,
    issued_date: dt.date,
    due_dates: list[dt.date],
    guardian_id: int | None = None,
    fee_schedule_id: int | None = None,
) -> Invoice:
    """Issue an invoice in instalments (one per due date, summing exactly to
    the amount) and its charge entry. It is never edited afterwards."""
    row = {
        "student_id": student_id,
        "school_id": school_id,
        "school_year_id": school_year_id,
        "description": description,
        "amount_cents": amount_cents,
        "issued_date": issued_date,
        "due_dates": list(due_dates),
        "guardian_id": guardian_id,
        "fee_schedule_id": fee_schedule_id,
    }
    validate_invoice(row, load_invoice_context(session, [student_id]))

    invoice_row, instalment_rows, charge_row = _invoice_rows(row, actor)
    invoice = Invoice(**invoice_row)
    with savepoint(session):
        session.add(invoice)
        audit(session, actor, "issue_invoice", invoice, before=None)
        for instalment_row in instalment_rows:
            instalment = InvoiceInstalment(
                **instalment_row | {"invoice_id": invoice.invoice_id}
            )
            session.add(instalment)
            audit(session, actor, "issue_instalment", instalment, before=None)
        charge = LedgerEntry(**charge_row | {"invoice_id": invoice.invoice_id})
        session.add(charge)
        audit(session, actor, "charge", charge, before=None)
    return invoice


def _invoice_rows(
    row: dict[str, Any], actor: str
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """The invoice, its instalments and its charge entry, as table rows."""
    invoice_id = row.get("invoice_id")
    invoice = {
        "student_id": row["student_id"],
        "guardian_id": row.get("guardian_id"),
        "school_id": row["school_id"],
        "school_year_id": row["school_year_id"],
        "fee_schedule_id": row.get("fee_schedule_id"),
        "description": row["description"].strip(),
        "amount_cents": row["amount_cents"],
        "issued_date": row["issued_date"],
    }
    parts = split_cents(row["amount_cents"], len(row["due_dates"]))
    instalments = [
        {
            "invoice_id": invoice_id,
            "sequence": sequence,
            "due_date": due_date,
            "amount_cents": cents,
        }
        for sequence, (due_date, cents) in enumerate(
            zip(row["due_dates"], parts, strict=True), start=1
        )
    ]
    charge = {
        "invoice_id": invoice_id,
        "entry_type": "charge",
        "amount_cents": row["amount_cents"],
        "entry_date": row["issued_date"],
        "memo": invoice["description"],
        "recorded_by": actor,
    }
    if invoice_id is not None:
        invoice["invoice_id"] = invoice_id
    return invoice, instalments, charge


def bulk_issue_invoices(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and issue many invoices with `issue_invoice`'s rules.

    Keys are taken after the largest existing one, so instalments and charges
    can name their invoice in the same batch: run it from one writer at a
    time (the generator, an import), not beside other invoice writers.
    """
    rows = list(rows)
    context = load_invoice_context(session, {row["student_id"] for row in rows})
    next_id = (session.scalar(select(func.max(Invoice.invoice_id))) or 0) + 1

    invoices, instalments, charges = [], [], []
    for offset, row in enumerate(rows):
        validate_invoice(row, context)
        if row.get("fee_schedule_id") is not None:
            context.billed.add((row["fee_schedule_id"], row["student_id"]))
        invoice, parts, charge = _invoice_rows(
            row | {"invoice_id": next_id + offset}, actor
        )
        invoices.append(invoice)
        instalments.extend(parts)
        charges.append(charge)

    with savepoint(session):
        insert_batches(session, Invoice, invoices, actor, "bulk_issue_invoices")
        insert_batches(session, InvoiceInstalment, instalments, actor, "bulk_issue")
        insert_batches(session, LedgerEntry, charges, actor, "bulk_charge")
    log.debug("issued %d invoices", len(invoices))
    return len(invoices)


def invoice_schedule(
    session: Session,
    actor: str,
    fee_schedule_id: int,
    *,
    issued_date: dt.date,
    student_ids: Iterable[int] | None = None,
) -> int:
    """Invoice a schedule's fee; how many invoices were issued.

    Without `student_ids`, every student enrolled at the school on
    `issued_date` (in the schedule's grade, if it has one) and not yet billed
    for it. A program fee needs the students named. Each invoice goes to the
    student's primary-contact guardian when there is one.
    """
    schedule = get(session, FeeSchedule, fee_schedule_id)
    if student_ids is None:
        if schedule.program:
            raise InvalidValue(
                f"{schedule.name!r} is a program fee ({schedule.program}): name "
                "the students taking part"
            )
        student_ids = _students_to_bill(session, schedule, issued_date)
    student_ids = sorted(set(student_ids))
    guardians = primary_guardians(session, student_ids)
    due_dates = [
        max(due_date, issued_date)
        for due_date in monthly_due_dates(
            schedule.first_due_date, schedule.n_instalments
        )
    ]
    rows = (
        {
            "student_id": student_id,
            "guardian_id": guardians.get(student_id),
            "school_id": schedule.school_id,
            "school_year_id": schedule.school_year_id,
            "fee_schedule_id": schedule.fee_schedule_id,
            "description": schedule.name,
            "amount_cents": schedule.amount_cents,
            "issued_date": issued_date,
            "due_dates": due_dates,
        }
        for student_id in student_ids
    )
    return bulk_issue_invoices(session, rows, actor)


def _students_to_bill(
    session: Session, schedule: FeeSchedule, day: dt.date
) -> list[int]:
    query = select(Enrollment.student_id).where(
        Enrollment.school_id == schedule.school_id,
        Enrollment.school_year_id == schedule.school_year_id,
        Enrollment.entry_date <= day,
        Enrollment.exit_date.is_(None) | (Enrollment.exit_date >= day),
        Enrollment.student_id.not_in(
            select(Invoice.student_id).where(
                Invoice.fee_schedule_id == schedule.fee_schedule_id
            )
        ),
    )
    if schedule.grade_level is not None:
        query = query.where(Enrollment.grade_level == schedule.grade_level)
    return list(session.scalars(query.distinct()))


def primary_guardians(session: Session, student_ids: list[int]) -> dict[int, int]:
    """Each student's primary-contact guardian (the lowest id if several)."""
    guardians: dict[int, int] = {}
    for start in range(0, len(student_ids), CHUNK):
        links = session.execute(
            select(StudentGuardian.student_id, StudentGuardian.guardian_id)
            .where(
                StudentGuardian.student_id.in_(student_ids[start : start + CHUNK]),
                StudentGuardian.is_primary_contact.is_(True),
            )
            .order_by(StudentGuardian.guardian_id.desc())
        )
        guardians.update({student: guardian for student, guardian in links})
    return guardians


@dataclass
class LedgerContext:
    """Invoices and their running totals by entry type, for one batch."""

    invoices: dict[int, Invoice]
    totals: dict[int, dict[str, int]]  # invoice -> entry type -> signed cents

    def paid_not_refunded(self, invoice_id: int) -> int:
        totals = self.totals[invoice_id]
        return -totals["payment"] - totals["refund"]

    def waivable(self, invoice_id: int) -> int:
        """Charged (with adjustments) and not yet waived."""
        totals = self.totals[invoice_id]
        return totals["charge"] + totals["adjustment"] + totals["waiver"]


def load_ledger_context(session: Session, invoice_ids: Iterable[int]) -> LedgerContext:
    wanted = sorted(set(invoice_ids))
    invoices: dict[int, Invoice] = {}
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        invoices.update(
            (i.invoice_id, i)
            for i in session.scalars(
                select(Invoice).where(Invoice.invoice_id.in_(chunk))
            )
        )
        sums = session.execute(
            select(
                LedgerEntry.invoice_id,
                LedgerEntry.entry_type,
                func.sum(LedgerEntry.amount_cents),
            )
            .where(LedgerEntry.invoice_id.in_(chunk))
            .group_by(LedgerEntry.invoice_id, LedgerEntry.entry_type)
        )
        for invoice_id, entry_type, cents in sums:
            totals[invoice_id][entry_type] = int(cents)
    return LedgerContext(invoices, totals)


def _invoice_of(row: dict[str, Any], context: LedgerContext) -> Invoice:
    invoice = context.invoices.get(row["invoice_id"])
    if invoice is None:
        raise NotFound(f"no invoice with id {row['invoice_id']}")
    if row["entry_date"] < invoice.issued_date:
        raise InvalidValue(
            f"{row['entry_date']} is before invoice {invoice.invoice_id} was "
            f"issued ({invoice.issued_date})"
        )
    return invoice


def _validate_method(method: str) -> None:
    if method not in v.PAYMENT_METHODS:
        raise InvalidValue(
            f"{method!r} is not a payment method; use one of: "
            + ", ".join(v.PAYMENT_METHODS)
        )


def validate_payment(row: dict[str, Any], context: LedgerContext) -> dict[str, Any]:
    """The rules of a payment; the ledger row it becomes. Any amount is
    taken: more than the balance leaves a credit on the invoice."""
    invoice = _invoice_of(row, context)
    cents = require_cents(row["amount_cents"], "a payment")
    _validate_method(row["method"])
    context.totals[invoice.invoice_id]["payment"] -= cents
    return {
        "invoice_id": invoice.invoice_id,
        "entry_type": "payment",
        "amount_cents": -cents,
        "entry_date": row["entry_date"],
        "method": row["method"],
        "reference": row.get("reference"),
    }


def validate_refund(row: dict[str, Any], context: LedgerContext) -> dict[str, Any]:
    """The rules of a refund; the ledger row it becomes."""
    invoice = _invoice_of(row, context)
    cents = require_cents(row["amount_cents"], "a refund")
    _validate_method(row["method"])
    memo = row.get("memo")
    if not memo or not memo.strip():
        raise InvalidValue("a refund needs a reason, for the account's history")
    refundable = context.paid_not_refunded(invoice.invoice_id)
    if cents > refundable:
        raise RefundTooLarge(
            f"invoice {invoice.invoice_id} has {format_cents(refundable)} paid and "
            f"not refunded, so {format_cents(cents)} cannot be refunded"
        )
    context.totals[invoice.invoice_id]["refund"] += cents
    return {
        "invoice_id": invoice.invoice_id,
        "entry_type": "refund",
        "amount_cents": cents,
        "entry_date": row["entry_date"],
        "method": row["method"],
        "reference": row.get("reference"),
        "memo": memo.strip(),
    }


def format_cents(cents: int) -> str:
    """1234567 -> '12,345.67': for messages, never for arithmetic."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


def record_payment(
    session: Session,
    actor: str,
    *,
    invoice_id: int,
    amount_cents: int,
    paid_date: dt.date,
    method: str,
    reference: str | None = None,
) -> LedgerEntry:
    """A payment, partial, full or over (an overpayment leaves a credit)."""
    row = {
        "invoice_id": invoice_id,
        "amount_cents": amount_cents,
        "entry_date": paid_date,
        "method": method,
        "reference": reference,
    }
    entry_row = validate_payment(row, load_ledger_context(session, [invoice_id]))
    return _write_entry(session, actor, "record_payment", entry_row)


def refund(
    session: Session,
    actor: str,
    *,
    invoice_id: int,
    amount_cents: int,
    refund_date: dt.date,
    method: str,
    reason: str,
    reference: str | None = None,
) -> LedgerEntry:
    """Give money back: at most what was paid and not refunded already."""
    row = {
        "invoice_id": invoice_id,
        "amount_cents": amount_cents,
        "entry_date": refund_date,
        "method": method,
        "memo": reason,
        "reference": reference,
    }
    entry_row = validate_refund(row, load_ledger_context(session, [invoice_id]))
    return _write_entry(session, actor, "refund", entry_row)


def adjust(
    session: Session,
    actor: str,
    *,
    invoice_id: int,
    amount_cents: int,
    adjustment_date: dt.date,
    reason: str,
) -> LedgerEntry:
    """Correct what an invoice charges, up (+) or down (-), by a new entry."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise InvalidValue(
            f"an adjustment is a whole number of cents, not {amount_cents!r}"
        )
    if amount_cents == 0:
        raise InvalidValue("an adjustment of zero cents changes nothing")
    if not reason or not reason.strip():
        raise InvalidValue("an adjustment needs a reason, for the account's history")
    context = load_ledger_context(session, [invoice_id])
    invoice = _invoice_of(
        {"invoice_id": invoice_id, "entry_date": adjustment_date}, context
    )
    waivable = context.waivable(invoice_id)
    if waivable + amount_cents < 0:
        raise InvalidValue(
            f"invoice {invoice_id} charges {format_cents(waivable)} not waived; "
            f"an adjustment of {format_cents(amount_cents)} would take it below zero"
        )

    entry_row = {
        "invoice_id": invoice.invoice_id,
        "entry_type": "adjustment",
        "amount_cents": amount_cents,
        "entry_date": adjustment_date,
        "memo": reason.strip(),
    }
    return _write_entry(session, actor, "adjust_invoice", entry_row)


def _write_entry(
    session: Session, actor: str, action: str, entry_row: dict[str, Any]
) -> LedgerEntry:
    entry = LedgerEntry(**entry_row, recorded_by=actor)
    with savepoint(session):
        session.add(entry)
        audit(session, actor, action, entry, before=None)
    return entry


def request_waiver(
    session: Session,
    actor: str,
    *,
    invoice_id: int,
    amount_cents: int,
    requested_by_staff_id: int,
    reason: str,
    requested_date: dt.date | None = None,
) -> ApprovalRequest:
    """Ask to waive part or all of an invoice; an approver decides."""
    cents = require_cents(amount_cents, "a waiver")
    context = load_ledger_context(session, [invoice_id])
    invoice = context.invoices.get(invoice_id)
    if invoice is None:
        raise NotFound(f"no invoice with id {invoice_id}")
    _require_waivable(invoice_id, cents, context)
    return approvals.request_approval(
        session,
        actor,
        kind="fee_waiver",
        school_id=invoice.school_id,
        subject_id=invoice_id,
        requested_by_staff_id=requested_by_staff_id,
        payload={"amount_cents": cents},
        reason=reason,
        requested_date=requested_date,
    )


def _require_waivable(invoice_id: int, cents: int, context: LedgerContext) -> None:
    waivable = context.waivable(invoice_id)
    if cents > waivable:
        raise WaiverTooLarge(
            f"invoice {invoice_id} has {format_cents(waivable)} charged and not "
            f"waived, so {format_cents(cents)} cannot be waived"
        )


def apply_waiver(
    session: Session, actor: str, approval_request_id: int, *, waiver_date: dt.date
) -> LedgerEntry:
    """Waive what an approved fee-waiver request allows, once."""
    request = get(session, ApprovalRequest, approval_request_id)
    request = approvals.approved_request(
        session,
        approval_request_id,
        kind="fee_waiver",
        subject_id=request.subject_id,
        payload={},
    )
    cents = request.payload["amount_cents"]
    context = load_ledger_context(session, [request.subject_id])
    _invoice_of({"invoice_id": request.subject_id, "entry_date": waiver_date}, context)
    if waiver_date < request.decided_date:
        raise InvalidValue(
            f"the waiver date {waiver_date} is before its approval "
            f"({request.decided_date})"
        )
    _require_waivable(request.subject_id, cents, context)

    entry = LedgerEntry(
        invoice_id=request.subject_id,
        entry_type="waiver",
        amount_cents=-cents,
        entry_date=waiver_date,
        approval_request_id=approval_request_id,
        memo=request.reason,
        recorded_by=actor,
    )
    with savepoint(session):
        session.add(entry)
        audit(session, actor, "waive", entry, before=None)
        approvals.mark_applied(session, actor, request, waiver_date)
    return entry


def _bulk_entries(
    session: Session,
    rows: Iterable[dict[str, Any]],
    actor: str,
    validate: Callable[[dict[str, Any], LedgerContext], dict[str, Any]],
    action: str,
) -> int:
    rows = list(rows)
    context = load_ledger_context(session, {row["invoice_id"] for row in rows})

    def validated() -> Iterator[dict[str, Any]]:
        for row in rows:
            yield validate(row, context) | {"recorded_by": actor}

    n_rows = insert_batches(session, LedgerEntry, validated(), actor, action)
    log.debug("%s: %d ledger entries", action, n_rows)
    return n_rows


def bulk_record_payments(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Many payments with `record_payment`'s rules. A row: invoice_id,
    amount_cents, entry_date, method and optionally reference."""
    return _bulk_entries(session, rows, actor, validate_payment, "bulk_payments")


def bulk_refund(session: Session, rows: Iterable[dict[str, Any]], actor: str) -> int:
    """Many refunds with `refund`'s rules; a row also needs its memo (reason).
    Each refund counts against the rows before it in the batch."""
    return _bulk_entries(session, rows, actor, validate_refund, "bulk_refunds")
