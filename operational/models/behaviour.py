"""Behaviour: incidents and the disciplinary actions taken."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import DISCIPLINE_ACTIONS, INCIDENT_KINDS, in_list


class BehaviorIncident(Timestamped, Base):
    """One student's part in an incident: conduct or a state-reportable offence."""

    __tablename__ = "behavior_incident"
    __table_args__ = (CheckConstraint(in_list("kind", INCIDENT_KINDS), name="kind"),)

    behavior_incident_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    incident_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    offence: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(100))


class DisciplineAction(Timestamped, Base):
    __tablename__ = "discipline_action"
    __table_args__ = (
        CheckConstraint(in_list("action", DISCIPLINE_ACTIONS), name="action"),
        CheckConstraint("days >= 0", name="days"),
    )

    discipline_action_id: Mapped[int] = mapped_column(primary_key=True)
    behavior_incident_id: Mapped[int] = mapped_column(
        ForeignKey("behavior_incident.behavior_incident_id"), index=True
    )
    action: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=0)
