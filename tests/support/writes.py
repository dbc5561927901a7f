"""What a service call left behind: audit rows for a write, nothing for a refusal."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.errors import QuadError
from operational.models import AuditLog, Base


def audit_mark(session: Session) -> int:
    """The newest audit row's key, to find the rows a later write adds."""
    return session.scalar(select(func.max(AuditLog.audit_log_id))) or 0


def audit_since(session: Session, mark: int) -> list[AuditLog]:
    return list(
        session.scalars(
            select(AuditLog)
            .where(AuditLog.audit_log_id > mark)
            .order_by(AuditLog.audit_log_id)
        )
    )


def row_counts(session: Session, *models: type[Base]) -> dict[str, int]:
    """Rows in each table of `models` and in audit_log."""
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (*models, AuditLog)
    }


@contextmanager
def refused(
    session: Session, error: type[QuadError], message: str, *models: type[Base]
) -> Iterator[pytest.ExceptionInfo]:
    """Expect exactly `error` with `message` in its text, and the tables of `models` and
    audit_log holding as many rows afterwards as before.

    Counting after the refusal also proves the session is still usable: on
    PostgreSQL an aborted transaction refuses every further statement.
    """
    before = row_counts(session, *models)
    with pytest.raises(error, match=re.escape(message)) as caught:
        yield caught
    assert type(caught.value) is error
    assert row_counts(session, *models) == before
