"""The front office of the test school: who requests and who decides.

At Lincoln High in 2025-2026: a principal, a finance officer, a registrar
and the teacher (Grace Hopper, teacher); at Roosevelt High a principal of
its own. The default approver roles are granted: principals decide every
kind, finance officers fee waivers, registrars and teachers nothing.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from operational.models import Guardian, Staff, StaffAssignment, StudentGuardian
from operational.services import approvals, records
from tests.support.school import ACTOR, TestSchool

# A decision date inside the test school's year (Aug 25 2025 to Jun 12 2026).
DECIDED = dt.date(2025, 9, 20)
REQUESTED = dt.date(2025, 9, 18)


@dataclass
class Office:
    principal: Staff
    finance_officer: Staff
    registrar: Staff
    teacher: Staff
    roosevelt_principal: Staff


def build_office(session: Session, school: TestSchool) -> Office:
    def staff(number: str, first: str, last: str) -> Staff:
        return records.create(
            session,
            Staff,
            ACTOR,
            staff_number=number,
            first_name=first,
            last_name=last,
        )

    def assign(member: Staff, position: str, building=None) -> None:
        records.create(
            session,
            StaffAssignment,
            ACTOR,
            staff_id=member.staff_id,
            school_id=(building or school.school).school_id,
            school_year_id=school.year.school_year_id,
            position=position,
        )

    office = Office(
        principal=staff("P1", "Mary", "Jackson"),
        finance_officer=staff("F1", "Luca", "Pacioli"),
        registrar=staff("R1", "Ida", "Tarbell"),
        teacher=school.teacher,
        roosevelt_principal=staff("P2", "Alan", "Kay"),
    )
    assign(office.principal, "principal")
    assign(office.finance_officer, "finance_officer")
    assign(office.registrar, "registrar")
    assign(office.teacher, "teacher")
    assign(office.roosevelt_principal, "principal", school.other_school)
    approvals.grant_default_approver_roles(session, ACTOR)
    return office


def guardian_of(session: Session, student_id: int, *, primary: bool = True):
    guardian = records.create(
        session, Guardian, ACTOR, first_name="Ruth", last_name="Parent"
    )
    records.create(
        session,
        StudentGuardian,
        ACTOR,
        student_id=student_id,
        guardian_id=guardian.guardian_id,
        relationship="mother",
        is_primary_contact=primary,
    )
    return guardian
