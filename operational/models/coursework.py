"""Coursework: content units, gradebook categories, assignments and quizzes,
submissions with their scores and the teacher's feedback.

Everything hangs off a section: a section is the class one teacher teaches to
one roster, so its content, its categories and their weights are its own.
The mark of record is not here: the gradebook proposes it and
`operational.services.grading.post_mark` keeps it, once, in `mark`.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from operational.models.base import Base, Timestamped
from operational.vocabulary import (
    CONTENT_ITEM_KINDS,
    QUESTION_KINDS,
    SUBMISSION_STATUSES,
    in_list,
)

# Points to the hundredth: 99999.99 at most, enough for any rubric.
Points = Numeric(7, 2)
Percent = Numeric(5, 2)


class ContentUnit(Timestamped, Base):
    """A unit of a section's course content, in the order students meet it."""

    __tablename__ = "content_unit"
    __table_args__ = (
        # Lets an assignment name its unit and section in one foreign key.
        UniqueConstraint("content_unit_id", "section_id"),
        CheckConstraint("position >= 1", name="position"),
    )

    content_unit_id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.section_id"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)


class ContentItem(Timestamped, Base):
    """A page of text or a link inside a unit."""

    __tablename__ = "content_item"
    __table_args__ = (
        CheckConstraint(in_list("kind", CONTENT_ITEM_KINDS), name="kind"),
        CheckConstraint("kind <> 'text' OR body IS NOT NULL", name="text_body"),
        CheckConstraint("kind <> 'link' OR url IS NOT NULL", name="link_url"),
        CheckConstraint("position >= 1", name="position"),
    )

    content_item_id: Mapped[int] = mapped_column(primary_key=True)
    content_unit_id: Mapped[int] = mapped_column(
        ForeignKey("content_unit.content_unit_id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    position: Mapped[int] = mapped_column(Integer)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)


class GradingCategory(Timestamped, Base):
    """A gradebook category of a section (Homework, Quizzes, Tests) and its
    weight; the lowest `n_drop_lowest` scores of the category are left out."""

    __tablename__ = "grading_category"
    __table_args__ = (
        UniqueConstraint("section_id", "name"),
        UniqueConstraint("grading_category_id", "section_id"),
        CheckConstraint(
            "weight_percent > 0 AND weight_percent <= 100", name="weight_percent"
        ),
        CheckConstraint("n_drop_lowest >= 0", name="n_drop_lowest"),
    )

    grading_category_id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.section_id"))
    name: Mapped[str] = mapped_column(String(100))
    weight_percent: Mapped[Decimal] = mapped_column(Percent)
    n_drop_lowest: Mapped[int] = mapped_column(Integer, default=0)


class Assignment(Timestamped, Base):
    """Work set to a section: points possible, a due date and the late rules.

    Work is due by the end of `due_date`. Each day late takes
    `late_penalty_percent_per_day` off the score earned, up to
    `max_late_penalty_percent` (no cap when empty); after `cutoff_date` work
    is no longer accepted (accepted any time when empty).
    """

    __tablename__ = "assignment"
    __table_args__ = (
        # The category and the unit must belong to the assignment's section.
        ForeignKeyConstraint(
            ["grading_category_id", "section_id"],
            ["grading_category.grading_category_id", "grading_category.section_id"],
        ),
        ForeignKeyConstraint(
            ["content_unit_id", "section_id"],
            ["content_unit.content_unit_id", "content_unit.section_id"],
        ),
        CheckConstraint("points_possible > 0", name="points_possible"),
        CheckConstraint(
            "late_penalty_percent_per_day BETWEEN 0 AND 100", name="late_penalty"
        ),
        CheckConstraint(
            "max_late_penalty_percent IS NULL "
            "OR max_late_penalty_percent BETWEEN 0 AND 100",
            name="max_late_penalty",
        ),
        CheckConstraint(
            "cutoff_date IS NULL OR cutoff_date >= due_date", name="cutoff"
        ),
    )

    assignment_id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.section_id"), index=True
    )
    grading_category_id: Mapped[int] = mapped_column(Integer)
    content_unit_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str | None] = mapped_column(Text)
    is_quiz: Mapped[bool] = mapped_column(Boolean, default=False)
    points_possible: Mapped[Decimal] = mapped_column(Points)
    is_extra_credit_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    due_date: Mapped[dt.date] = mapped_column(Date)
    late_penalty_percent_per_day: Mapped[Decimal] = mapped_column(
        Percent, default=Decimal(0)
    )
    max_late_penalty_percent: Mapped[Decimal | None] = mapped_column(Percent)
    cutoff_date: Mapped[dt.date | None] = mapped_column(Date)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)


