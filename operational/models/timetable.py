"""The timetable: each school's bell schedule and when its sections meet.

A meeting's teacher and room are empty unless that meeting differs from its
section (a lab day in another room, a substitute for one period): the
section's teacher stays the teacher of record, and reassigning the section
moves every meeting that does not say otherwise.
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import SCHEDULE_DAYS, in_list


class Period(Timestamped, Base):
    """A period of a school's bell schedule on one day of its cycle.

    The day is a weekday, or a day of the rotation for schools whose cycle is
    not a week; a late-start Wednesday is simply other times on `wed`. Times
    are minutes after midnight (480 is 08:00).
    """

    __tablename__ = "period"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year_id", "name", "day"),
        CheckConstraint(in_list("day", SCHEDULE_DAYS), name="day"),
        CheckConstraint(
            "0 <= start_minute AND start_minute < end_minute AND end_minute <= 1440",
            name="minutes",
        ),
        Index("ix_period_school_year", "school_id", "school_year_id"),
    )

    period_id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    name: Mapped[str] = mapped_column(String(30))
    sequence: Mapped[int] = mapped_column(Integer)
    day: Mapped[str] = mapped_column(String(10))
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


class SectionMeeting(Timestamped, Base):
    """A section meeting in one period, from its start date to its end date.

    Teacher and room are empty when they are the section's own.
    """

    __tablename__ = "section_meeting"
    __table_args__ = (
        UniqueConstraint("section_id", "period_id", "start_date"),
        CheckConstraint("start_date <= end_date", name="dates"),
    )

    section_meeting_id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.section_id"), index=True
    )
    period_id: Mapped[int] = mapped_column(ForeignKey("period.period_id"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.staff_id"), index=True
    )
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.room_id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
