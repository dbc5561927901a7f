"""Approvals: one request-and-decision mechanism for every kind of exception.

A request names its kind, the school concerned, the record it is about
(`subject_table`, `subject_id`) and what is asked (`payload`). Approver roles
say which staff positions may decide each kind.
"""

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import (
    APPROVAL_KINDS,
    APPROVAL_STATUSES,
    STAFF_POSITIONS,
    in_list,
)


class ApproverRole(Timestamped, Base):
    """A staff position that may decide requests of one kind."""

    __tablename__ = "approver_role"
    __table_args__ = (
        CheckConstraint(in_list("kind", APPROVAL_KINDS), name="kind"),
        CheckConstraint(in_list("position", STAFF_POSITIONS), name="position"),
        UniqueConstraint("kind", "position"),
    )

    approver_role_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    position: Mapped[str] = mapped_column(String(30))


class ApprovalRequest(Timestamped, Base):
    """A request for an exception, from its reason to its decision and use."""

    __tablename__ = "approval_request"
    __table_args__ = (
        CheckConstraint(in_list("kind", APPROVAL_KINDS), name="kind"),
        CheckConstraint(in_list("status", APPROVAL_STATUSES), name="status"),
        CheckConstraint("length(trim(reason)) > 0", name="reason"),
        # Nobody decides their own request.
        CheckConstraint(
            "decided_by_staff_id IS NULL "
            "OR decided_by_staff_id <> requested_by_staff_id",
            name="not_own_request",
        ),
        CheckConstraint(
            "(status IN ('pending', 'withdrawn')) = (decided_by_staff_id IS NULL)",
            name="decided_by",
        ),
        CheckConstraint(
            "(decided_by_staff_id IS NULL) = (decided_date IS NULL)",
            name="decided_date",
        ),
        CheckConstraint(
            "status <> 'rejected' OR (decision_reason IS NOT NULL "
            "AND length(trim(decision_reason)) > 0)",
            name="rejection_reason",
        ),
        CheckConstraint(
            "(status = 'applied') = (applied_date IS NOT NULL)", name="applied_date"
        ),
        CheckConstraint(
            "decided_date IS NULL OR decided_date >= requested_date",
            name="decided_after_request",
        ),
        Index("ix_approval_request_subject", "subject_table", "subject_id"),
    )

    approval_request_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"), index=True)
    subject_table: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.staff_id"))
    requested_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.staff_id")
    )
    decided_date: Mapped[dt.date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    applied_date: Mapped[dt.date | None] = mapped_column(Date)
