"""School calendar events: holidays, exams, parent evenings, performances.

`calendar_day` stays the instructional calendar that attendance and the
metrics count; an event only tells families and staff what happens when. A
holiday may not fall on a day the calendar still counts as instructional.
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import CALENDAR_EVENT_KINDS, in_list


class CalendarEvent(Timestamped, Base):
    """An event of one school, over one or more days; all day without times.

    Times are minutes after midnight (1080 is 18:00).
    """

    __tablename__ = "calendar_event"
    __table_args__ = (
        CheckConstraint(in_list("kind", CALENDAR_EVENT_KINDS), name="kind"),
        CheckConstraint("start_date <= end_date", name="dates"),
        CheckConstraint(
            "(start_minute IS NULL) = (end_minute IS NULL)", name="both_times_or_none"
        ),
        CheckConstraint(
            "start_minute IS NULL OR (start_minute BETWEEN 0 AND 1440 "
            "AND end_minute BETWEEN 0 AND 1440 "
            "AND (start_date < end_date OR start_minute < end_minute))",
            name="minutes",
        ),
        Index("ix_calendar_event_school_dates", "school_id", "start_date"),
    )

    calendar_event_id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    start_minute: Mapped[int | None] = mapped_column(Integer)
    end_minute: Mapped[int | None] = mapped_column(Integer)
