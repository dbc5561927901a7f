"""Balances and aging of the fee ledger: what is owed, and for how long.

Reads only; the ledger is written in `fees`.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.errors import InvalidValue
from operational.models import (
    Guardian,
    Invoice,
    InvoiceInstalment,
    LedgerEntry,
    Student,
)
from operational.services.records import get

CHUNK = 5_000


@dataclass(frozen=True)
class Aging:
    """What is owed by how long past due as of a date, and any credit."""

    current_cents: int = 0
    days_1_30_cents: int = 0
    days_31_60_cents: int = 0
    days_61_90_cents: int = 0
    days_over_90_cents: int = 0
    credit_cents: int = 0

    @property
    def owed_cents(self) -> int:
        return (
            self.current_cents
            + self.days_1_30_cents
            + self.days_31_60_cents
            + self.days_61_90_cents
            + self.days_over_90_cents
        )

    @property
    def balance_cents(self) -> int:
        """Owed less credit: the sum of the ledger entries."""
        return self.owed_cents - self.credit_cents

    def __add__(self, other: "Aging") -> "Aging":
        return Aging(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(Aging))
        )


BUCKETS = (
    (0, "current_cents"),
    (30, "days_1_30_cents"),
    (60, "days_31_60_cents"),
    (90, "days_61_90_cents"),
)


def age(
    debits: Iterable[tuple[dt.date, int]], credit_cents: int, as_of: dt.date
) -> Aging:
    """Age what is owed: credits settle the earliest due amounts first, and
    each unsettled amount falls in the bucket of its days past due."""
    buckets: dict[str, int] = defaultdict(int)
    unapplied = credit_cents
    for due_date, cents in sorted(debits, key=lambda item: item[0]):
        settled = min(cents, unapplied)
        unapplied -= settled
        if cents == settled:
            continue
        days_past_due = (as_of - due_date).days
        bucket = next(
            (name for limit, name in BUCKETS if days_past_due <= limit),
            "days_over_90_cents",
        )
        buckets[bucket] += cents - settled
    return Aging(**buckets, credit_cents=unapplied)


def invoice_agings(
    session: Session, invoice_ids: Iterable[int], as_of: dt.date
) -> dict[int, Aging]:
    """The aging of each invoice issued by `as_of`, from entries up to it.

    Owed: the instalments on their due dates, and refunds and upward
    adjustments on their own dates. Settling: payments, waivers and
    downward adjustments.
    """
    wanted = sorted(set(invoice_ids))
    debits: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    credits: dict[int, int] = defaultdict(int)
    issued: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        issued.update(
            session.scalars(
                select(Invoice.invoice_id).where(
                    Invoice.invoice_id.in_(chunk), Invoice.issued_date <= as_of
                )
            )
        )
        for invoice_id, due_date, cents in session.execute(
            select(
                InvoiceInstalment.invoice_id,
                InvoiceInstalment.due_date,
                InvoiceInstalment.amount_cents,
            ).where(InvoiceInstalment.invoice_id.in_(chunk))
        ):
            debits[invoice_id].append((due_date, cents))
        for invoice_id, entry_date, cents in session.execute(
            select(
                LedgerEntry.invoice_id,
                LedgerEntry.entry_date,
                LedgerEntry.amount_cents,
            ).where(
                LedgerEntry.invoice_id.in_(chunk),
                LedgerEntry.entry_type != "charge",
                LedgerEntry.entry_date <= as_of,
            )
        ):
            if cents > 0:
                debits[invoice_id].append((entry_date, cents))
            else:
                credits[invoice_id] -= cents
    return {
        invoice_id: age(debits[invoice_id], credits[invoice_id], as_of)
        for invoice_id in sorted(issued)
    }


def invoice_aging(session: Session, invoice_id: int, as_of: dt.date) -> Aging:
    get(session, Invoice, invoice_id)
    return invoice_agings(session, [invoice_id], as_of).get(invoice_id, Aging())


def account_aging(
    session: Session,
    as_of: dt.date,
    *,
    student_id: int | None = None,
    guardian_id: int | None = None,
) -> Aging:
    """The aging of a student's invoices, or of those billed to a guardian.

    A credit on one invoice is reported as credit, not set against another
    invoice's overdue amount: moving money between invoices is a refund and
    a payment, recorded as such."""
    if (student_id is None) == (guardian_id is None):
        raise InvalidValue("name either a student or a guardian account")
    if student_id is not None:
        where = Invoice.student_id == get(session, Student, student_id).student_id
    else:
        where = Invoice.guardian_id == get(session, Guardian, guardian_id).guardian_id
    invoice_ids = session.scalars(select(Invoice.invoice_id).where(where))
    total = Aging()
    for aging in invoice_agings(session, invoice_ids, as_of).values():
        total = total + aging
    return total


def balance_cents(
    session: Session, invoice_id: int, as_of: dt.date | None = None
) -> int:
    """The sum of an invoice's ledger entries (up to `as_of`, if given): what
    is owed, or a credit when negative."""
    get(session, Invoice, invoice_id)
    query = select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.invoice_id == invoice_id
    )
    if as_of is not None:
        query = query.where(LedgerEntry.entry_date <= as_of)
    return int(session.scalar(query))
