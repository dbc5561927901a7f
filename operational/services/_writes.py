"""What every service does around a write: a savepoint, a typed refusal."""

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Integer, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operational.audit import audit_bulk
from operational.errors import Conflict
from operational.models import Base

log = logging.getLogger(__name__)

BATCH_SIZE = 5_000


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """Run a write so that a refusal or a broken rule leaves nothing behind."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as error:
        raise Conflict(describe_integrity_error(error)) from error


def describe_integrity_error(error: IntegrityError) -> str:
    detail = str(error.orig).strip().splitlines()[0]
    return (
        "the record could not be saved because it breaks a rule of the "
        f"database ({detail}); check for a duplicate or a missing reference"
    )


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_batches(
    session: Session,
    model: type[Base],
    rows: Iterable[dict[str, Any]],
    actor: str,
    action: str = "bulk_create",
) -> int:
    """Insert already-validated rows in batches; one audit row per call."""
    table = model.__table__
    n_rows = 0
    batch: list[dict[str, Any]] = []
    with savepoint(session):
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH_SIZE:
                session.execute(insert(table), batch)
                n_rows += len(batch)
                batch = []
        if batch:
            session.execute(insert(table), batch)
            n_rows += len(batch)
        sync_key_sequence(session, model)
        audit_bulk(session, actor, action, table.name, n_rows)
    log.debug("inserted %d rows into %s", n_rows, table.name)
    return n_rows


def insert_validated(
    session: Session,
    model: type[Base],
    rows: Iterable[dict[str, Any]],
    validate: Callable[[dict[str, Any]], None],
    actor: str,
    action: str = "bulk_create",
) -> int:
    """The bulk path of a service: each row passes the same `validate` as a
    single write, then the batch is inserted; the first refusal stops it all."""

    def validated() -> Iterator[dict[str, Any]]:
        for row in rows:
            validate(row)
            yield row

    return insert_batches(session, model, validated(), actor, action)


def sync_key_sequence(session: Session, model: type[Base]) -> None:
    """After rows were inserted with explicit keys, move PostgreSQL's key
    sequence past them so the next ordinary insert does not collide."""
    if dialect_name(session) != "postgresql":
        return
    key_columns = list(model.__table__.primary_key.columns)
    if len(key_columns) != 1 or not isinstance(key_columns[0].type, Integer):
        return
    key = key_columns[0]
    sequence = func.pg_get_serial_sequence(model.__table__.name, key.name)
    next_value = func.coalesce(func.max(key), 0) + 1
    session.execute(select(func.setval(sequence, next_value, False)))
