"""People: students and their programs, guardians, staff and assignments."""

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import (
    GUARDIAN_RELATIONSHIPS,
    PROGRAMS,
    RACE_ETHNICITY,
    SEXES,
    STAFF_POSITIONS,
    in_list,
)


class Student(Timestamped, Base):
    __tablename__ = "student"
    __table_args__ = (
        CheckConstraint(in_list("sex", SEXES), name="sex"),
        CheckConstraint(in_list("race_ethnicity", RACE_ETHNICITY), name="race"),
    )

    student_id: Mapped[int] = mapped_column(primary_key=True)
    student_number: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    race_ethnicity: Mapped[str] = mapped_column(String(40))
    home_language: Mapped[str] = mapped_column(String(40), default="English")


class StudentProgram(Timestamped, Base):
    """A program flag with the dates it held (end empty while it holds)."""

    __tablename__ = "student_program"
    __table_args__ = (
        CheckConstraint(in_list("program", PROGRAMS), name="program"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        UniqueConstraint("student_id", "program", "start_date"),
    )

    student_program_id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    program: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class Guardian(Timestamped, Base):
    __tablename__ = "guardian"

    guardian_id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_language: Mapped[str] = mapped_column(String(40), default="English")


class StudentGuardian(Timestamped, Base):
    __tablename__ = "student_guardian"
    __table_args__ = (
        CheckConstraint(
            in_list("relationship", GUARDIAN_RELATIONSHIPS), name="relationship"
        ),
    )

    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), primary_key=True
    )
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardian.guardian_id"), primary_key=True, index=True
    )
    relationship: Mapped[str] = mapped_column(String(30))
    is_primary_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    has_custody: Mapped[bool] = mapped_column(Boolean, default=True)
    lives_with_student: Mapped[bool] = mapped_column(Boolean, default=True)


class Staff(Timestamped, Base):
    __tablename__ = "staff"

    staff_id: Mapped[int] = mapped_column(primary_key=True)
    staff_number: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))


class StaffAssignment(Timestamped, Base):
    """A staff member's position at a school for a school year."""

    __tablename__ = "staff_assignment"
    __table_args__ = (
        CheckConstraint(in_list("position", STAFF_POSITIONS), name="position"),
        UniqueConstraint("staff_id", "school_id", "school_year_id", "position"),
    )

    staff_assignment_id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.staff_id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
    position: Mapped[str] = mapped_column(String(30))
