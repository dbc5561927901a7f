"""Audit rows and recorded deletions, written in the caller's transaction."""

import datetime as dt
import decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from operational.models import AuditLog, Base, DeletedRecord


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


# Secrets are never copied into the audit trail; the row says they changed.
REDACTED_COLUMNS = frozenset({"password_hash", "token_digest"})


def snapshot(record: Base) -> dict[str, Any]:
    """The record's column values, JSON-safe, without the bookkeeping stamps."""
    values = {}
    for column in inspect(record).mapper.column_attrs:
        if column.key in ("created_at", "updated_at"):
            continue
        value = getattr(record, column.key)
        if column.key in REDACTED_COLUMNS and value is not None:
            value = "[redacted]"
        values[column.key] = _plain(value)
    return values


def record_key(record: Base) -> str:
    """The primary key as text: `5`, or `3/2026-01-12` for a composite key."""
    identity = inspect(record).mapper.primary_key_from_instance(record)
    return "/".join(str(_plain(part)) for part in identity)


def audit(
    session: Session,
    actor: str,
    action: str,
    record: Base,
    before: dict[str, Any] | None,
) -> None:
    """Record one write. `before` is None for a creation; the record is flushed
    first so its generated key and final values are what the row shows."""
    session.flush()
    after = None if action.endswith("delete") else snapshot(record)
    session.add(
        AuditLog(
            actor=actor,
            action=action,
            table_name=record.__tablename__,
            record_key=record_key(record),
            before_values=before,
            after_values=after,
        )
    )


def audit_bulk(
    session: Session, actor: str, action: str, table_name: str, n_rows: int
) -> None:
    """One audit row for a batch written by a bulk path."""
    session.add(
        AuditLog(
            actor=actor,
            action=action,
            table_name=table_name,
            record_key=f"{n_rows} rows",
            before_values=None,
            after_values={"n_rows": n_rows},
        )
    )


@event.listens_for(Session, "before_flush")
def _record_deletions(session: Session, _context, _instances) -> None:
    """Every ORM delete leaves a `deleted_record` row for incremental loads."""
    for record in list(session.deleted):
        if isinstance(record, AuditLog | DeletedRecord):
            continue
        identity = inspect(record).mapper.primary_key_from_instance(record)
        columns = inspect(record).mapper.primary_key
        session.add(
            DeletedRecord(
                table_name=record.__tablename__,
                record_key={
                    column.name: _plain(value)
                    for column, value in zip(columns, identity, strict=True)
                },
            )
        )
