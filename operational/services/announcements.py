"""Announcements from the staff app: whom each role may write to, and what
a user has sent.

`communication.announce` publishes; this module decides whether the
signed-in user may address the audience at all, with the row scope of
`access`:

- administrator: any audience at any school;
- registrar: a school of their account, a grade or section there, or one
  of its students;
- teacher: a section they teach, or a student on one of their rosters;
- counselor: a student on their caseload.

Finance officers and leadership do not write to families from here.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.models import (
    Announcement,
    CounselorCaseload,
    Enrollment,
    School,
    Section,
    SectionEnrollment,
    Student,
)
from operational.services import access
from operational.services.access import Principal
from operational.services.enrollment import grade_name

AUDIENCES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "administrator": ("school", "grade", "section", "student"),
    "registrar": ("school", "grade", "section", "student"),
    "teacher": ("section", "student"),
    "counselor": ("student",),
}


@dataclass(frozen=True)
class SentAnnouncement:
    announcement_id: int
    audience_date: dt.date
    audience: str  # e.g. "Grade 9 at Lincoln High"
    subject: str
    body: str
    n_recipients: int
    n_unreachable: int


def audiences_for(principal: Principal) -> tuple[str, ...]:
    """The kinds of audience the user may address; none for other roles."""
    return AUDIENCES_BY_ROLE.get(principal.role, ())


def require_announcer(principal: Principal) -> None:
    access.require_role(principal, tuple(AUDIENCES_BY_ROLE), "messages to families")


def schools_for(session: Session, principal: Principal) -> dict[int, str]:
    """The schools the user may write from, by name."""
    require_announcer(principal)
    ids = access.school_ids_in_scope(session, principal)
    return dict(
        session.execute(
            select(School.school_id, School.name)
            .where(School.school_id.in_(ids))
            .order_by(School.name)
        ).all()
    )


def sections_for(
    session: Session, principal: Principal, school_id: int
) -> dict[int, str]:
    """The sections at the school the user may write to, with their course."""
    if "section" not in audiences_for(principal):
        return {}
    sections = [
        section
        for section in access.sections_in_scope(session, principal)
        if section.school_id == school_id
    ]
    return access.section_labels(session, sections)


def students_for(
    session: Session, principal: Principal, school_id: int, day: dt.date
) -> dict[int, str]:
    """The students in membership at the school on `day` whose families the
    user may write to, by name."""
    if "student" not in audiences_for(principal):
        return {}
    query = (
        select(Student.student_id, Student.last_name, Student.first_name)
        .join(Enrollment, Enrollment.student_id == Student.student_id)
        .where(
            Enrollment.school_id == school_id,
            Enrollment.entry_date <= day,
            Enrollment.exit_date.is_(None) | (Enrollment.exit_date >= day),
        )
        .order_by(Student.last_name, Student.first_name, Student.student_id)
        .distinct()
    )
    if principal.role == "registrar" and school_id not in principal.school_ids:
        return {}
    if principal.role == "teacher":
        taught = (
            select(SectionEnrollment.student_id)
            .join(Section, Section.section_id == SectionEnrollment.section_id)
            .where(
                Section.teacher_id == principal.staff_id,
                Section.school_id == school_id,
            )
        )
        query = query.where(Student.student_id.in_(taught))
    if principal.role == "counselor":
        looked_after = select(CounselorCaseload.student_id).where(
            CounselorCaseload.staff_id == principal.staff_id
        )
        query = query.where(Student.student_id.in_(looked_after))
    return {
        student_id: f"{last}, {first}"
        for student_id, last, first in session.execute(query)
    }


def require_audience(
    session: Session,
    principal: Principal,
    *,
    school_id: int,
    audience: str,
    section_id: int | None = None,
    student_id: int | None = None,
) -> None:
    """Refuse an audience outside the user's scope, before anything is sent."""
    require_announcer(principal)
    if audience not in audiences_for(principal):
        access.deny(principal, f"announcements to a whole {audience}")
    access.require_school(session, principal, school_id)
    if section_id is not None:
        access.require_section(session, principal, section_id)
    if student_id is not None:
        access.require_student(session, principal, student_id)


def recent_announcements(
    session: Session, principal: Principal, limit: int = 10
) -> list[SentAnnouncement]:
    """What the user has announced, newest first."""
    rows = session.scalars(
        select(Announcement)
        .where(Announcement.created_by == principal.actor)
        .order_by(Announcement.announcement_id.desc())
        .limit(limit)
    ).all()
    return [
        SentAnnouncement(
            row.announcement_id,
            row.audience_date,
            describe_audience(session, row),
            row.subject,
            row.body,
            row.n_recipients,
            row.n_unreachable,
        )
        for row in rows
    ]


def describe_audience(session: Session, announcement: Announcement) -> str:
    school = session.get(School, announcement.school_id).name
    if announcement.audience == "grade":
        grade = grade_name(announcement.grade_level).capitalize()
        return f"{grade} at {school}"
    if announcement.audience == "section":
        section = session.get(Section, announcement.section_id)
        return f"Section {section.section_code} at {school}"
    if announcement.audience == "student":
        student = session.get(Student, announcement.student_id)
        return f"Family of {student.first_name} {student.last_name} at {school}"
    return f"All of {school}"
