"""Attendance: codes and their categories, daily and section attendance.

Schools record exceptions: a membership day with no `daily_attendance` row is
a day present (the Ed-Fi convention).
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped, utc_now
from operational.vocabulary import ATTENDANCE_CATEGORIES, in_list


class AttendanceCode(Timestamped, Base):
    __tablename__ = "attendance_code"
    __table_args__ = (
        CheckConstraint(in_list("category", ATTENDANCE_CATEGORIES), name="category"),
    )

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(200))


class DailyAttendance(Timestamped, Base):
    __tablename__ = "daily_attendance"
    __table_args__ = (
        UniqueConstraint("student_id", "school_id", "attendance_date"),
        CheckConstraint(
            "minutes_absent IS NULL OR minutes_absent >= 0", name="minutes"
        ),
    )

    daily_attendance_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.student_id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    attendance_date: Mapped[dt.date] = mapped_column(Date, index=True)
    code: Mapped[str] = mapped_column(ForeignKey("attendance_code.code"))
    minutes_absent: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)


class SectionAttendance(Timestamped, Base):
    __tablename__ = "section_attendance"
    __table_args__ = (UniqueConstraint("section_id", "student_id", "attendance_date"),)

    section_attendance_id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.section_id"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    attendance_date: Mapped[dt.date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(ForeignKey("attendance_code.code"))
    comment: Mapped[str | None] = mapped_column(Text)


class AttendanceCorrection(Timestamped, Base):
    """The history of a corrected attendance record: what it was, and why."""

    __tablename__ = "attendance_correction"

    attendance_correction_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.section_id"))
    attendance_date: Mapped[dt.date] = mapped_column(Date)
    previous_code: Mapped[str | None] = mapped_column(String(10))
    previous_minutes_absent: Mapped[int | None] = mapped_column(Integer)
    new_code: Mapped[str | None] = mapped_column(String(10))
    new_minutes_absent: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    corrected_by: Mapped[str] = mapped_column(String(100))
    corrected_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utc_now)
