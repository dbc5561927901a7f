"""The records in a user's scope, as {id: label} for a page's pickers."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.models import Course, School
from operational.services import access
from operational.services.access import Principal


def section_choices(session: Session, principal: Principal) -> dict[int, str]:
    """The sections the user reaches, labelled with their course."""
    sections = access.sections_in_scope(session, principal)
    courses = dict(
        session.execute(
            select(Course.course_id, Course.title).where(
                Course.course_id.in_({section.course_id for section in sections})
            )
        ).all()
    )
    return {
        section.section_id: f"{section.section_code} {courses[section.course_id]}"
        for section in sections
    }


def school_choices(session: Session, principal: Principal) -> dict[int, str]:
    """The schools the user reaches, by name."""
    ids = access.school_ids_in_scope(session, principal)
    return dict(
        session.execute(
            select(School.school_id, School.name)
            .where(School.school_id.in_(ids))
            .order_by(School.name)
        ).all()
    )
