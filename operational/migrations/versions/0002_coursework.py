"""coursework: content units, categories, assignments, quizzes, submissions

Revision ID: 0002_coursework
Revises: 0001
Create Date: 2026-12-03 17:12:55.278128
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_coursework"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_unit",
        sa.Column("content_unit_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_content_unit_position")),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.section_id"],
            name=op.f("fk_content_unit_section_id_section"),
        ),
        sa.PrimaryKeyConstraint("content_unit_id", name=op.f("pk_content_unit")),
        sa.UniqueConstraint(
            "content_unit_id",
            "section_id",
            name=op.f("uq_content_unit_content_unit_id_section_id"),
        ),
    )
    with op.batch_alter_table("content_unit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_unit_section_id"), ["section_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_content_unit_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "grading_category",
        sa.Column("grading_category_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("weight_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("n_drop_lowest", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "n_drop_lowest >= 0", name=op.f("ck_grading_category_n_drop_lowest")
        ),
        sa.CheckConstraint(
            "weight_percent > 0 AND weight_percent <= 100",
            name=op.f("ck_grading_category_weight_percent"),
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.section_id"],
            name=op.f("fk_grading_category_section_id_section"),
        ),
        sa.PrimaryKeyConstraint(
            "grading_category_id", name=op.f("pk_grading_category")
        ),
        sa.UniqueConstraint(
            "grading_category_id",
            "section_id",
            name=op.f("uq_grading_category_grading_category_id_section_id"),
        ),
        sa.UniqueConstraint(
            "section_id", "name", name=op.f("uq_grading_category_section_id_name")
        ),
    )
    with op.batch_alter_table("grading_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grading_category_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "assignment",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("grading_category_id", sa.Integer(), nullable=False),
        sa.Column("content_unit_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("is_quiz", sa.Boolean(), nullable=False),
        sa.Column("points_possible", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("is_extra_credit_allowed", sa.Boolean(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "late_penalty_percent_per_day",
            sa.Numeric(precision=5, scale=2),
            nullable=False,
        ),
        sa.Column(
            "max_late_penalty_percent", sa.Numeric(precision=5, scale=2), nullable=True
        ),
        sa.Column("cutoff_date", sa.Date(), nullable=True),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "cutoff_date IS NULL OR cutoff_date >= due_date",
            name=op.f("ck_assignment_cutoff"),
        ),
        sa.CheckConstraint(
            "late_penalty_percent_per_day BETWEEN 0 AND 100",
            name=op.f("ck_assignment_late_penalty"),
        ),
        sa.CheckConstraint(
            "max_late_penalty_percent IS NULL OR max_late_penalty_percent BETWEEN 0 AND 100",
            name=op.f("ck_assignment_max_late_penalty"),
        ),
        sa.CheckConstraint(
            "points_possible > 0", name=op.f("ck_assignment_points_possible")
        ),
        sa.ForeignKeyConstraint(
            ["content_unit_id", "section_id"],
            ["content_unit.content_unit_id", "content_unit.section_id"],
            name=op.f("fk_assignment_content_unit_id_content_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["grading_category_id", "section_id"],
            ["grading_category.grading_category_id", "grading_category.section_id"],
            name=op.f("fk_assignment_grading_category_id_grading_category"),
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.section_id"],
            name=op.f("fk_assignment_section_id_section"),
        ),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_assignment")),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_section_id"), ["section_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignment_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "content_item",
        sa.Column("content_item_id", sa.Integer(), nullable=False),
        sa.Column("content_unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind <> 'link' OR url IS NOT NULL", name=op.f("ck_content_item_link_url")
        ),
        sa.CheckConstraint(
            "kind <> 'text' OR body IS NOT NULL", name=op.f("ck_content_item_text_body")
        ),
        sa.CheckConstraint(
            "kind IN ('text', 'link')", name=op.f("ck_content_item_kind")
        ),
        sa.CheckConstraint("position >= 1", name=op.f("ck_content_item_position")),
        sa.ForeignKeyConstraint(
            ["content_unit_id"],
            ["content_unit.content_unit_id"],
            name=op.f("fk_content_item_content_unit_id_content_unit"),
        ),
        sa.PrimaryKeyConstraint("content_item_id", name=op.f("pk_content_item")),
    )
    with op.batch_alter_table("content_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_item_content_unit_id"),
            ["content_unit_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_content_item_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "quiz_question",
        sa.Column("quiz_question_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("points", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("correct_number", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("tolerance", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'numeric') = (correct_number IS NOT NULL)",
            name=op.f("ck_quiz_question_numeric_answer"),
        ),
        sa.CheckConstraint(
            "kind IN ('single_choice', 'multiple_choice', 'numeric', 'short_text')",
            name=op.f("ck_quiz_question_kind"),
        ),
        sa.CheckConstraint("points > 0", name=op.f("ck_quiz_question_points")),
        sa.CheckConstraint("position >= 1", name=op.f("ck_quiz_question_position")),
        sa.CheckConstraint("tolerance >= 0", name=op.f("ck_quiz_question_tolerance")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.assignment_id"],
            name=op.f("fk_quiz_question_assignment_id_assignment"),
        ),
        sa.PrimaryKeyConstraint("quiz_question_id", name=op.f("pk_quiz_question")),
        sa.UniqueConstraint(
            "assignment_id",
            "position",
            name=op.f("uq_quiz_question_assignment_id_position"),
        ),
    )
    with op.batch_alter_table("quiz_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quiz_question_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "submission",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("submitted_date", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("points_earned", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("scored_by", sa.String(length=100), nullable=True),
        sa.Column("scored_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status <> 'missing' OR submitted_date IS NULL",
            name=op.f("ck_submission_missing_date"),
        ),
        sa.CheckConstraint(
            "status IN ('on_time', 'late', 'missing', 'excused')",
            name=op.f("ck_submission_status"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('on_time', 'late') OR submitted_date IS NOT NULL",
            name=op.f("ck_submission_handed_in_date"),
        ),
        sa.CheckConstraint(
            "points_earned IS NULL OR points_earned >= 0",
            name=op.f("ck_submission_points_earned"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.assignment_id"],
            name=op.f("fk_submission_assignment_id_assignment"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.student_id"],
            name=op.f("fk_submission_student_id_student"),
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_submission")),
        sa.UniqueConstraint(
            "assignment_id",
            "student_id",
            name=op.f("uq_submission_assignment_id_student_id"),
        ),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submission_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_submission_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "quiz_answer",
        sa.Column("quiz_answer_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("quiz_question_id", sa.Integer(), nullable=False),
        sa.Column("number_answer", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("text_answer", sa.Text(), nullable=True),
        sa.Column("points_earned", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("is_auto_scored", sa.Boolean(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "points_earned IS NULL OR points_earned >= 0",
            name=op.f("ck_quiz_answer_points_earned"),
        ),
        sa.ForeignKeyConstraint(
            ["quiz_question_id"],
            ["quiz_question.quiz_question_id"],
            name=op.f("fk_quiz_answer_quiz_question_id_quiz_question"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.submission_id"],
            name=op.f("fk_quiz_answer_submission_id_submission"),
        ),
        sa.PrimaryKeyConstraint("quiz_answer_id", name=op.f("pk_quiz_answer")),
        sa.UniqueConstraint(
            "submission_id",
            "quiz_question_id",
            name=op.f("uq_quiz_answer_submission_id_quiz_question_id"),
        ),
    )
    with op.batch_alter_table("quiz_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quiz_answer_quiz_question_id"),
            ["quiz_question_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_quiz_answer_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "quiz_choice",
        sa.Column("quiz_choice_id", sa.Integer(), nullable=False),
        sa.Column("quiz_question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_quiz_choice_position")),
        sa.ForeignKeyConstraint(
            ["quiz_question_id"],
            ["quiz_question.quiz_question_id"],
            name=op.f("fk_quiz_choice_quiz_question_id_quiz_question"),
        ),
        sa.PrimaryKeyConstraint("quiz_choice_id", name=op.f("pk_quiz_choice")),
        sa.UniqueConstraint(
            "quiz_question_id",
            "position",
            name=op.f("uq_quiz_choice_quiz_question_id_position"),
        ),
    )
    with op.batch_alter_table("quiz_choice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quiz_choice_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "quiz_answer_choice",
        sa.Column("quiz_answer_id", sa.Integer(), nullable=False),
        sa.Column("quiz_choice_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quiz_answer_id"],
            ["quiz_answer.quiz_answer_id"],
            name=op.f("fk_quiz_answer_choice_quiz_answer_id_quiz_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["quiz_choice_id"],
            ["quiz_choice.quiz_choice_id"],
            name=op.f("fk_quiz_answer_choice_quiz_choice_id_quiz_choice"),
        ),
        sa.PrimaryKeyConstraint(
            "quiz_answer_id", "quiz_choice_id", name=op.f("pk_quiz_answer_choice")
        ),
    )
    with op.batch_alter_table("quiz_answer_choice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quiz_answer_choice_quiz_choice_id"),
            ["quiz_choice_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_quiz_answer_choice_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("quiz_answer_choice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_answer_choice_updated_at"))
        batch_op.drop_index(batch_op.f("ix_quiz_answer_choice_quiz_choice_id"))

    op.drop_table("quiz_answer_choice")
    with op.batch_alter_table("quiz_choice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_choice_updated_at"))

    op.drop_table("quiz_choice")
    with op.batch_alter_table("quiz_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_answer_updated_at"))
        batch_op.drop_index(batch_op.f("ix_quiz_answer_quiz_question_id"))

    op.drop_table("quiz_answer")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_updated_at"))
        batch_op.drop_index(batch_op.f("ix_submission_student_id"))

    op.drop_table("submission")
    with op.batch_alter_table("quiz_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_question_updated_at"))

    op.drop_table("quiz_question")
    with op.batch_alter_table("content_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_item_updated_at"))
        batch_op.drop_index(batch_op.f("ix_content_item_content_unit_id"))

    op.drop_table("content_item")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_updated_at"))
        batch_op.drop_index(batch_op.f("ix_assignment_section_id"))

    op.drop_table("assignment")
    with op.batch_alter_table("grading_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grading_category_updated_at"))

    op.drop_table("grading_category")
    with op.batch_alter_table("content_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_unit_updated_at"))
        batch_op.drop_index(batch_op.f("ix_content_unit_section_id"))

    op.drop_table("content_unit")
