"""Audit: who changed which official record, and the deletions pipelines load."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, utc_now


class AuditLog(Base):
    """One write to the record: actor, action, table, key, before and after."""

    __tablename__ = "audit_log"

    audit_log_id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    table_name: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[str] = mapped_column(String(200))
    before_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utc_now, index=True
    )


class DeletedRecord(Base):
    """A row removed from a table, so incremental loads can remove it too."""

    __tablename__ = "deleted_record"

    deleted_record_id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[dict[str, Any]] = mapped_column(JSON)
    deleted_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utc_now, index=True
    )
