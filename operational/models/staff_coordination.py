"""Staff coordination: leave, granted through an approval, and the duty rota.

A leave's standing is its approval request's status (pending, approved,
rejected, withdrawn), never stored twice. A duty runs from `start_date` to
`end_date` on every day, or on one ISO weekday (1 Monday to 7 Sunday) when
`weekday` is set; a one-day duty has the same start and end date. Times of
day are minutes after midnight (720 is 12:00), as in the timetable.
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import LEAVE_TYPES, in_list


class StaffLeave(Timestamped, Base):
    """Days a staff member asked to be away, both dates inclusive."""

    __tablename__ = "staff_leave"
    __table_args__ = (
        CheckConstraint(in_list("leave_type", LEAVE_TYPES), name="leave_type"),
        CheckConstraint("start_date <= end_date", name="dates"),
    )

    staff_leave_id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.staff_id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    leave_type: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    approval_request_id: Mapped[int] = mapped_column(
        ForeignKey("approval_request.approval_request_id"), unique=True
    )


class Duty(Timestamped, Base):
    """A supervision slot of the rota: who, where, which days, what time."""

    __tablename__ = "duty"
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="dates"),
        CheckConstraint(
            "0 <= start_minute AND start_minute < end_minute AND end_minute <= 1440",
            name="minutes",
        ),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 1 AND 7", name="weekday"),
        # The service keeps start_date on a day the duty runs, so two duties
        # of one person starting on the same day and minute are a clash.
        UniqueConstraint("staff_id", "start_date", "start_minute"),
    )

    duty_id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.staff_id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"), index=True)
    place: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    weekday: Mapped[int | None] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
