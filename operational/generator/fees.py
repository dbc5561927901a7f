"""Fees of the synthetic district: schedules, an invoice for every enrolled
student, and the payments, refunds and waivers that follow.

The story: schools whose families are poorer collect less. Schools are
ranked by their share of economically disadvantaged students; the least
disadvantaged collects about 95% of what falls due, the most about 70%.
Families of economically disadvantaged students ask for some fee waivers,
which the principal mostly grants; a few duplicate online payments leave a
credit that is usually refunded. Everything is written through the fee and
approval services, from the record already loaded (students, enrollments,
guardians, staff).
"""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.generator.sizes import stream
from operational.models import (
    Enrollment,
    FeeSchedule,
    Invoice,
    InvoiceInstalment,
    LedgerEntry,
    School,
    SchoolYear,
    StaffAssignment,
    StudentProgram,
)
from operational.services import approvals, fees

log = logging.getLogger(__name__)

ACTOR = "system:seed"

# name, cents, instalments, grade, program; amounts rise 3% a year.
SCHEDULES = {
    "elementary": (("Classroom supplies", 4_500, 1, None, None),),
    "middle": (
        ("Activity fee", 12_000, 2, None, None),
        ("Outdoor school", 18_500, 2, 6, None),
    ),
    "high": (
        ("Activity and technology fee", 25_000, 3, None, None),
        ("Graduation fee", 7_500, 1, 12, None),
        ("Athletics", 15_000, 2, None, "athletics"),
    ),
}
ATHLETES_SHARE = 0.25
FIRST_DUE_AFTER_DAYS = 21

BEST_COLLECTION, WORST_COLLECTION = 0.95, 0.70
# Beta concentration of a family's reliability around its school's rate.
RELIABILITY_SPREAD = 3.0
DUPLICATE_SHARE = 0.015  # paid instalments paid twice by mistake
REFUNDED_SHARE = 0.7  # duplicates given back
WAIVER_SHARE = 0.08  # invoices of disadvantaged students with a waiver asked
# Waivers go one by one through the approval workflow (about 20 ms each), so
# their number is capped per school and year whatever the district's size.
WAIVERS_PER_SCHOOL_YEAR = 12
WAIVER_GRANTED_SHARE = 0.85

METHODS = (
    ("online", 0.45),
    ("card", 0.25),
    ("check", 0.15),
    ("cash", 0.10),
    ("bank_transfer", 0.05),
)


@dataclass(frozen=True)
class Stay:
    student_id: int
    grade_level: int
    entry_date: dt.date


def load_fees(session: Session, seed: int, as_of: dt.date) -> Counter[str]:
    """Bill every school year up to `as_of`; rows written per table."""
    counts: Counter[str] = Counter()
    years = list(session.scalars(select(SchoolYear).order_by(SchoolYear.start_date)))
    schools = list(session.scalars(select(School).order_by(School.school_id)))
    disadvantaged = set(
        session.scalars(
            select(StudentProgram.student_id).where(
                StudentProgram.program == "economically_disadvantaged"
            )
        )
    )
    rates = collection_rates(session, schools, disadvantaged)
    for offset, year in enumerate(y for y in years if y.start_date <= as_of):
        for school in schools:
            stays = first_stays(session, school.school_id, year.school_year_id, as_of)
            if not stays:
                continue
            rng = stream(seed, "fees", school.school_id, year.school_year_id)
            bill_school_year(
                session,
                rng,
                school,
                year,
                offset,
                stays,
                disadvantaged,
                rates[school.school_id],
                as_of,
                counts,
            )
    log.info(
        "wrote %d invoices, %d ledger entries and %d waiver requests",
        counts["invoice"],
        counts["ledger_entry"],
        counts["approval_request"],
    )
    return counts


def collection_rates(
    session: Session, schools: list[School], disadvantaged: set[int]
) -> dict[int, float]:
    """95% for the school with the fewest disadvantaged students, 70% for the
    one with the most, evenly in between by rank."""
    shares = {}
    for school in schools:
        students = set(
            session.scalars(
                select(Enrollment.student_id).where(
                    Enrollment.school_id == school.school_id
                )
            )
        )
        shares[school.school_id] = len(students & disadvantaged) / max(1, len(students))
    ranked = sorted(shares, key=lambda school_id: (shares[school_id], school_id))
    if len(ranked) == 1:
        return {ranked[0]: (BEST_COLLECTION + WORST_COLLECTION) / 2}
    step = (BEST_COLLECTION - WORST_COLLECTION) / (len(ranked) - 1)
    return {
        school_id: BEST_COLLECTION - rank * step
        for rank, school_id in enumerate(ranked)
    }


