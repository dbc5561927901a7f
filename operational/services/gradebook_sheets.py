"""What the gradebook page reads and saves, student by student.

A score sheet is an assignment's list of the students it counts for (on the
section roster on its due date, or with a submission), with what each one
handed in. Saving a sheet scores, excuses or un-excuses every changed line
through `operational.services.submissions`, all or none: one refused line
leaves the whole sheet unwritten, and its message names the student.

The grade and mark tables are `operational.services.gradebook`'s numbers
with the students' names, and the late grade-change requests of a section
are read from the approval requests their payload ties to it.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.errors import ExcusedWork, InvalidValue, NotFound, QuadError
from operational.models import (
    ApprovalRequest,
    Assignment,
    ContentUnit,
    GradingCategory,
    GradingPeriod,
    Mark,
    Section,
    Student,
    Submission,
)
from operational.services import gradebook, submissions
from operational.services._writes import savepoint
from operational.services.coursework import is_rostered
from operational.services.enrollment import roster_spans
from operational.services.records import get

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AssignmentChoice:
    assignment_id: int
    title: str
    category: str
    due_date: dt.date
    points_possible: Decimal
    cutoff_date: dt.date | None


@dataclass(frozen=True)
class SheetLine:
    """One student's line of a score sheet, as recorded so far."""

    student_id: int
    student_number: str
    name: str
    status: str | None  # the submission's status; None: nothing recorded
    submitted_date: dt.date | None
    points_earned: Decimal | None
    feedback: str | None
    version: str  # changes with every write to the line's submission

    @property
    def is_excused(self) -> bool:
        return self.status == "excused"


@dataclass(frozen=True)
class ScoreEntry:
    """What the teacher typed on a line: points and feedback exactly as typed
    (empty points: no score), the day paper work came in, and the excuse."""

    student_id: int
    points: str
    feedback: str = ""
    submitted_date: dt.date | None = None
    is_excused: bool = False


@dataclass(frozen=True)
class SheetSaved:
    n_scored: int
    n_excused: int
    n_unexcused: int


def full_name(student: Student) -> str:
    return f"{student.last_name}, {student.first_name}"


def scoreable_assignments(session: Session, section_id: int) -> list[AssignmentChoice]:
    """The section's published work that a teacher scores by hand: quizzes are
    scored through their answers, and drafts take no work yet."""
    rows = session.execute(
        select(Assignment, GradingCategory.name)
        .join(
            GradingCategory,
            GradingCategory.grading_category_id == Assignment.grading_category_id,
        )
        .outerjoin(
            ContentUnit, ContentUnit.content_unit_id == Assignment.content_unit_id
        )
        .where(
            Assignment.section_id == section_id,
            Assignment.is_published.is_(True),
            Assignment.is_quiz.is_(False),
            ContentUnit.is_published.is_not(False),
        )
        .order_by(Assignment.due_date, Assignment.assignment_id)
    )
    return [
        AssignmentChoice(
            assignment.assignment_id,
            assignment.title,
            category,
            assignment.due_date,
            assignment.points_possible,
            assignment.cutoff_date,
        )
        for assignment, category in rows
    ]


