"""Organisation: district, schools, rooms, school years, grading periods, calendar."""

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import SCHOOL_LEVELS, in_list


class District(Timestamped, Base):
    __tablename__ = "district"

    district_id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    state_code: Mapped[str] = mapped_column(String(2))


class School(Timestamped, Base):
    __tablename__ = "school"
    __table_args__ = (
        CheckConstraint(in_list("level", SCHOOL_LEVELS), name="level"),
        CheckConstraint("low_grade <= high_grade", name="grade_span"),
    )

    school_id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.district_id"))
    school_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    low_grade: Mapped[int] = mapped_column(Integer)
    high_grade: Mapped[int] = mapped_column(Integer)
    grade_scale_id: Mapped[int] = mapped_column(
        ForeignKey("grade_scale.grade_scale_id")
    )


class Room(Timestamped, Base):
    __tablename__ = "room"
    __table_args__ = (
        UniqueConstraint("school_id", "name"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    room_id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    name: Mapped[str] = mapped_column(String(50))
    capacity: Mapped[int] = mapped_column(Integer)


class SchoolYear(Timestamped, Base):
    __tablename__ = "school_year"
    __table_args__ = (CheckConstraint("start_date < end_date", name="dates"),)

    school_year_id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(9), unique=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)


class GradingPeriod(Timestamped, Base):
    """A marking period of one school's year; closed once marks are final."""

    __tablename__ = "grading_period"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year_id", "name"),
        CheckConstraint("start_date <= end_date", name="dates"),
    )

    grading_period_id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    name: Mapped[str] = mapped_column(String(30))
    sequence: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)


class CalendarDay(Timestamped, Base):
    """One school's day: instructional or not, and why not."""

    __tablename__ = "calendar_day"
    __table_args__ = (
        CheckConstraint(
            "is_instructional OR reason IS NOT NULL", name="reason_when_closed"
        ),
    )

    school_id: Mapped[int] = mapped_column(
        ForeignKey("school.school_id"), primary_key=True
    )
    calendar_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id"), index=True
    )
    is_instructional: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(100))