def first_stays(
    session: Session, school_id: int, school_year_id: int, as_of: dt.date
) -> list[Stay]:
    """Each student's first enrollment at the school that year, by `as_of`."""
    rows = session.execute(
        select(Enrollment.student_id, Enrollment.grade_level, Enrollment.entry_date)
        .where(
            Enrollment.school_id == school_id,
            Enrollment.school_year_id == school_year_id,
            Enrollment.entry_date <= as_of,
        )
        .order_by(Enrollment.student_id, Enrollment.entry_date)
    )
    stays: dict[int, Stay] = {}
    for student_id, grade, entry in rows:
        stays.setdefault(student_id, Stay(student_id, grade, entry))
    return list(stays.values())


def bill_school_year(
    session: Session,
    rng: np.random.Generator,
    school: School,
    year: SchoolYear,
    year_offset: int,
    stays: list[Stay],
    disadvantaged: set[int],
    rate: float,
    as_of: dt.date,
    counts: Counter[str],
) -> None:
    first_due = year.start_date + dt.timedelta(days=FIRST_DUE_AFTER_DAYS)
    guardians = fees.primary_guardians(session, [s.student_id for s in stays])
    rows = []
    for name, cents, n_instalments, grade, program in SCHEDULES[school.level]:
        schedule = fees.create_fee_schedule(
            session,
            ACTOR,
            school_id=school.school_id,
            school_year_id=year.school_year_id,
            name=name,
            amount_cents=int(round(cents * 1.03**year_offset / 100)) * 100,
            first_due_date=first_due,
            n_instalments=n_instalments,
            grade_level=grade,
            program=program,
        )
        counts["fee_schedule"] += 1
        billed = [s for s in stays if grade is None or s.grade_level == grade]
        if program:
            billed = [s for s in billed if rng.random() < ATHLETES_SHARE]
        dues = fees.monthly_due_dates(first_due, n_instalments)
        rows += [
            {
                "student_id": stay.student_id,
                "guardian_id": guardians.get(stay.student_id),
                "school_id": school.school_id,
                "school_year_id": year.school_year_id,
                "fee_schedule_id": schedule.fee_schedule_id,
                "description": f"{name} {year.name}",
                "amount_cents": schedule.amount_cents,
                "issued_date": stay.entry_date,
                "due_dates": [max(due, stay.entry_date) for due in dues],
            }
            for stay in billed
        ]
    counts["invoice"] += fees.bulk_issue_invoices(session, rows, ACTOR)
    counts["invoice_instalment"] += sum(len(row["due_dates"]) for row in rows)
    counts["ledger_entry"] += len(rows)

    keys = invoice_keys(session, school.school_id, year.school_year_id)
    for row in rows:
        row["invoice_id"] = keys[(row["fee_schedule_id"], row["student_id"])]
    waived = waive_some(session, rng, school, rows, disadvantaged, as_of, counts)
    pay(session, rng, rows, waived, rate, as_of, counts)


def invoice_keys(
    session: Session, school_id: int, school_year_id: int
) -> dict[tuple[int, int], int]:
    rows = session.execute(
        select(Invoice.fee_schedule_id, Invoice.student_id, Invoice.invoice_id)
        .join(FeeSchedule)
        .where(
            FeeSchedule.school_id == school_id,
            FeeSchedule.school_year_id == school_year_id,
        )
    )
    return {(schedule, student): key for schedule, student, key in rows}


def holder_of(
    session: Session, school_id: int, position: str, on: dt.date
) -> int | None:
    """The first staff member in `position` at the school in the year of `on`."""
    year_id = approvals.school_year_as_of(session, on)
    return session.scalar(
        select(StaffAssignment.staff_id)
        .where(
            StaffAssignment.school_id == school_id,
            StaffAssignment.school_year_id == year_id,
            StaffAssignment.position == position,
        )
        .order_by(StaffAssignment.staff_id)
        .limit(1)
    )


