"""Assignments and the gradebook categories they count in.

A section's categories carry weights (Homework 30, Quizzes 20, Tests 50) that
must add up to 100 when the gradebook computes; until then a teacher may set
them one at a time. An assignment has points possible, a due date, late
rules and a cut-off; it is a draft until published, and a quiz is published
only with a complete answer key.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from operational.audit import audit, audit_bulk, snapshot
from operational.errors import InvalidValue, NotFound, QuizNotReady, WeightsDoNotSum
from operational.models import (
    Assignment,
    ContentUnit,
    GradingCategory,
    SchoolYear,
    Section,
    Submission,
    utc_now,
)
from operational.services import quizzes
from operational.services._writes import BATCH_SIZE, insert_validated, savepoint
from operational.services.coursework import (
    HUNDRED,
    as_percent,
    as_points,
    require_text,
    set_published,
)
from operational.services.records import get

log = logging.getLogger(__name__)


def validate_category(row: dict[str, Any], sections: dict[int, Section]) -> None:
    """Every rule a category must meet; puts its weight in stored form."""
    if row["section_id"] not in sections:
        raise NotFound(f"no section with id {row['section_id']}")
    require_text(row.get("name"), "a category needs a name")
    row["weight_percent"] = _weight(row["weight_percent"])
    n_drop = row.setdefault("n_drop_lowest", 0)
    if not isinstance(n_drop, int) or n_drop < 0:
        raise InvalidValue(
            f"the number of lowest scores to drop is 0 or more, not {n_drop!r}"
        )


def add_category(
    session: Session,
    actor: str,
    *,
    section_id: int,
    name: str,
    weight_percent: Any,
    n_drop_lowest: int = 0,
) -> GradingCategory:
    """Add a gradebook category. Weights are checked to add up to 100 when the
    gradebook computes, so a teacher can set them up one at a time."""
    row = {
        "section_id": section_id,
        "name": name,
        "weight_percent": weight_percent,
        "n_drop_lowest": n_drop_lowest,
    }
    validate_category(row, _sections(session, [section_id]))

    category = GradingCategory(**row)
    with savepoint(session):
        session.add(category)
        audit(session, actor, "add_grading_category", category, before=None)
    return category


def bulk_add_categories(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many categories with `add_category`'s rules."""
    rows = list(rows)
    sections = _sections(session, {row["section_id"] for row in rows})
    return insert_validated(
        session,
        GradingCategory,
        rows,
        lambda row: validate_category(row, sections),
        actor,
        "bulk_add_categories",
    )


def _sections(session: Session, section_ids: Iterable[int]) -> dict[int, Section]:
    return {
        section.section_id: section
        for section in session.scalars(
            select(Section).where(Section.section_id.in_(set(section_ids)))
        )
    }


def set_category_weights(
    session: Session, actor: str, section_id: int, weights: dict[int, Any]
) -> list[GradingCategory]:
    """Change the weights of all of a section's categories at once; they must
    add up to 100."""
    categories = section_categories(session, section_id)
    by_id = {category.grading_category_id: category for category in categories}
    if set(weights) != set(by_id):
        raise InvalidValue(
            "give a weight for every category of the section, and only those: "
            + ", ".join(f"{c.grading_category_id} ({c.name})" for c in categories)
        )
    new = {key: _weight(value) for key, value in weights.items()}
    check_weights([(by_id[key].name, weight) for key, weight in new.items()])

    with savepoint(session):
        for key, weight in new.items():
            category = by_id[key]
            if category.weight_percent != weight:
                before = snapshot(category)
                category.weight_percent = weight
                audit(session, actor, "reweight_grading_category", category, before)
    return categories


def section_categories(session: Session, section_id: int) -> list[GradingCategory]:
    return list(
        session.scalars(
            select(GradingCategory)
            .where(GradingCategory.section_id == section_id)
            .order_by(GradingCategory.grading_category_id)
        )
    )


def check_weights(weights: list[tuple[str, Decimal]]) -> None:
    """Refuse category weights that do not add up to exactly 100 percent."""
    total = sum((weight for _, weight in weights), Decimal(0))
    if not weights or total != HUNDRED:
        listed = ", ".join(f"{name} {weight}%" for name, weight in weights)
        raise WeightsDoNotSum(
            f"the gradebook categories' weights add up to {total}%, not 100% "
            f"({listed or 'no categories yet'}); change the weights so they "
            "add up to 100"
        )


def _weight(value: Any) -> Decimal:
    weight = as_percent(value, "a category weight")
    if weight == 0:
        raise InvalidValue("a category weight is more than 0%")
    return weight