def assignment_of_section(
    session: Session, section_id: int, assignment_id: int
) -> Assignment:
    """The assignment, refused unless it belongs to the section."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.section_id != section_id:
        section = get(session, Section, section_id)
        raise NotFound(
            f"section {section.section_code} has no assignment with id {assignment_id}"
        )
    return assignment


def score_sheet(session: Session, assignment_id: int) -> list[SheetLine]:
    """The students an assignment counts for, by name, with their work."""
    assignment = get(session, Assignment, assignment_id)
    handed_in = {
        submission.student_id: submission
        for submission in session.scalars(
            select(Submission).where(Submission.assignment_id == assignment_id)
        )
    }
    spans = roster_spans(session, [assignment.section_id])
    student_ids = set(handed_in) | {
        student_id
        for (_, student_id), student_spans in spans.items()
        if is_rostered(student_spans, assignment.due_date)
    }
    students = session.scalars(
        select(Student)
        .where(Student.student_id.in_(student_ids))
        .order_by(Student.last_name, Student.first_name, Student.student_id)
    )
    return [_line(student, handed_in.get(student.student_id)) for student in students]


def _line(student: Student, submission: Submission | None) -> SheetLine:
    if submission is None:
        return SheetLine(
            student.student_id,
            student.student_number,
            full_name(student),
            None,
            None,
            None,
            None,
            "none",
        )
    return SheetLine(
        student.student_id,
        student.student_number,
        full_name(student),
        submission.status,
        submission.submitted_date,
        submission.points_earned,
        submission.feedback,
        f"{submission.submission_id}-{submission.updated_at.isoformat()}",
    )


def save_score_sheet(
    session: Session,
    actor: str,
    *,
    assignment_id: int,
    entries: Iterable[ScoreEntry],
) -> SheetSaved:
    """Save what changed on a score sheet, all or none.

    A line whose points and feedback are as recorded is left alone. Ticking
    the excuse excuses the work; clearing it cancels the excuse. A recorded
    score cannot be emptied here, and feedback needs a score with it.
    """
    lines = {line.student_id: line for line in score_sheet(session, assignment_id)}
    scored = excused = unexcused = 0
    with savepoint(session):
        for entry in entries:
            line = lines.get(entry.student_id)
            if line is None:
                raise NotFound(
                    f"student {entry.student_id} is not on this assignment's sheet"
                )
            try:
                outcome = _save_line(session, actor, assignment_id, line, entry)
            except QuadError as error:
                # The service's message, with the line it is about.
                raise type(error)(f"{line.name}: {error.message}") from error
            scored += outcome == "scored"
            excused += outcome == "excused"
            unexcused += outcome == "unexcused"
    log.info(
        "score sheet of assignment %d: %d scored, %d excused, %d unexcused",
        assignment_id,
        scored,
        excused,
        unexcused,
    )
    return SheetSaved(scored, excused, unexcused)


def _save_line(
    session: Session,
    actor: str,
    assignment_id: int,
    line: SheetLine,
    entry: ScoreEntry,
) -> str | None:
    points = entry.points.strip()
    feedback = entry.feedback if entry.feedback.strip() else None
    ids = {"assignment_id": assignment_id, "student_id": line.student_id}

    if entry.is_excused and not line.is_excused:
        if points and not _same_points(points, line.points_earned):
            raise ExcusedWork(
                "excused work carries no score; clear the points or the excuse"
            )
        submissions.excuse(session, actor, **ids)
        return "excused"
    outcome = None
    if line.is_excused and not entry.is_excused:
        submissions.cancel_excuse(session, actor, **ids)
        outcome = "unexcused"

    still_excused = line.is_excused and entry.is_excused
    if not points:
        if line.points_earned is not None and not still_excused:
            raise InvalidValue(
                f"the score of {line.points_earned} cannot be emptied; type a "
                "score, or excuse the work"
            )
        if feedback != line.feedback:
            raise InvalidValue("feedback goes with a score: type the points too")
        return outcome
    if _same_points(points, line.points_earned) and feedback == line.feedback:
        return outcome
    submissions.record_score(
        session,
        actor,
        **ids,
        points_earned=points,
        feedback=feedback,
        # A day handed in is asked only for work with nothing recorded yet.
        submitted_date=entry.submitted_date if line.status is None else None,
    )
    return "scored"


def _same_points(typed: str, recorded: Decimal | None) -> bool:
    if recorded is None:
        return False
    try:
        return Decimal(typed) == recorded
    except InvalidOperation:
        return False


@dataclass(frozen=True)
class GradeRow:
    student_id: int
    student_number: str
    name: str
    percent: Decimal | None
    categories: dict[str, Decimal | None]  # category name -> percent
    progress: gradebook.Progress


def grade_table(session: Session, section_id: int, *, as_of: dt.date) -> list[GradeRow]:
    """Every rostered student's running grade and progress, by name."""
    grades = gradebook.compute_grades(session, section_id, as_of=as_of)
    return [
        GradeRow(
            student.student_id,
            student.student_number,
            full_name(student),
            grades[student.student_id].percent,
            {
                category.name: category.percent
                for category in grades[student.student_id].categories
            },
            gradebook.progress_of(grades[student.student_id]),
        )
        for student in _students(session, grades)
    ]


