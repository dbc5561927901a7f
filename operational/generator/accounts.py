"""Demo accounts for a seeded district: one per role, all at one school.

The school is the one whose busiest teacher has the most sections this
year, so the teacher account has rosters to take attendance for. The
counselor gets a caseload of that school's students, and the finance
officer a staff record of their own, so they can decide fee waivers.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.models import (
    Enrollment,
    Section,
    Staff,
    StaffAssignment,
)
from operational.services import accounts, approvals, records

log = logging.getLogger(__name__)

ACTOR = "generator:demo-accounts"
CASELOAD_SIZE = 40


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    what: str


def create_demo_accounts(
    session: Session, password: str, today: dt.date
) -> list[DemoAccount]:
    """The demo accounts, created where missing; all share `password`."""
    year_id = approvals.school_year_as_of(session, today)
    busiest = session.execute(
        select(Section.teacher_id, Section.school_id, func.count())
        .where(Section.school_year_id == year_id, Section.teacher_id.is_not(None))
        .group_by(Section.teacher_id, Section.school_id)
        .order_by(func.count().desc(), Section.teacher_id)
        .limit(1)
    ).first()
    if year_id is None or busiest is None:
        raise ValueError("seed a district first: it has no sections this year")
    teacher_id, school_id, _ = busiest

    def holder(position: str) -> int | None:
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

    counselor_id = holder("counselor")
    finance_id = holder("finance_officer") or _finance_officer(
        session, school_id, year_id
    )
    wanted = [
        ("admin", "administrator", None, (), "the whole district"),
        ("registrar", "registrar", holder("registrar"), (school_id,), "one school"),
        ("teacher", "teacher", teacher_id, (), "own sections"),
        ("counselor", "counselor", counselor_id, (), "a caseload"),
        ("finance", "finance_officer", finance_id, (school_id,), "one school"),
        ("principal", "leadership", holder("principal"), (), "district aggregates"),
    ]
    created = []
    for username, role, staff_id, school_ids, what in wanted:
        if accounts.find_account(session, username) is None:
            accounts.create_account(
                session,
                ACTOR,
                username=username,
                role=role,
                password=password,
                staff_id=staff_id,
                school_ids=school_ids,
            )
        created.append(DemoAccount(username, role, what))

    students = session.scalars(
        select(Enrollment.student_id)
        .where(Enrollment.school_id == school_id, Enrollment.school_year_id == year_id)
        .distinct()
        .order_by(Enrollment.student_id)
        .limit(CASELOAD_SIZE)
    )
    accounts.assign_caseload(
        session,
        ACTOR,
        staff_id=counselor_id,
        student_ids=list(students),
        school_year_id=year_id,
    )
    return created


def _finance_officer(session: Session, school_id: int, year_id: int) -> int:
    staff = records.create(
        session,
        Staff,
        ACTOR,
        staff_number=f"FIN{school_id:04d}",
        first_name="Morgan",
        last_name="Ledger",
        email=None,
    )
    records.create(
        session,
        StaffAssignment,
        ACTOR,
        staff_id=staff.staff_id,
        school_id=school_id,
        school_year_id=year_id,
        position="finance_officer",
    )
    return staff.staff_id
