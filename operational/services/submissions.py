"""Submissions: handing work in, scoring it with feedback, excusing it.

Work is due by the end of its due date. Handed in on or before it, it is on
time; after it, late, and each calendar day late takes the assignment's
penalty off the score earned (up to its largest penalty); after the cut-off
it is refused. Only a student on the section roster on the day the work is
handed in (or, for work never handed in, on the due date) has a submission.
A score above the points possible is refused unless the assignment allows
extra credit. Work handed in and not yet scored needs grading. The
teacher's feedback is kept exactly as written.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.audit import audit, snapshot
from operational.errors import (
    AlreadyScored,
    Conflict,
    ExcusedWork,
    InvalidValue,
    NotFound,
    NotPublished,
    NotRostered,
    ScoreAboveMaximum,
    SubmissionClosed,
)
from operational.models import Assignment, ContentUnit, Section, Submission, utc_now
from operational.services._writes import insert_validated, savepoint
from operational.services.coursework import (
    HUNDRED,
    Span,
    as_points,
    is_rostered,
)
from operational.services.enrollment import roster_spans

log = logging.getLogger(__name__)

HANDED_IN = ("on_time", "late")


@dataclass
class SubmissionContext:
    """Assignments, whether their units are published, and rosters."""

    assignments: dict[int, Assignment]
    section_codes: dict[int, str]
    draft_units: set[int]
    rosters: dict[tuple[int, int], list[Span]]
    taken: set[tuple[int, int]]  # (assignment, student) with a submission


def load_context(session: Session, assignment_ids: Iterable[int]) -> SubmissionContext:
    wanted = sorted(set(assignment_ids))
    assignments = {
        a.assignment_id: a
        for a in session.scalars(
            select(Assignment).where(Assignment.assignment_id.in_(wanted))
        )
    }
    section_ids = {a.section_id for a in assignments.values()}
    taken: set[tuple[int, int]] = set()
    for start in range(0, len(wanted), 5_000):
        chunk = wanted[start : start + 5_000]
        taken.update(
            (assignment_id, student_id)
            for assignment_id, student_id in session.execute(
                select(Submission.assignment_id, Submission.student_id).where(
                    Submission.assignment_id.in_(chunk)
                )
            )
        )
    return SubmissionContext(
        assignments=assignments,
        section_codes={
            section_id: code
            for section_id, code in session.execute(
                select(Section.section_id, Section.section_code).where(
                    Section.section_id.in_(section_ids)
                )
            )
        },
        draft_units=set(
            session.scalars(
                select(ContentUnit.content_unit_id).where(
                    ContentUnit.section_id.in_(section_ids),
                    ContentUnit.is_published.is_(False),
                )
            )
        ),
        rosters=roster_spans(session, section_ids),
        taken=taken,
    )


def late_penalty_percent(
    assignment: Assignment, submitted_date: dt.date | None
) -> Decimal:
    """The percent taken off the score earned for handing work in late."""
    if submitted_date is None or submitted_date <= assignment.due_date:
        return Decimal(0)
    days_late = (submitted_date - assignment.due_date).days
    penalty = days_late * assignment.late_penalty_percent_per_day
    cap = assignment.max_late_penalty_percent
    return min(penalty, HUNDRED if cap is None else cap)


def handed_in_status(assignment: Assignment, submitted_date: dt.date | None) -> str:
    """On time, late or (never handed in) missing; refused after the cut-off."""
    cutoff = assignment.cutoff_date
    if submitted_date is not None and cutoff is not None and submitted_date > cutoff:
        raise SubmissionClosed(
            f"{assignment.title} stopped accepting work after {cutoff}; it was "
            f"handed in on {submitted_date}"
        )
    return timeliness(assignment, submitted_date)


def timeliness(assignment: Assignment, submitted_date: dt.date | None) -> str:
    if submitted_date is None:
        return "missing"
    return "on_time" if submitted_date <= assignment.due_date else "late"


def check_score(assignment: Assignment, points_earned: Any) -> Decimal:
    points = as_points(points_earned, "points earned")
    if points > assignment.points_possible and not assignment.is_extra_credit_allowed:
        raise ScoreAboveMaximum(
            f"{points} points is more than the {assignment.points_possible} "
            f"{assignment.title} is worth, and it allows no extra credit"
        )
    return points


def validate_submission(
    row: dict[str, Any], context: SubmissionContext, *, is_quiz_attempt=False
) -> None:
    """Every rule a submission must meet; fills in its status and score."""
    assignment = assignment_of(context, row["assignment_id"])
    excused = row.get("status") == "excused"
    if assignment.is_quiz and not (is_quiz_attempt or excused):
        raise InvalidValue(
            f"{assignment.title} is a quiz: it is taken, and its answers scored, "
            "through the quiz service"
        )
    check_open(assignment, context)
    for name in ("submitted_date", "body", "points_earned", "feedback"):
        row.setdefault(name, None)
    row.setdefault("scored_by", None)
    row.setdefault("scored_at", None)

    if excused:
        if row["points_earned"] is not None:
            raise ExcusedWork("excused work carries no score")
    else:
        row["status"] = handed_in_status(assignment, row["submitted_date"])
    if row["status"] == "missing" and row["points_earned"] is None:
        raise InvalidValue(
            "work never handed in is recorded only with a score; otherwise it is "
            "simply missing once its due date has passed"
        )

    day = row["submitted_date"] or assignment.due_date
    spans = context.rosters.get((assignment.section_id, row["student_id"]), [])
    if not is_rostered(spans, day):
        raise NotRostered(
            f"student {row['student_id']} is not on the roster of section "
            f"{context.section_codes[assignment.section_id]} on {day}"
        )
    if row["points_earned"] is not None:
        row["points_earned"] = check_score(assignment, row["points_earned"])


def check_open(assignment: Assignment, context: SubmissionContext) -> None:
    """Students work only on what is published, in a published unit."""
    if not assignment.is_published or assignment.content_unit_id in context.draft_units:
        raise NotPublished(
            f"{assignment.title} is not published yet; students cannot hand it in"
        )


def assignment_of(context: SubmissionContext, assignment_id: int) -> Assignment:
    assignment = context.assignments.get(assignment_id)
    if assignment is None:
        raise NotFound(f"no assignment with id {assignment_id}")
    return assignment


def find_submission(
    session: Session, assignment_id: int, student_id: int
) -> Submission | None:
    return session.scalars(
        select(Submission).where(
            Submission.assignment_id == assignment_id,
            Submission.student_id == student_id,
        )
    ).one_or_none()


def submit(
    session: Session,
    actor: str,
    *,
    assignment_id: int,
    student_id: int,
    submitted_date: dt.date,
    body: str | None = None,
) -> Submission:
    """Hand work in, or hand it in again while it is not yet scored."""
    context = load_context(session, [assignment_id])
    existing = find_submission(session, assignment_id, student_id)
    if existing is not None:
        _refuse_if_excused(existing, context)
        if existing.points_earned is not None:
            raise AlreadyScored(
                f"{context.assignments[assignment_id].title} is already scored "
                f"({existing.points_earned} points); it cannot be handed in again"
            )
    row = {
        "assignment_id": assignment_id,
        "student_id": student_id,
        "submitted_date": submitted_date,
        "body": body,
    }
    validate_submission(row, context)

    if existing is None:
        return _create(session, actor, "submit", row)
    before = snapshot(existing)
    with savepoint(session):
        existing.submitted_date = submitted_date
        existing.body = body
        existing.status = row["status"]
        audit(session, actor, "resubmit", existing, before)
    return existing


def record_score(
    session: Session,
    actor: str,
    *,
    assignment_id: int,
    student_id: int,
    points_earned: Any,
    feedback: str | None = None,
    submitted_date: dt.date | None = None,
) -> Submission:
    """Score a student's work and leave feedback (kept verbatim).

    For work handed in on paper, `submitted_date` says when; without one and
    without a submission, the work is recorded as missing with this score.
    Scoring again replaces the score and the feedback.
    """
    context = load_context(session, [assignment_id])
    existing = find_submission(session, assignment_id, student_id)
    if existing is None:
        row = {
            "assignment_id": assignment_id,
            "student_id": student_id,
            "submitted_date": submitted_date,
            "points_earned": points_earned,
            "feedback": feedback,
            "scored_by": actor,
            "scored_at": utc_now(),
        }
        validate_submission(row, context)
        return _create(session, actor, "score", row)

    assignment = assignment_of(context, assignment_id)
    if assignment.is_quiz:
        raise InvalidValue(
            f"{assignment.title} is a quiz: score its answers through the quiz service"
        )
    _refuse_if_excused(existing, context)
    points = check_score(assignment, points_earned)
    before = snapshot(existing)
    with savepoint(session):
        existing.points_earned = points
        existing.feedback = feedback
        existing.scored_by = actor
        existing.scored_at = utc_now()
        action = "score" if before["points_earned"] is None else "rescore"
        audit(session, actor, action, existing, before)
    return existing


def excuse(
    session: Session, actor: str, *, assignment_id: int, student_id: int
) -> Submission:
    """Excuse a student from an assignment: it counts in none of their grades."""
    context = load_context(session, [assignment_id])
    existing = find_submission(session, assignment_id, student_id)
    if existing is None:
        row = {
            "assignment_id": assignment_id,
            "student_id": student_id,
            "status": "excused",
        }
        validate_submission(row, context)
        return _create(session, actor, "excuse", row)

    _refuse_if_excused(existing, context)
    before = snapshot(existing)
    with savepoint(session):
        existing.status = "excused"
        audit(session, actor, "excuse", existing, before)
    return existing


def cancel_excuse(
    session: Session, actor: str, *, assignment_id: int, student_id: int
) -> Submission | None:
    """Undo an excuse: work handed in counts again from the date it came in;
    with nothing handed in the student simply owes the work again."""
    context = load_context(session, [assignment_id])
    assignment = assignment_of(context, assignment_id)
    existing = find_submission(session, assignment_id, student_id)
    if existing is None or existing.status != "excused":
        raise InvalidValue(
            f"student {student_id} is not excused from {assignment.title}"
        )

    before = snapshot(existing)
    with savepoint(session):
        if existing.submitted_date is None and existing.points_earned is None:
            session.delete(existing)
            session.flush()
            audit(session, actor, "cancel_excuse_delete", existing, before)
            return None
        # The cut-off applied when the work came in, not now.
        existing.status = timeliness(assignment, existing.submitted_date)
        audit(session, actor, "cancel_excuse", existing, before)
    return existing


def _refuse_if_excused(existing: Submission, context: SubmissionContext) -> None:
    if existing.status == "excused":
        title = context.assignments[existing.assignment_id].title
        raise ExcusedWork(
            f"student {existing.student_id} is excused from {title}; cancel the "
            "excuse first"
        )


def _create(
    session: Session, actor: str, action: str, row: dict[str, Any]
) -> Submission:
    submission = Submission(**row)
    with savepoint(session):
        session.add(submission)
        audit(session, actor, action, submission, before=None)
    return submission


def needs_grading(session: Session, section_id: int) -> list[Submission]:
    """Work handed in to the section and not yet scored, oldest first."""
    return list(
        session.scalars(
            select(Submission)
            .join(Assignment, Assignment.assignment_id == Submission.assignment_id)
            .where(
                Assignment.section_id == section_id,
                Submission.status.in_(HANDED_IN),
                Submission.points_earned.is_(None),
            )
            .order_by(Submission.submitted_date, Submission.submission_id)
        )
    )


def claim(row: dict[str, Any], context: SubmissionContext) -> None:
    """A student has one submission an assignment, also within a batch."""
    key = (row["assignment_id"], row["student_id"])
    if key in context.taken:
        raise Conflict(
            f"student {row['student_id']} already has a submission for "
            f"assignment {row['assignment_id']}"
        )
    context.taken.add(key)


def bulk_record_submissions(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many submissions, scored or not, with the rules of
    `submit`, `record_score` and `excuse` (rows say `status="excused"`)."""
    rows = list(rows)
    context = load_context(session, {row["assignment_id"] for row in rows})
    scored_at = utc_now()

    def validate(row: dict[str, Any]) -> None:
        validate_submission(row, context)
        claim(row, context)
        if row["points_earned"] is not None:
            row["scored_by"] = row["scored_by"] or actor
            row["scored_at"] = row["scored_at"] or scored_at

    n_rows = insert_validated(
        session, Submission, rows, validate, actor, "bulk_record_submissions"
    )
    log.info("recorded %d submissions", n_rows)
    return n_rows
