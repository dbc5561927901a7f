"""Courses, sections and section rosters."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import SUBJECTS, in_list


class Course(Timestamped, Base):
    """A course of the district's catalogue."""

    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint(in_list("subject", SUBJECTS), name="subject"),
        CheckConstraint("credits >= 0", name="credits"),
    )

    course_id: Mapped[int] = mapped_column(primary_key=True)
    course_code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(30))
    credits: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    low_grade: Mapped[int] = mapped_column(Integer)
    high_grade: Mapped[int] = mapped_column(Integer)


class Section(Timestamped, Base):
    """A class of a course at one school in one year, with its teacher."""

    __tablename__ = "section"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year_id", "section_code"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    section_id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.course_id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    section_code: Mapped[str] = mapped_column(String(30))
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.staff_id"), index=True
    )
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.room_id"))
    capacity: Mapped[int] = mapped_column(Integer)


class SectionEnrollment(Timestamped, Base):
    """A student's place on a section roster, from entry to exit."""

    __tablename__ = "section_enrollment"
    __table_args__ = (
        CheckConstraint(
            "exit_date IS NULL OR exit_date >= entry_date", name="exit_after_entry"
        ),
        UniqueConstraint("section_id", "student_id", "entry_date"),
    )

    section_enrollment_id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.section_id"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    entry_date: Mapped[dt.date] = mapped_column(Date)
    exit_date: Mapped[dt.date | None] = mapped_column(Date)
