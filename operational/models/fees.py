"""Fees: schedules, invoices with instalments, and the ledger of each invoice.

Money is integer cents. An invoice is never edited once issued: every change
to what is owed is a new `ledger_entry`, and the balance is the sum of the
entries (charges and refunds positive, payments and waivers negative). The
database refuses UPDATE and DELETE on `invoice`, `invoice_instalment` and
`ledger_entry` with triggers that migration 0003 creates.
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import (
    GRADE_LEVEL_MAX,
    GRADE_LEVEL_MIN,
    LEDGER_ENTRY_TYPES,
    PAYMENT_METHODS,
    in_list,
)

MAX_INSTALMENTS = 12


class FeeSchedule(Timestamped, Base):
    """A fee a school charges in a year: to a grade, a program, or everyone."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year_id", "name"),
        CheckConstraint("amount_cents > 0", name="amount"),
        CheckConstraint(
            f"grade_level IS NULL OR grade_level BETWEEN {GRADE_LEVEL_MIN} "
            f"AND {GRADE_LEVEL_MAX}",
            name="grade_level",
        ),
        CheckConstraint(
            f"n_instalments BETWEEN 1 AND {MAX_INSTALMENTS}", name="n_instalments"
        ),
    )

    fee_schedule_id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    name: Mapped[str] = mapped_column(String(100))
    amount_cents: Mapped[int] = mapped_column(Integer)
    grade_level: Mapped[int | None] = mapped_column(Integer)
    # A program fee (athletics, band) is billed to the students named for it.
    program: Mapped[str | None] = mapped_column(String(60))
    n_instalments: Mapped[int] = mapped_column(Integer, default=1)
    first_due_date: Mapped[dt.date] = mapped_column(Date)


class Invoice(Timestamped, Base):
    """What a student's account was billed, as issued; never edited after."""

    __tablename__ = "invoice"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount"),
        # A schedule bills each student once.
        UniqueConstraint("fee_schedule_id", "student_id"),
    )

    invoice_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    # The bill-to account; empty when the student's own account is billed.
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardian.guardian_id"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"), index=True)
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    fee_schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("fee_schedule.fee_schedule_id")
    )
    description: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(Integer)
    issued_date: Mapped[dt.date] = mapped_column(Date)


class InvoiceInstalment(Timestamped, Base):
    """A part of an invoice and its due date; the parts sum to the invoice."""

    __tablename__ = "invoice_instalment"
    __table_args__ = (
        UniqueConstraint("invoice_id", "sequence"),
        CheckConstraint("amount_cents > 0", name="amount"),
        CheckConstraint("sequence >= 1", name="sequence"),
    )

    invoice_instalment_id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.invoice_id"))
    sequence: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)


class LedgerEntry(Timestamped, Base):
    """One movement on an invoice; the invoice's balance is their sum."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint(in_list("entry_type", LEDGER_ENTRY_TYPES), name="entry_type"),
        # The sign says which way the money moved: owed (+) or settled (-).
        CheckConstraint(
            "(entry_type IN ('charge', 'refund') AND amount_cents > 0) "
            "OR (entry_type IN ('payment', 'waiver') AND amount_cents < 0) "
            "OR (entry_type = 'adjustment' AND amount_cents <> 0)",
            name="sign",
        ),
        CheckConstraint(
            f"method IS NULL OR {in_list('method', PAYMENT_METHODS)}", name="method"
        ),
        CheckConstraint(
            "(entry_type IN ('payment', 'refund')) = (method IS NOT NULL)",
            name="method_of_money_moved",
        ),
        # A waiver exists only through an approved request, used once.
        CheckConstraint(
            "(entry_type = 'waiver') = (approval_request_id IS NOT NULL)",
            name="waiver_approval",
        ),
        CheckConstraint(
            "entry_type NOT IN ('refund', 'adjustment') "
            "OR (memo IS NOT NULL AND length(trim(memo)) > 0)",
            name="memo",
        ),
        UniqueConstraint("approval_request_id"),
    )

    ledger_entry_id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.invoice_id"), index=True
    )
    entry_type: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(Integer)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100))
    approval_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("approval_request.approval_request_id")
    )
    memo: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