@dataclass(frozen=True)
class AssignmentContext:
    sections: dict[int, Section]
    years: dict[int, SchoolYear]
    categories: dict[int, GradingCategory]
    units: dict[int, ContentUnit]


def load_assignment_context(
    session: Session, section_ids: Iterable[int]
) -> AssignmentContext:
    section_ids = set(section_ids)
    return AssignmentContext(
        sections=_sections(session, section_ids),
        years={y.school_year_id: y for y in session.scalars(select(SchoolYear))},
        categories={
            c.grading_category_id: c
            for c in session.scalars(
                select(GradingCategory).where(
                    GradingCategory.section_id.in_(section_ids)
                )
            )
        },
        units={
            u.content_unit_id: u
            for u in session.scalars(
                select(ContentUnit).where(ContentUnit.section_id.in_(section_ids))
            )
        },
    )


OPTIONAL = (
    "content_unit_id",
    "instructions",
    "max_late_penalty_percent",
    "cutoff_date",
)


def validate_assignment(row: dict[str, Any], context: AssignmentContext) -> None:
    """Every rule an assignment must meet; puts numbers in their stored form."""
    section = context.sections.get(row["section_id"])
    if section is None:
        raise NotFound(f"no section with id {row['section_id']}")
    for name in OPTIONAL:
        row.setdefault(name, None)
    row.setdefault("is_quiz", False)
    row.setdefault("is_extra_credit_allowed", False)
    category = context.categories.get(row["grading_category_id"])
    if category is None or category.section_id != section.section_id:
        raise NotFound(
            f"section {section.section_code} has no gradebook category with id "
            f"{row['grading_category_id']}"
        )
    unit_id = row["content_unit_id"]
    if unit_id is not None:
        unit = context.units.get(unit_id)
        if unit is None or unit.section_id != section.section_id:
            raise NotFound(
                f"section {section.section_code} has no unit with id {unit_id}"
            )
    require_text(row.get("title"), "an assignment needs a title")

    points = as_points(row["points_possible"], "points possible")
    if points == 0:
        raise InvalidValue("an assignment is worth more than 0 points")
    row["points_possible"] = points
    row["late_penalty_percent_per_day"] = as_percent(
        row.get("late_penalty_percent_per_day") or 0, "the late penalty per day"
    )
    maximum = row.get("max_late_penalty_percent")
    if maximum is not None:
        row["max_late_penalty_percent"] = as_percent(
            maximum, "the largest late penalty"
        )

    year = context.years[section.school_year_id]
    due, cutoff = row["due_date"], row.get("cutoff_date")
    if not year.start_date <= due <= year.end_date:
        raise InvalidValue(
            f"the due date {due} is outside the {year.name} school year "
            f"({year.start_date} to {year.end_date})"
        )
    if cutoff is not None and cutoff < due:
        raise InvalidValue(
            f"the cut-off {cutoff} is before the due date {due}; work would "
            "stop being accepted before it is even due"
        )


def add_assignment(
    session: Session,
    actor: str,
    *,
    section_id: int,
    grading_category_id: int,
    title: str,
    points_possible: Any,
    due_date: dt.date,
    content_unit_id: int | None = None,
    instructions: str | None = None,
    is_quiz: bool = False,
    is_extra_credit_allowed: bool = False,
    late_penalty_percent_per_day: Any = 0,
    max_late_penalty_percent: Any = None,
    cutoff_date: dt.date | None = None,
) -> Assignment:
    """Set work to a section, as a draft; publish it to give it to students.

    A quiz (`is_quiz`) gets its questions through `operational.services.quizzes`
    before it is published.
    """
    row = {
        "section_id": section_id,
        "grading_category_id": grading_category_id,
        "content_unit_id": content_unit_id,
        "title": title,
        "instructions": instructions,
        "is_quiz": is_quiz,
        "points_possible": points_possible,
        "is_extra_credit_allowed": is_extra_credit_allowed,
        "due_date": due_date,
        "late_penalty_percent_per_day": late_penalty_percent_per_day,
        "max_late_penalty_percent": max_late_penalty_percent,
        "cutoff_date": cutoff_date,
    }
    validate_assignment(row, load_assignment_context(session, [section_id]))

    assignment = Assignment(**row, is_published=False)
    with savepoint(session):
        session.add(assignment)
        audit(session, actor, "add_assignment", assignment, before=None)
    return assignment


