"""staff app: accounts, their schools and sessions; counselor caseloads

Revision ID: 0005_accounts
Revises: 0004_operations_school
Create Date: 2026-12-03 19:44:29.930751
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_accounts"
down_revision = "0004_operations_school"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counselor_caseload",
        sa.Column("counselor_caseload_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("school_year_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_year_id"],
            ["school_year.school_year_id"],
            name=op.f("fk_counselor_caseload_school_year_id_school_year"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.staff_id"],
            name=op.f("fk_counselor_caseload_staff_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.student_id"],
            name=op.f("fk_counselor_caseload_student_id_student"),
        ),
        sa.PrimaryKeyConstraint(
            "counselor_caseload_id", name=op.f("pk_counselor_caseload")
        ),
        sa.UniqueConstraint(
            "staff_id",
            "student_id",
            "school_year_id",
            name=op.f("uq_counselor_caseload_staff_id_student_id_school_year_id"),
        ),
    )
    with op.batch_alter_table("counselor_caseload", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_counselor_caseload_staff_id"), ["staff_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_counselor_caseload_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_counselor_caseload_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "user_account",
        sa.Column("user_account_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_sign_in_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('administrator', 'registrar', 'teacher', 'counselor', 'finance_officer', 'leadership')",
            name=op.f("ck_user_account_role"),
        ),
        sa.CheckConstraint(
            "failed_sign_ins >= 0", name=op.f("ck_user_account_failed_sign_ins")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.staff_id"],
            name=op.f("fk_user_account_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("user_account_id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "user_school",
        sa.Column("user_school_id", sa.Integer(), nullable=False),
        sa.Column("user_account_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.school_id"],
            name=op.f("fk_user_school_school_id_school"),
        ),
        sa.ForeignKeyConstraint(
            ["user_account_id"],
            ["user_account.user_account_id"],
            name=op.f("fk_user_school_user_account_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_school_id", name=op.f("pk_user_school")),
        sa.UniqueConstraint(
            "user_account_id",
            "school_id",
            name=op.f("uq_user_school_user_account_id_school_id"),
        ),
    )
    with op.batch_alter_table("user_school", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_school_updated_at"), ["updated_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_school_user_account_id"),
            ["user_account_id"],
            unique=False,
        )

    op.create_table(
        "user_session",
        sa.Column("user_session_id", sa.Integer(), nullable=False),
        sa.Column("user_account_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "started_at < expires_at", name=op.f("ck_user_session_span")
        ),
        sa.ForeignKeyConstraint(
            ["user_account_id"],
            ["user_account.user_account_id"],
            name=op.f("fk_user_session_user_account_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_session_id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_user_session_token_digest")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_session_updated_at"), ["updated_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_session_user_account_id"),
            ["user_account_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_account_id"))
        batch_op.drop_index(batch_op.f("ix_user_session_updated_at"))

    op.drop_table("user_session")
    with op.batch_alter_table("user_school", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_school_user_account_id"))
        batch_op.drop_index(batch_op.f("ix_user_school_updated_at"))

    op.drop_table("user_school")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_updated_at"))

    op.drop_table("user_account")
    with op.batch_alter_table("counselor_caseload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counselor_caseload_updated_at"))
        batch_op.drop_index(batch_op.f("ix_counselor_caseload_student_id"))
        batch_op.drop_index(batch_op.f("ix_counselor_caseload_staff_id"))

    op.drop_table("counselor_caseload")
