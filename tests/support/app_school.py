"""The hand-made school of `tests.support.school`, with staff app accounts.

On top of Lincoln High's calendar, codes and MATH-101-01 (taught by Grace
Hopper, 2 seats) it adds:

- MATH-101-02, taught by Alan Turing, 30 seats;
- students S1 Ada Lovelace and S2 Bob Babbage on MATH-101-01, S3 Carla
  Cruz on MATH-101-02, all at Lincoln from September 1; S4 Dana Diaz at
  Roosevelt High; Ada has a guardian with an email address;
- staff positions for the year: the two teachers, counselor Carl Rogers,
  principal Pat Quinn, registrar Rita Moreno, finance officer Fay Ledger;
- one account per role, every one with the password `PASSWORD`:
  admin (administrator), registrar (Lincoln), teacher (Grace Hopper),
  teacher2 (Alan Turing), counselor (Carl Rogers, caseload Ada),
  finance (Fay Ledger, Lincoln) and leader (leadership, the district).
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from operational.models import (
    Guardian,
    Section,
    Staff,
    StaffAssignment,
    Student,
    StudentGuardian,
)
from operational.services import accounts, approvals, enrollment, records, rosters
from tests.support.school import ACTOR, FIRST_DAY, TestSchool, build_school

PASSWORD = "correct horse battery"
SCHOOL_DAY = dt.date(2025, 9, 15)  # a Monday, instructional, in the open period


@dataclass
class AppSchool:
    base: TestSchool
    other_section: Section
    students: dict[str, Student]  # by student number
    staff: dict[str, Staff]  # by account name

    def ids(self) -> dict[str, int]:
        """The fixture's keys by readable names, for tests in other sessions."""
        base = self.base
        ids = {
            "lincoln": base.school.school_id,
            "roosevelt": base.other_school.school_id,
            "year": base.year.school_year_id,
            "section": base.section.section_id,
            "other_section": self.other_section.section_id,
            "open_period": base.open_period.grading_period_id,
            "closed_period": base.closed_period.grading_period_id,
            "course": base.course.course_id,
        }
        for number, student in self.students.items():
            ids[number] = student.student_id
        for name, member in self.staff.items():
            ids[f"staff_{name}"] = member.staff_id
        return ids


def build_app_school(session: Session) -> AppSchool:
    base = build_school(session)
    create = records.create
    lincoln, roosevelt = base.school.school_id, base.other_school.school_id
    year_id = base.year.school_year_id

    def staff(number: str, first: str, last: str, position: str) -> Staff:
        member = create(
            session,
            Staff,
            ACTOR,
            staff_number=number,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}@lincoln.example.org",
        )
        create(
            session,
            StaffAssignment,
            ACTOR,
            staff_id=member.staff_id,
            school_id=lincoln,
            school_year_id=year_id,
            position=position,
        )
        return member

    create(
        session,
        StaffAssignment,
        ACTOR,
        staff_id=base.teacher.staff_id,
        school_id=lincoln,
        school_year_id=year_id,
        position="teacher",
    )
    members = {
        "teacher": base.teacher,
        "teacher2": staff("T2", "Alan", "Turing", "teacher"),
        "counselor": staff("C1", "Carl", "Rogers", "counselor"),
        "leader": staff("P1", "Pat", "Quinn", "principal"),
        "registrar": staff("R1", "Rita", "Moreno", "registrar"),
        "finance": staff("F1", "Fay", "Ledger", "finance_officer"),
    }
    approvals.grant_default_approver_roles(session, ACTOR)

    other_section = create(
        session,
        Section,
        ACTOR,
        course_id=base.course.course_id,
        school_id=lincoln,
        school_year_id=year_id,
        section_code="MATH-101-02",
        teacher_id=members["teacher2"].staff_id,
        capacity=30,
    )

    people = {
        "S1": ("Ada", "Lovelace", lincoln, base.section),
        "S2": ("Bob", "Babbage", lincoln, base.section),
        "S3": ("Carla", "Cruz", lincoln, other_section),
        "S4": ("Dana", "Diaz", roosevelt, None),
    }
    students = {}
    for number, (first, last, school_id, section) in people.items():
        student = base.student(session, number, first_name=first, last_name=last)
        enrollment.enroll(
            session,
            ACTOR,
            student_id=student.student_id,
            school_id=school_id,
            school_year_id=year_id,
            grade_level=9,
            entry_date=FIRST_DAY,
        )
        if section is not None:
            rosters.place(
                session,
                ACTOR,
                section_id=section.section_id,
                student_id=student.student_id,
                entry_date=FIRST_DAY,
            )
        students[number] = student

    guardian = create(
        session,
        Guardian,
        ACTOR,
        first_name="Anne",
        last_name="Lovelace",
        email="anne.lovelace@example.org",
    )
    create(
        session,
        StudentGuardian,
        ACTOR,
        student_id=students["S1"].student_id,
        guardian_id=guardian.guardian_id,
        relationship="mother",
        is_primary_contact=True,
    )

    def account(name: str, role: str, staff_member=None, schools=()):
        accounts.create_account(
            session,
            ACTOR,
            username=name,
            role=role,
            password=PASSWORD,
            staff_id=staff_member.staff_id if staff_member else None,
            school_ids=schools,
        )

    account("admin", "administrator")
    account("registrar", "registrar", members["registrar"], [lincoln])
    account("teacher", "teacher", members["teacher"])
    account("teacher2", "teacher", members["teacher2"])
    account("counselor", "counselor", members["counselor"])
    account("finance", "finance_officer", members["finance"], [lincoln])
    account("leader", "leadership", members["leader"])
    accounts.assign_caseload(
        session,
        ACTOR,
        staff_id=members["counselor"].staff_id,
        student_ids=[students["S1"].student_id],
        school_year_id=year_id,
    )
    return AppSchool(base, other_section, students, members)