def waive_some(
    session: Session,
    rng: np.random.Generator,
    school: School,
    rows: list[dict],
    disadvantaged: set[int],
    as_of: dt.date,
    counts: Counter[str],
) -> dict[int, int]:
    """Waiver requests for some invoices of disadvantaged students, through
    the approval service; the cents waived per invoice."""
    asking = [
        row
        for row in rows
        if row["student_id"] in disadvantaged and rng.random() < WAIVER_SHARE
    ][:WAIVERS_PER_SCHOOL_YEAR]
    waived: dict[int, int] = {}
    for row in asking:
        requested = row["issued_date"] + dt.timedelta(days=int(rng.integers(3, 11)))
        decided = requested + dt.timedelta(days=int(rng.integers(1, 8)))
        registrar = holder_of(session, school.school_id, "registrar", requested)
        principal = holder_of(session, school.school_id, "principal", decided)
        if requested > as_of or registrar is None or principal is None:
            continue
        whole = rng.random() < 0.5
        cents = row["amount_cents"] if whole else row["amount_cents"] // 2
        request = fees.request_waiver(
            session,
            ACTOR,
            invoice_id=row["invoice_id"],
            amount_cents=cents,
            requested_by_staff_id=registrar,
            reason="family hardship (free or reduced-price meals)",
            requested_date=requested,
        )
        counts["approval_request"] += 1
        if decided > as_of:
            continue
        key = request.approval_request_id
        if rng.random() >= WAIVER_GRANTED_SHARE:
            approvals.reject(
                session,
                ACTOR,
                key,
                decided_by_staff_id=principal,
                reason="no hardship documentation on file",
                decided_date=decided,
            )
            continue
        approvals.approve(
            session, ACTOR, key, decided_by_staff_id=principal, decided_date=decided
        )
        fees.apply_waiver(session, ACTOR, key, waiver_date=decided)
        counts["ledger_entry"] += 1
        waived[row["invoice_id"]] = cents
    return waived


def pay(
    session: Session,
    rng: np.random.Generator,
    rows: list[dict],
    waived: dict[int, int],
    rate: float,
    as_of: dt.date,
    counts: Counter[str],
) -> None:
    """Each family pays each instalment with a probability (its reliability)
    drawn around the school's collection rate, a few days either side of
    the due date; the waived cents settle the earliest instalments first."""
    labels, shares = zip(*METHODS, strict=True)
    payments, refunds = [], []
    for row in rows:
        reliability = rng.beta(
            rate * RELIABILITY_SPREAD, (1 - rate) * RELIABILITY_SPREAD
        )
        method = str(rng.choice(labels, p=shares))
        left_to_waive = waived.get(row["invoice_id"], 0)
        parts = fees.split_cents(row["amount_cents"], len(row["due_dates"]))
        for due, cents in zip(row["due_dates"], parts, strict=True):
            covered = min(cents, left_to_waive)
            left_to_waive -= covered
            if cents == covered or rng.random() >= reliability:
                continue
            paid = max(row["issued_date"], due + dt.timedelta(int(rng.normal(2, 8))))
            if paid > as_of:
                continue
            payment = {
                "invoice_id": row["invoice_id"],
                "amount_cents": cents - covered,
                "entry_date": paid,
                "method": method,
            }
            payments.append(payment)
            if method == "online" and rng.random() < DUPLICATE_SHARE:
                payments.append(dict(payment))
                back = paid + dt.timedelta(days=int(rng.integers(10, 31)))
                if back <= as_of and rng.random() < REFUNDED_SHARE:
                    refunds.append(
                        payment | {"entry_date": back, "memo": "duplicate payment"}
                    )
    counts["ledger_entry"] += fees.bulk_record_payments(session, payments, ACTOR)
    counts["ledger_entry"] += fees.bulk_refund(session, refunds, ACTOR)


def collected_share(session: Session, as_of: dt.date) -> dict[int, float]:
    """Per school: payments less refunds over what fell due by `as_of`, the
    number the story above is about."""
    due = dict(
        session.execute(
            select(Invoice.school_id, func.sum(InvoiceInstalment.amount_cents))
            .join(InvoiceInstalment)
            .where(InvoiceInstalment.due_date <= as_of)
            .group_by(Invoice.school_id)
        ).all()
    )
    collected = dict(
        session.execute(
            select(Invoice.school_id, -func.sum(LedgerEntry.amount_cents))
            .join(LedgerEntry)
            .where(
                LedgerEntry.entry_type.in_(("payment", "refund")),
                LedgerEntry.entry_date <= as_of,
            )
            .group_by(Invoice.school_id)
        ).all()
    )
    return {
        school_id: collected.get(school_id, 0) / cents
        for school_id, cents in due.items()
        if cents
    }