CHANGEABLE = (
    "grading_category_id",
    "content_unit_id",
    "title",
    "instructions",
    "points_possible",
    "is_extra_credit_allowed",
    "due_date",
    "late_penalty_percent_per_day",
    "max_late_penalty_percent",
    "cutoff_date",
)


def update_assignment(
    session: Session, actor: str, assignment_id: int, **changes: Any
) -> Assignment:
    """Change an assignment's title, category, points, dates or late rules.

    Points possible may not drop below a score already given (unless extra
    credit is allowed), and a quiz's points follow its questions.
    """
    assignment = get(session, Assignment, assignment_id)
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise InvalidValue(f"an assignment's {', '.join(unknown)} cannot be changed")
    row = {name: getattr(assignment, name) for name in ("section_id", *CHANGEABLE)}
    row.update(changes)
    validate_assignment(row, load_assignment_context(session, [assignment.section_id]))
    if assignment.is_quiz and row["points_possible"] != assignment.points_possible:
        raise InvalidValue("a quiz is worth what its questions are worth")
    _check_scores_fit(session, assignment, row)

    before = snapshot(assignment)
    with savepoint(session):
        for name in changes:
            setattr(assignment, name, row[name])
        audit(session, actor, "update_assignment", assignment, before)
    return assignment


def _check_scores_fit(session: Session, assignment: Assignment, row: dict) -> None:
    if row["is_extra_credit_allowed"]:
        return
    highest = session.scalar(
        select(func.max(Submission.points_earned)).where(
            Submission.assignment_id == assignment.assignment_id
        )
    )
    if highest is not None and highest > row["points_possible"]:
        raise InvalidValue(
            f"a student already scored {highest} on {assignment.title}; points "
            f"possible cannot drop to {row['points_possible']} without extra credit"
        )


def publish_assignment(
    session: Session, actor: str, assignment_id: int, *, is_published: bool = True
) -> Assignment:
    """Give an assignment to the section's students, or take it back to draft.

    A quiz is published only with a complete answer key; an assignment with
    work handed in stays published.
    """
    assignment = get(session, Assignment, assignment_id)
    if is_published and assignment.is_quiz:
        keys = quizzes.load_keys(session, [assignment_id])
        quizzes.check_key(assignment, keys.get(assignment_id))
    if not is_published:
        n_handed_in = session.scalar(
            select(func.count()).where(Submission.assignment_id == assignment_id)
        )
        if n_handed_in:
            raise InvalidValue(
                f"{assignment.title} has {n_handed_in} submissions; it cannot go "
                "back to draft"
            )
    return set_published(session, actor, assignment, is_published)


def bulk_publish_assignments(
    session: Session, assignment_ids: Iterable[int], actor: str
) -> int:
    """Publish many draft assignments at once, quizzes with their keys
    checked as `publish_assignment` does; one audit row for the batch."""
    wanted = sorted(set(assignment_ids))
    found = {
        a.assignment_id: a
        for a in session.scalars(
            select(Assignment).where(Assignment.assignment_id.in_(wanted))
        )
    }
    keys = quizzes.load_keys(session, [key for key, a in found.items() if a.is_quiz])
    for assignment_id in wanted:
        assignment = found.get(assignment_id)
        if assignment is None:
            raise NotFound(f"no assignment with id {assignment_id}")
        if assignment.is_published:
            raise InvalidValue(f"{assignment.title} is already published")
        if assignment.is_quiz:
            quizzes.check_key(assignment, keys.get(assignment_id))

    with savepoint(session):
        for start in range(0, len(wanted), BATCH_SIZE):
            session.execute(
                update(Assignment)
                .where(Assignment.assignment_id.in_(wanted[start : start + BATCH_SIZE]))
                .values(is_published=True, updated_at=utc_now()),
                execution_options={"synchronize_session": False},
            )
        audit_bulk(
            session, actor, "bulk_publish_assignments", "assignment", len(wanted)
        )
    session.expire_all()
    return len(wanted)


def bulk_add_assignments(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many assignments with `add_assignment`'s rules.

    Rows may say `is_published`; a quiz cannot be published in bulk, since
    its questions come after it.
    """
    rows = list(rows)
    context = load_assignment_context(session, {row["section_id"] for row in rows})

    def validate(row: dict[str, Any]) -> None:
        validate_assignment(row, context)
        row.setdefault("is_published", False)
        if row.get("is_quiz") and row["is_published"]:
            raise QuizNotReady("publish a quiz once its questions are in")

    n_rows = insert_validated(
        session, Assignment, rows, validate, actor, "bulk_add_assignments"
    )
    log.info("added %d assignments", n_rows)
    return n_rows