@dataclass(frozen=True)
class ProposalRow:
    student_id: int
    student_number: str
    name: str
    percent: Decimal | None  # None: nothing counted in the period
    letter: str | None
    n_needs_grading: int
    posted_percent: Decimal | None  # the mark of record, if any
    posted_letter: str | None


def grading_periods(session: Session, section_id: int) -> list[GradingPeriod]:
    """The grading periods of the section's school year, in order."""
    section = get(session, Section, section_id)
    return list(
        session.scalars(
            select(GradingPeriod)
            .where(
                GradingPeriod.school_id == section.school_id,
                GradingPeriod.school_year_id == section.school_year_id,
            )
            .order_by(GradingPeriod.sequence, GradingPeriod.start_date)
        )
    )


def proposal_table(
    session: Session, section_id: int, grading_period_id: int, *, as_of: dt.date
) -> list[ProposalRow]:
    """The marks the gradebook proposes for a period, beside those posted."""
    proposals = {
        proposal.student_id: proposal
        for proposal in gradebook.propose_marks(
            session, section_id, grading_period_id, as_of=as_of
        )
    }
    posted = {
        mark.student_id: mark
        for mark in session.scalars(
            select(Mark).where(
                Mark.section_id == section_id,
                Mark.grading_period_id == grading_period_id,
            )
        )
    }
    rows = []
    for student in _students(session, proposals):
        proposal, mark = proposals[student.student_id], posted.get(student.student_id)
        rows.append(
            ProposalRow(
                student.student_id,
                student.student_number,
                full_name(student),
                proposal.percent,
                proposal.letter,
                proposal.grade.n_needs_grading,
                None if mark is None else mark.percent,
                None if mark is None else mark.letter,
            )
        )
    return rows


@dataclass(frozen=True)
class GradeChangeRow:
    approval_request_id: int
    student_id: int
    name: str
    percent: Decimal
    previous_percent: Decimal | None
    status: str
    reason: str
    requested_date: dt.date
    decision_reason: str | None


def grade_change_requests(
    session: Session, section_id: int, grading_period_id: int
) -> list[GradeChangeRow]:
    """The grade-change requests for a section's marks in a period, newest
    first, whatever their status."""
    section = get(session, Section, section_id)
    candidates = session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.kind == "grade_change",
            ApprovalRequest.school_id == section.school_id,
        )
        .order_by(ApprovalRequest.approval_request_id.desc())
    )
    requests = [
        request
        for request in candidates
        if request.payload.get("section_id") == section_id
        and request.payload.get("grading_period_id") == grading_period_id
    ]
    names = {
        student.student_id: full_name(student)
        for student in session.scalars(
            select(Student).where(
                Student.student_id.in_({r.subject_id for r in requests})
            )
        )
    }
    return [
        GradeChangeRow(
            request.approval_request_id,
            request.subject_id,
            names[request.subject_id],
            Decimal(request.payload["percent"]),
            _decimal_or_none(request.payload.get("previous_percent")),
            request.status,
            request.reason,
            request.requested_date,
            request.decision_reason,
        )
        for request in requests
    ]


def grade_change_request_of_section(
    session: Session, section_id: int, approval_request_id: int
) -> ApprovalRequest:
    """The grade-change request, refused unless it is about the section."""
    request = session.get(ApprovalRequest, approval_request_id)
    if (
        request is None
        or request.kind != "grade_change"
        or request.payload.get("section_id") != section_id
    ):
        raise NotFound(
            f"no grade-change request {approval_request_id} for this section"
        )
    return request


def _decimal_or_none(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _students(session: Session, student_ids: Iterable[int]) -> list[Student]:
    return list(
        session.scalars(
            select(Student)
            .where(Student.student_id.in_(set(student_ids)))
            .order_by(Student.last_name, Student.first_name, Student.student_id)
        )
    )
