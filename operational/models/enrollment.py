"""Admissions and enrollment: applications, school enrollments, promotion."""

import datetime as dt

from sqlalchemy import (
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
    APPLICATION_STATUSES,
    ENTRY_CODES,
    EXIT_CODES,
    GRADE_LEVEL_MAX,
    GRADE_LEVEL_MIN,
    PROMOTION_OUTCOMES,
    in_list,
)

GRADE_RANGE = f"BETWEEN {GRADE_LEVEL_MIN} AND {GRADE_LEVEL_MAX}"


class Application(Timestamped, Base):
    """An application for admission, from submission to a decision."""

    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint(in_list("status", APPLICATION_STATUSES), name="status"),
        CheckConstraint(f"grade_level {GRADE_RANGE}", name="grade_level"),
    )

    application_id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    grade_level: Mapped[int] = mapped_column(Integer)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    submitted_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    decided_date: Mapped[dt.date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.student_id"))


class Enrollment(Timestamped, Base):
    """A stay of a student in a school, within one school year."""

    __tablename__ = "enrollment"
    __table_args__ = (
        CheckConstraint(f"grade_level {GRADE_RANGE}", name="grade_level"),
        CheckConstraint(in_list("entry_code", ENTRY_CODES), name="entry_code"),
        CheckConstraint(
            f"exit_code IS NULL OR {in_list('exit_code', EXIT_CODES)}",
            name="exit_code",
        ),
        CheckConstraint(
            "exit_date IS NULL OR exit_date >= entry_date", name="exit_after_entry"
        ),
        CheckConstraint(
            "(exit_date IS NULL) = (exit_code IS NULL)", name="exit_date_and_code"
        ),
        Index("ix_enrollment_school_year", "school_id", "school_year_id"),
    )

    enrollment_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    grade_level: Mapped[int] = mapped_column(Integer)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    entry_code: Mapped[str] = mapped_column(String(30))
    exit_date: Mapped[dt.date | None] = mapped_column(Date)
    exit_code: Mapped[str | None] = mapped_column(String(30))


class PromotionDecision(Timestamped, Base):
    """The year-end outcome for a student: promoted, retained or graduated."""

    __tablename__ = "promotion_decision"
    __table_args__ = (
        CheckConstraint(in_list("outcome", PROMOTION_OUTCOMES), name="outcome"),
        UniqueConstraint("student_id", "school_year_id"),
    )

    promotion_decision_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.student_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    grade_level: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    decided_date: Mapped[dt.date] = mapped_column(Date)
