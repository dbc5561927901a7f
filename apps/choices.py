"""The records in a user's scope, as {id: label} for a page's pickers."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.models import School
from operational.services import access, approvals
from operational.services.access import Principal


def section_choices(
    session: Session, principal: Principal, on: dt.date | None = None
) -> dict[int, str]:
    """The sections the user reaches, labelled with their course; with `on`,
    only those of the school year under way that day (in the summer, the
    year just ended)."""
    year_id = None
    if on is not None:
        year_id = approvals.school_year_as_of(session, on)
        if year_id is None:
            return {}
    sections = access.sections_in_scope(session, principal, year_id)
    return access.section_labels(session, sections)


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
