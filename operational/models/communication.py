"""Communication: announcements to an audience, and the outbox of messages.

An announcement names its audience (a school, a grade of a school, a section,
or the guardians of one student); publishing it queues one message per
guardian with an email address. A message keeps the text and address it was
sent with, and where it stands: queued, sent, or failed with the error.
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped, utc_now
from operational.vocabulary import (
    AUDIENCES,
    GRADE_LEVEL_MAX,
    GRADE_LEVEL_MIN,
    MESSAGE_CATEGORIES,
    MESSAGE_STATUSES,
    in_list,
)


class Announcement(Timestamped, Base):
    """What a school tells an audience, and how many guardians it reached.

    Exactly the column its audience needs is filled: a grade level for a
    grade, a section for a section, a student for one student's guardians.
    """

    __tablename__ = "announcement"
    __table_args__ = (
        CheckConstraint(in_list("audience", AUDIENCES), name="audience"),
        CheckConstraint(in_list("category", MESSAGE_CATEGORIES), name="category"),
        CheckConstraint(
            "(grade_level IS NOT NULL) = (audience = 'grade')", name="grade_audience"
        ),
        CheckConstraint(
            "(section_id IS NOT NULL) = (audience = 'section')",
            name="section_audience",
        ),
        CheckConstraint(
            "(student_id IS NOT NULL) = (audience = 'student')",
            name="student_audience",
        ),
        CheckConstraint(
            f"grade_level IS NULL OR grade_level BETWEEN {GRADE_LEVEL_MIN} "
            f"AND {GRADE_LEVEL_MAX}",
            name="grade_level",
        ),
        CheckConstraint("n_recipients >= 0 AND n_unreachable >= 0", name="counts"),
        Index("ix_announcement_school_date", "school_id", "audience_date"),
    )

    announcement_id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.school_id"))
    audience: Mapped[str] = mapped_column(String(20))
    grade_level: Mapped[int | None] = mapped_column(Integer)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.section_id"))
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    # Membership on this date decides who is in the audience.
    audience_date: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    n_recipients: Mapped[int] = mapped_column(Integer)
    # Guardians in the audience without an email address, to call instead.
    n_unreachable: Mapped[int] = mapped_column(Integer)


class Message(Timestamped, Base):
    """One guardian's copy of an announcement, in the outbox until sent.

    Attempts are counted so a failing address is retried a bounded number of
    times; `hold_reason` says why a queued message has not left (no mail
    server configured).
    """

    __tablename__ = "message"
    __table_args__ = (
        CheckConstraint(in_list("status", MESSAGE_STATUSES), name="status"),
        CheckConstraint("n_attempts >= 0", name="attempts"),
        CheckConstraint(
            "(sent_at IS NOT NULL) = (status = 'sent')", name="sent_when_sent"
        ),
        CheckConstraint(
            "status <> 'failed' OR last_error IS NOT NULL", name="error_when_failed"
        ),
        UniqueConstraint("announcement_id", "guardian_id"),
        Index("ix_message_status", "status", "message_id"),
    )

    message_id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcement.announcement_id")
    )
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardian.guardian_id"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    n_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    hold_reason: Mapped[str | None] = mapped_column(String(200))
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utc_now)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
