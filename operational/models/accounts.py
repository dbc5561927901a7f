"""Who may sign in to the staff app, with which role and over which rows.

An account has one role. Its row scope comes from the role and from rows
that say what the account covers: the schools a registrar or finance officer
serves, the sections a linked staff member teaches, a counselor's caseload.
Passwords are stored only as argon2 hashes and session tokens only as their
SHA-256 digest, so neither can be read back from the database. Accounts that
sign in through an OpenID Connect provider have no password hash.
"""

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import ROLES, in_list


class UserAccount(Timestamped, Base):
    """A person who signs in to the staff app."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(in_list("role", ROLES), name="role"),
        CheckConstraint("failed_sign_ins >= 0", name="failed_sign_ins"),
    )

    user_account_id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.staff_id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserSchool(Timestamped, Base):
    """A school an account serves; the rows its role reaches there."""

    __tablename__ = "user_school"
    __table_args__ = (UniqueConstraint("user_account_id", "school_id"),)

    user_school_id: Mapped[int] = mapped_column(primary_key=True)
    user_account_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.user_account_id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))


class UserSession(Timestamped, Base):
    """A signed-in browser: valid until it expires or is signed out."""

    __tablename__ = "user_session"
    __table_args__ = (CheckConstraint("started_at < expires_at", name="span"),)

    user_session_id: Mapped[int] = mapped_column(primary_key=True)
    user_account_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.user_account_id", ondelete="CASCADE"), index=True
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class CounselorCaseload(Timestamped, Base):
    """A student a counselor looks after in a school year."""

    __tablename__ = "counselor_caseload"
    __table_args__ = (UniqueConstraint("staff_id", "student_id", "school_year_id"),)

    counselor_caseload_id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.staff_id"), index=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.school_year_id")
    )