class Submission(Timestamped, Base):
    """A student's work on an assignment, its score and the teacher's feedback.

    One a student and assignment. On time or late follows from the date it
    was handed in; missing is work the teacher scored without it ever being
    handed in; excused work counts in no grade. An empty score on work
    handed in means it still needs grading.
    """

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("assignment_id", "student_id"),
        CheckConstraint(in_list("status", SUBMISSION_STATUSES), name="status"),
        CheckConstraint(
            "status NOT IN ('on_time', 'late') OR submitted_date IS NOT NULL",
            name="handed_in_date",
        ),
        CheckConstraint(
            "status <> 'missing' OR submitted_date IS NULL", name="missing_date"
        ),
        CheckConstraint(
            "points_earned IS NULL OR points_earned >= 0", name="points_earned"
        ),
    )

    submission_id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.assignment_id"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.student_id"), index=True
    )
    status: Mapped[str] = mapped_column(String(10))
    submitted_date: Mapped[dt.date | None] = mapped_column(Date)
    body: Mapped[str | None] = mapped_column(Text)
    points_earned: Mapped[Decimal | None] = mapped_column(Points)
    feedback: Mapped[str | None] = mapped_column(Text)
    scored_by: Mapped[str | None] = mapped_column(String(100))
    scored_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class QuizQuestion(Timestamped, Base):
    """A question of a quiz. Numeric questions carry their answer and the
    tolerance either side of it; choice questions carry choices."""

    __tablename__ = "quiz_question"
    __table_args__ = (
        UniqueConstraint("assignment_id", "position"),
        CheckConstraint(in_list("kind", QUESTION_KINDS), name="kind"),
        CheckConstraint("points > 0", name="points"),
        CheckConstraint("position >= 1", name="position"),
        CheckConstraint(
            "(kind = 'numeric') = (correct_number IS NOT NULL)",
            name="numeric_answer",
        ),
        CheckConstraint("tolerance >= 0", name="tolerance"),
    )

    quiz_question_id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.assignment_id"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    points: Mapped[Decimal] = mapped_column(Points)
    correct_number: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    tolerance: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(0))


class QuizChoice(Timestamped, Base):
    __tablename__ = "quiz_choice"
    __table_args__ = (
        UniqueConstraint("quiz_question_id", "position"),
        CheckConstraint("position >= 1", name="position"),
    )

    quiz_choice_id: Mapped[int] = mapped_column(primary_key=True)
    quiz_question_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_question.quiz_question_id")
    )
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(Boolean)


class QuizAnswer(Timestamped, Base):
    """A student's answer to one question. An empty score on a short-text
    answer means it waits for the teacher."""

    __tablename__ = "quiz_answer"
    __table_args__ = (
        UniqueConstraint("submission_id", "quiz_question_id"),
        CheckConstraint(
            "points_earned IS NULL OR points_earned >= 0", name="points_earned"
        ),
    )

    quiz_answer_id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.submission_id"))
    quiz_question_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_question.quiz_question_id"), index=True
    )
    number_answer: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    text_answer: Mapped[str | None] = mapped_column(Text)
    points_earned: Mapped[Decimal | None] = mapped_column(Points)
    is_auto_scored: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback: Mapped[str | None] = mapped_column(Text)


class QuizAnswerChoice(Timestamped, Base):
    """A choice a student picked in a choice question."""

    __tablename__ = "quiz_answer_choice"

    quiz_answer_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_answer.quiz_answer_id"), primary_key=True
    )
    quiz_choice_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_choice.quiz_choice_id"), primary_key=True, index=True
    )
