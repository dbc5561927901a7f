"""Grading: scales, period marks, final grades, credits and diplomas.

GPA and transcripts are derived from final grades, never stored twice.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped, utc_now
from operational.vocabulary import DIPLOMA_TYPES, SUBJECTS, in_list


class GradeScale(Timestamped, Base):
    __tablename__ = "grade_scale"

    grade_scale_id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class GradeScaleBand(Timestamped, Base):
    """A letter of a scale: from `min_percent` up to the next band."""

    __tablename__ = "grade_scale_band"
    __table_args__ = (
        UniqueConstraint("grade_scale_id", "letter"),
        UniqueConstraint("grade_scale_id", "min_percent"),
        CheckConstraint("min_percent BETWEEN 0 AND 100", name="min_percent"),
        CheckConstraint("grade_points >= 0", name="grade_points"),
    )

    grade_scale_band_id: Mapped[int] = mapped_column(primary_key=True)
    grade_scale_id: Mapped[int] = mapped_column(
        ForeignKey("grade_scale.grade_scale_id")
    )
    letter: Mapped[str] = mapped_column(String(3))
    min_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    grade_points: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    is_passing: Mapped[bool]


class Mark(Timestamped, Base):
    """A student's mark in a section for one grading period."""

    __tablename__ = "mark"
    __table_args__ = (
        UniqueConstraint("student_id", "section_id", "grading_period_id"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    )

    mark_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("section.section_id"))
    grading_period_id: Mapped[int] = mapped_column(
        ForeignKey("grading_period.grading_period_id")
    )
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    letter: Mapped[str] = mapped_column(String(3))
    comment: Mapped[str | None] = mapped_column(Text)
    posted_by: Mapped[str] = mapped_column(String(100))
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utc_now)


class FinalGrade(Timestamped, Base):
    """The grade of record for a section: what the transcript and GPA use."""

    __tablename__ = "final_grade"
    __table_args__ = (
        UniqueConstraint("student_id", "section_id"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
        CheckConstraint(
            "credits_earned >= 0 AND credits_earned <= credits_attempted",
            name="credits",
        ),
    )

    final_grade_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("section.section_id"))
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    letter: Mapped[str] = mapped_column(String(3))
    grade_points: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    credits_attempted: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    credits_earned: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    posted_by: Mapped[str] = mapped_column(String(100))


class GraduationRequirement(Timestamped, Base):
    __tablename__ = "graduation_requirement"
    __table_args__ = (
        CheckConstraint(in_list("subject", SUBJECTS), name="subject"),
        CheckConstraint("credits_required > 0", name="credits"),
    )

    graduation_requirement_id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(30), unique=True)
    credits_required: Mapped[Decimal] = mapped_column(Numeric(4, 2))


class Diploma(Timestamped, Base):
    __tablename__ = "diploma"
    __table_args__ = (
        CheckConstraint(in_list("diploma_type", DIPLOMA_TYPES), name="type"),
    )

    diploma_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), unique=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    diploma_type: Mapped[str] = mapped_column(String(30))
    awarded_date: Mapped[dt.date] = mapped_column(Date)
