"""Plain records without rules of their own: schools, students, courses...

The same validation runs for one record (`create`, `update`) and for a batch
(`bulk_create`): columns exist, required values are present, and values of a
controlled vocabulary are in it.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from operational import vocabulary as v
from operational.audit import audit, snapshot
from operational.errors import InvalidValue, NotFound
from operational.models import Base
from operational.services._writes import insert_validated, savepoint

# (table, column) -> the values it accepts, for readable refusals before the
# check constraint would refuse in the database's own words.
VOCABULARY: dict[tuple[str, str], tuple[str, ...]] = {
    ("school", "level"): v.SCHOOL_LEVELS,
    ("student", "sex"): v.SEXES,
    ("student", "race_ethnicity"): v.RACE_ETHNICITY,
    ("student_program", "program"): v.PROGRAMS,
    ("student_guardian", "relationship"): v.GUARDIAN_RELATIONSHIPS,
    ("staff_assignment", "position"): v.STAFF_POSITIONS,
    ("application", "status"): v.APPLICATION_STATUSES,
    ("promotion_decision", "outcome"): v.PROMOTION_OUTCOMES,
    ("attendance_code", "category"): v.ATTENDANCE_CATEGORIES,
    ("course", "subject"): v.SUBJECTS,
    ("graduation_requirement", "subject"): v.SUBJECTS,
    ("behavior_incident", "kind"): v.INCIDENT_KINDS,
    ("discipline_action", "action"): v.DISCIPLINE_ACTIONS,
    ("diploma", "diploma_type"): v.DIPLOMA_TYPES,
    ("content_item", "kind"): v.CONTENT_ITEM_KINDS,
    ("submission", "status"): v.SUBMISSION_STATUSES,
    ("quiz_question", "kind"): v.QUESTION_KINDS,
    ("period", "day"): v.SCHEDULE_DAYS,
    ("calendar_event", "kind"): v.CALENDAR_EVENT_KINDS,
    ("announcement", "audience"): v.AUDIENCES,
    ("announcement", "category"): v.MESSAGE_CATEGORIES,
    ("message", "status"): v.MESSAGE_STATUSES,
    ("approver_role", "kind"): v.APPROVAL_KINDS,
    ("approver_role", "position"): v.STAFF_POSITIONS,
    ("approval_request", "kind"): v.APPROVAL_KINDS,
    ("approval_request", "status"): v.APPROVAL_STATUSES,
    ("ledger_entry", "entry_type"): v.LEDGER_ENTRY_TYPES,
    ("ledger_entry", "method"): v.PAYMENT_METHODS,
    ("staff_leave", "leave_type"): v.LEAVE_TYPES,
}

BOOKKEEPING = ("created_at", "updated_at")

M = TypeVar("M", bound=Base)


def label(model: type[Base]) -> str:
    return model.__tablename__.replace("_", " ")


def validate_values(
    model: type[Base], values: dict[str, Any], *, partial: bool = False
) -> None:
    """Refuse unknown columns, missing required values and unknown codes."""
    columns = {column.key: column for column in inspect(model).columns}
    unknown = sorted(set(values) - set(columns))
    if unknown:
        raise InvalidValue(f"a {label(model)} has no field {', '.join(unknown)}")

    if not partial:
        # Only a lone integer key is generated; each part of a composite key
        # (a school and a date) must be given.
        generated = model.__table__.autoincrement_column
        for name, column in columns.items():
            required = not (
                column.nullable
                or column.default is not None
                or column.server_default is not None
                or column is generated
                or name in BOOKKEEPING
            )
            if required and values.get(name) is None:
                raise InvalidValue(f"a {label(model)} needs a value for {name}")

    for name, value in values.items():
        allowed = VOCABULARY.get((model.__tablename__, name))
        if allowed and value is not None and value not in allowed:
            raise InvalidValue(
                f"{value!r} is not a valid {name} for a {label(model)}; "
                f"use one of: {', '.join(allowed)}"
            )


def create(session: Session, model: type[M], actor: str, **values: Any) -> M:
    validate_values(model, values)
    record = model(**values)
    with savepoint(session):
        session.add(record)
        audit(session, actor, "create", record, before=None)
    return record


def get(session: Session, model: type[M], key: Any) -> M:
    record = session.get(model, key)
    if record is None:
        raise NotFound(f"no {label(model)} with key {key}")
    return record


def lookup(found: dict[int, M], key: int, model: type[M]) -> M:
    """The record `key` from records loaded for a batch, or NotFound."""
    record = found.get(key)
    if record is None:
        raise NotFound(f"no {label(model)} with id {key}")
    return record


def update(session: Session, record: M, actor: str, **changes: Any) -> M:
    validate_values(type(record), changes, partial=True)
    before = snapshot(record)
    with savepoint(session):
        for name, value in changes.items():
            setattr(record, name, value)
        audit(session, actor, "update", record, before=before)
    return record


def delete(session: Session, record: Base, actor: str) -> None:
    """Remove a record; the audit keeps what it held, and `deleted_record`
    tells incremental loads to remove it too."""
    before = snapshot(record)
    with savepoint(session):
        session.delete(record)
        session.flush()
        audit(session, actor, "delete", record, before=before)


def bulk_create(
    session: Session,
    model: type[Base],
    rows: Iterable[dict[str, Any]],
    actor: str,
) -> int:
    """Validate and insert many rows of one table; returns how many."""
    return insert_validated(
        session, model, rows, lambda row: validate_values(model, row), actor
    )
