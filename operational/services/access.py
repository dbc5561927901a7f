"""Who may read and write which rows: roles and their row scope.

Every page of the staff app asks here before it reads or writes, so a
hidden button is never the only guard. The scopes:

- administrator: the whole district;
- registrar and finance officer: the schools on their account;
- teacher: the sections they teach, and the students on this year's
  rosters of theirs;
- counselor: the students on their caseload this year;
- leadership: aggregates of the district, or of the schools on the
  account; no student-level rows.

A refusal raises `AccessDenied` and is logged with who asked for what.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from operational.errors import AccessDenied, NotFound
from operational.models import (
    CounselorCaseload,
    Course,
    Enrollment,
    School,
    Section,
    SectionEnrollment,
    UserAccount,
)
from operational.services.accounts import account_school_ids
from operational.services.approvals import school_year_as_of

log = logging.getLogger(__name__)

ROLE_NAMES = {
    "administrator": "administrator",
    "registrar": "registrar",
    "teacher": "teacher",
    "counselor": "counselor",
    "finance_officer": "finance officer",
    "leadership": "leadership",
}


@dataclass(frozen=True)
class Principal:
    """The signed-in user, as every check sees them."""

    user_account_id: int
    username: str
    display_name: str
    role: str
    staff_id: int | None
    school_ids: frozenset[int]

    @property
    def actor(self) -> str:
        """The name audit rows record for this user's writes."""
        return self.username

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


def principal_for(session: Session, account: UserAccount) -> Principal:
    return Principal(
        user_account_id=account.user_account_id,
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        staff_id=account.staff_id,
        school_ids=frozenset(account_school_ids(session, account)),
    )


def deny(principal: Principal, what: str) -> NoReturn:
    log.warning(
        "access denied: %s (%s) asked for %s", principal.username, principal.role, what
    )
    raise AccessDenied(f"your role ({principal.role_name}) does not reach {what}")


def require_role(principal: Principal, roles: tuple[str, ...], what: str) -> None:
    if principal.role not in roles:
        deny(principal, what)


def school_ids_in_scope(session: Session, principal: Principal) -> set[int]:
    """The schools whose school-level rows the user reaches."""
    if principal.role == "leadership" and principal.school_ids:
        return set(principal.school_ids)
    if principal.role in ("administrator", "leadership"):
        return set(session.scalars(select(School.school_id)))
    if principal.role in ("registrar", "finance_officer"):
        return set(principal.school_ids)
    year_id = current_year_id(session)
    if principal.role == "teacher":
        return set(
            session.scalars(
                select(Section.school_id)
                .where(
                    Section.teacher_id == principal.staff_id,
                    Section.school_year_id == year_id,
                )
                .distinct()
            )
        )
    return set(
        session.scalars(
            select(Enrollment.school_id)
            .join(
                CounselorCaseload,
                CounselorCaseload.student_id == Enrollment.student_id,
            )
            .where(
                CounselorCaseload.staff_id == principal.staff_id,
                CounselorCaseload.school_year_id == year_id,
                Enrollment.school_year_id == year_id,
            )
            .distinct()
        )
    )


def current_year_id(session: Session) -> int | None:
    """The school year under way today (in the summer, the one just ended):
    teachers and counselors reach this year's students, not every student
    they ever had."""
    return school_year_as_of(session, dt.date.today())


def require_school(session: Session, principal: Principal, school_id: int) -> None:
    if session.get(School, school_id) is None:
        raise NotFound(f"no school with id {school_id}")
    if school_id not in school_ids_in_scope(session, principal):
        deny(principal, f"school {school_id}")


def sections_in_scope(
    session: Session, principal: Principal, school_year_id: int | None = None
) -> list[Section]:
    """The sections whose rosters, attendance and gradebook the user reaches."""
    query = select(Section).order_by(Section.school_id, Section.section_code)
    if school_year_id is not None:
        query = query.where(Section.school_year_id == school_year_id)
    if principal.role == "teacher":
        query = query.where(Section.teacher_id == principal.staff_id)
    elif principal.role == "registrar":
        query = query.where(Section.school_id.in_(principal.school_ids))
    elif principal.role != "administrator":
        return []
    return list(session.scalars(query))


def section_labels(session: Session, sections: list[Section]) -> dict[int, str]:
    """Each section's code and course title, as pickers show them."""
    titles = dict(
        session.execute(
            select(Course.course_id, Course.title).where(
                Course.course_id.in_({section.course_id for section in sections})
            )
        ).all()
    )
    return {
        section.section_id: f"{section.section_code} {titles[section.course_id]}"
        for section in sections
    }


def require_section(session: Session, principal: Principal, section_id: int) -> Section:
    section = session.get(Section, section_id)
    if section is None:
        raise NotFound(f"no section with id {section_id}")
    allowed = (
        principal.role == "administrator"
        or (principal.role == "teacher" and section.teacher_id == principal.staff_id)
        or (principal.role == "registrar" and section.school_id in principal.school_ids)
    )
    if not allowed:
        deny(principal, f"section {section.section_code}")
    return section


def can_reach_student(session: Session, principal: Principal, student_id: int) -> bool:
    role = principal.role
    if role == "administrator":
        return True
    if role in ("registrar", "finance_officer"):
        return session.scalar(
            select(
                exists().where(
                    Enrollment.student_id == student_id,
                    Enrollment.school_id.in_(principal.school_ids),
                )
            )
        )
    if role == "teacher":
        return session.scalar(
            select(
                exists()
                .where(SectionEnrollment.student_id == student_id)
                .where(SectionEnrollment.section_id == Section.section_id)
                .where(Section.teacher_id == principal.staff_id)
                .where(Section.school_year_id == current_year_id(session))
            )
        )
    if role == "counselor":
        return session.scalar(
            select(
                exists().where(
                    CounselorCaseload.student_id == student_id,
                    CounselorCaseload.staff_id == principal.staff_id,
                    CounselorCaseload.school_year_id == current_year_id(session),
                )
            )
        )
    return False


def require_student(session: Session, principal: Principal, student_id: int) -> None:
    if not can_reach_student(session, principal, student_id):
        deny(principal, f"student {student_id}")
