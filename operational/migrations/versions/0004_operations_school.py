"""operations of a school: timetable, calendar events, communication

Revision ID: 0004_operations_school
Revises: 0003_operations_money
Create Date: 2026-12-03 17:23:02.793205
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_operations_school"
down_revision = "0003_operations_money"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_event",
        sa.Column("calendar_event_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=True),
        sa.Column("end_minute", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('holiday', 'exam', 'parent_evening', 'open_house', 'staff_meeting', 'sports', 'performance', 'field_trip', 'other')",
            name=op.f("ck_calendar_event_kind"),
        ),
        sa.CheckConstraint(
            "(start_minute IS NULL) = (end_minute IS NULL)",
            name=op.f("ck_calendar_event_both_times_or_none"),
        ),
        sa.CheckConstraint(
            "start_date <= end_date", name=op.f("ck_calendar_event_dates")
        ),
        sa.CheckConstraint(
            "start_minute IS NULL OR (start_minute BETWEEN 0 AND 1440 AND end_minute BETWEEN 0 AND 1440 AND (start_date < end_date OR start_minute < end_minute))",
            name=op.f("ck_calendar_event_minutes"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.school_id"],
            name=op.f("fk_calendar_event_school_id_school"),
        ),
        sa.ForeignKeyConstraint(
            ["school_year_id"],
            ["school_year.school_year_id"],
            name=op.f("fk_calendar_event_school_year_id_school_year"),
        ),
        sa.PrimaryKeyConstraint("calendar_event_id", name=op.f("pk_calendar_event")),
    )
    with op.batch_alter_table("calendar_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calendar_event_school_dates", ["school_id", "start_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calendar_event_school_year_id"),
            ["school_year_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_calendar_event_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "period",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "day IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'day_1', 'day_2', 'day_3', 'day_4', 'day_5', 'day_6', 'day_7', 'day_8', 'day_9', 'day_10')",
            name=op.f("ck_period_day"),
        ),
        sa.CheckConstraint(
            "0 <= start_minute AND start_minute < end_minute AND end_minute <= 1440",
            name=op.f("ck_period_minutes"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.school_id"], name=op.f("fk_period_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["school_year_id"],
            ["school_year.school_year_id"],
            name=op.f("fk_period_school_year_id_school_year"),
        ),
        sa.PrimaryKeyConstraint("period_id", name=op.f("pk_period")),
        sa.UniqueConstraint(
            "school_id",
            "school_year_id",
            "name",
            "day",
            name=op.f("uq_period_school_id_school_year_id_name_day"),
        ),
    )
    with op.batch_alter_table("period", schema=None) as batch_op:
        batch_op.create_index(
            "ix_period_school_year", ["school_id", "school_year_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_period_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "announcement",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("grade_level", sa.Integer(), nullable=True),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("audience_date", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("n_recipients", sa.Integer(), nullable=False),
        sa.Column("n_unreachable", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(grade_level IS NOT NULL) = (audience = 'grade')",
            name=op.f("ck_announcement_grade_audience"),
        ),
        sa.CheckConstraint(
            "(section_id IS NOT NULL) = (audience = 'section')",
            name=op.f("ck_announcement_section_audience"),
        ),
        sa.CheckConstraint(
            "(student_id IS NOT NULL) = (audience = 'student')",
            name=op.f("ck_announcement_student_audience"),
        ),
        sa.CheckConstraint(
            "audience IN ('school', 'grade', 'section', 'student')",
            name=op.f("ck_announcement_audience"),
        ),
        sa.CheckConstraint(
            "category IN ('general', 'calendar_event', 'academic', 'emergency', 'unexcused_absence')",
            name=op.f("ck_announcement_category"),
        ),
        sa.CheckConstraint(
            "grade_level IS NULL OR grade_level BETWEEN -1 AND 12",
            name=op.f("ck_announcement_grade_level"),
        ),
        sa.CheckConstraint(
            "n_recipients >= 0 AND n_unreachable >= 0",
            name=op.f("ck_announcement_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.school_id"],
            name=op.f("fk_announcement_school_id_school"),
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.section_id"],
            name=op.f("fk_announcement_section_id_section"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.student_id"],
            name=op.f("fk_announcement_student_id_student"),
        ),
        sa.PrimaryKeyConstraint("announcement_id", name=op.f("pk_announcement")),
    )
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_announcement_school_date", ["school_id", "audience_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_announcement_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_announcement_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "section_meeting",
        sa.Column("section_meeting_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "start_date <= end_date", name=op.f("ck_section_meeting_dates")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["period.period_id"],
            name=op.f("fk_section_meeting_period_id_period"),
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.room_id"], name=op.f("fk_section_meeting_room_id_room")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.section_id"],
            name=op.f("fk_section_meeting_section_id_section"),
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["staff.staff_id"],
            name=op.f("fk_section_meeting_teacher_id_staff"),
        ),
        sa.PrimaryKeyConstraint("section_meeting_id", name=op.f("pk_section_meeting")),
        sa.UniqueConstraint(
            "section_id",
            "period_id",
            "start_date",
            name=op.f("uq_section_meeting_section_id_period_id_start_date"),
        ),
    )
    with op.batch_alter_table("section_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_section_meeting_period_id"), ["period_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_section_meeting_room_id"), ["room_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_section_meeting_section_id"), ["section_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_section_meeting_teacher_id"), ["teacher_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_section_meeting_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "message",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("n_attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("hold_reason", sa.String(length=200), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(sent_at IS NOT NULL) = (status = 'sent')",
            name=op.f("ck_message_sent_when_sent"),
        ),
        sa.CheckConstraint(
            "status <> 'failed' OR last_error IS NOT NULL",
            name=op.f("ck_message_error_when_failed"),
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'failed')", name=op.f("ck_message_status")
        ),
        sa.CheckConstraint("n_attempts >= 0", name=op.f("ck_message_attempts")),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcement.announcement_id"],
            name=op.f("fk_message_announcement_id_announcement"),
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.guardian_id"],
            name=op.f("fk_message_guardian_id_guardian"),
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_message")),
        sa.UniqueConstraint(
            "announcement_id",
            "guardian_id",
            name=op.f("uq_message_announcement_id_guardian_id"),
        ),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_guardian_id"), ["guardian_id"], unique=False
        )
        batch_op.create_index(
            "ix_message_status", ["status", "message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_message_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_updated_at"))
        batch_op.drop_index("ix_message_status")
        batch_op.drop_index(batch_op.f("ix_message_guardian_id"))

    op.drop_table("message")
    with op.batch_alter_table("section_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_section_meeting_updated_at"))
        batch_op.drop_index(batch_op.f("ix_section_meeting_teacher_id"))
        batch_op.drop_index(batch_op.f("ix_section_meeting_section_id"))
        batch_op.drop_index(batch_op.f("ix_section_meeting_room_id"))
        batch_op.drop_index(batch_op.f("ix_section_meeting_period_id"))

    op.drop_table("section_meeting")
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_updated_at"))
        batch_op.drop_index(batch_op.f("ix_announcement_student_id"))
        batch_op.drop_index("ix_announcement_school_date")

    op.drop_table("announcement")
    with op.batch_alter_table("period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_period_updated_at"))
        batch_op.drop_index("ix_period_school_year")

    op.drop_table("period")
    with op.batch_alter_table("calendar_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_event_updated_at"))
        batch_op.drop_index(batch_op.f("ix_calendar_event_school_year_id"))
        batch_op.drop_index("ix_calendar_event_school_dates")

    op.drop_table("calendar_event")
