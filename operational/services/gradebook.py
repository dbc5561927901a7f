"""The gradebook: each student's running grade in a section, the period mark
it proposes, and the student's progress.

How a grade is computed, as of a date:

- Only published work counts; excused work never does.
- Scored work counts at its score less the late penalty (a percent of the
  score earned, by days late, up to the assignment's largest penalty).
- Work not handed in counts as zero once its due date is before the as-of
  date (work is due by the end of its due date); before that it is not due.
- Work handed in and not yet scored needs grading: it does not count, and a
  grade with such work is incomplete.
- Work counts for a student who was on the roster on its due date, or who
  has a submission for it.
- In each category the `n_drop_lowest` lowest scores (by percent of points
  possible; the earlier due date goes first on a tie) are left out, always
  keeping at least one.
- Category percent = sum of points counted / sum of points possible x 100.
- Running grade = the weighted mean of the category percents, over the
  categories with at least one counted item, their weights re-normalised.
  The weights of all the section's categories must add up to 100.

Percents are rounded to the hundredth (half up) only at the end. The period
mark is the same computation over the work due within the grading period,
capped at 100 (extra credit cannot post a mark above it). It is only a
proposal: the mark of record is posted through
`operational.services.grading.post_mark`, and coursework keeps no copy.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.errors import GradingIncomplete, InvalidValue, NotFound, NotRostered
from operational.models import (
    Assignment,
    ContentUnit,
    GradingCategory,
    GradingPeriod,
    Mark,
    Section,
    Submission,
)
from operational.services import grading
from operational.services._writes import savepoint
from operational.services.assignments import check_weights
from operational.services.coursework import (
    HUNDRED,
    HUNDREDTH,
    Span,
    is_rostered,
)
from operational.services.enrollment import roster_spans, spans_overlap
from operational.services.records import get
from operational.services.submissions import late_penalty_percent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One assignment for one student, as the gradebook counts it."""

    assignment_id: int
    grading_category_id: int
    title: str
    due_date: dt.date
    points_possible: Decimal
    status: str  # on_time, late, missing, excused, needs_grading or not_due
    points_earned: Decimal | None  # as scored, before any late penalty
    late_penalty_percent: Decimal
    points_counted: Decimal | None  # after the penalty; None: not counted
    is_dropped: bool = False

    @property
    def is_counted(self) -> bool:
        return self.points_counted is not None and not self.is_dropped


@dataclass(frozen=True)
class CategoryGrade:
    grading_category_id: int
    name: str
    weight_percent: Decimal
    points_counted: Decimal
    points_possible: Decimal
    percent: Decimal | None  # None: nothing counted yet
    n_counted: int
    n_dropped: int


@dataclass(frozen=True)
class StudentGrade:
    student_id: int
    section_id: int
    percent: Decimal | None  # None: nothing counted yet
    categories: list[CategoryGrade]
    items: list[Item]

    @property
    def n_needs_grading(self) -> int:
        return sum(item.status == "needs_grading" for item in self.items)

    @property
    def is_complete(self) -> bool:
        return self.n_needs_grading == 0


def count_item(
    assignment: Assignment, submission: Submission | None, as_of: dt.date
) -> Item:
    """How one assignment counts for one student as of a date."""
    status, earned, counted = "not_due", None, None
    penalty = Decimal(0)
    if submission is not None and submission.status == "excused":
        status = "excused"
    elif submission is not None and submission.points_earned is not None:
        status, earned = submission.status, submission.points_earned
        penalty = late_penalty_percent(assignment, submission.submitted_date)
        counted = earned * (HUNDRED - penalty) / HUNDRED
    elif submission is not None:
        status = "needs_grading"
    elif assignment.due_date < as_of:
        status, counted = "missing", Decimal(0)
    return Item(
        assignment_id=assignment.assignment_id,
        grading_category_id=assignment.grading_category_id,
        title=assignment.title,
        due_date=assignment.due_date,
        points_possible=assignment.points_possible,
        status=status,
        points_earned=earned,
        late_penalty_percent=penalty,
        points_counted=counted,
    )


def drop_lowest(items: list[Item], n_drop: int) -> list[Item]:
    """The category's items with its lowest counted scores marked dropped."""
    counted = [item for item in items if item.points_counted is not None]
    n_drop = min(n_drop, len(counted) - 1)
    if n_drop <= 0:
        return items
    lowest = sorted(
        counted,
        key=lambda i: (
            i.points_counted / i.points_possible,
            i.due_date,
            i.assignment_id,
        ),
    )[:n_drop]
    dropped = {item.assignment_id for item in lowest}
    return [
        replace(item, is_dropped=True) if item.assignment_id in dropped else item
        for item in items
    ]


def grade_student(
    student_id: int,
    section_id: int,
    categories: list[GradingCategory],
    items: list[Item],
) -> StudentGrade:
    """The running grade from already-counted items, by the module's rules."""
    by_category: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_category[item.grading_category_id].append(item)

    results: list[CategoryGrade] = []
    kept: list[Item] = []
    weighted, weights = Decimal(0), Decimal(0)
    for category in categories:
        category_items = drop_lowest(
            by_category[category.grading_category_id], category.n_drop_lowest
        )
        kept.extend(category_items)
        counted = [item for item in category_items if item.is_counted]
        earned = sum((item.points_counted for item in counted), Decimal(0))
        possible = sum((item.points_possible for item in counted), Decimal(0))
        percent = earned * HUNDRED / possible if counted else None
        if percent is not None:
            weighted += category.weight_percent * percent
            weights += category.weight_percent
        results.append(
            CategoryGrade(
                grading_category_id=category.grading_category_id,
                name=category.name,
                weight_percent=category.weight_percent,
                points_counted=earned,
                points_possible=possible,
                percent=_rounded(percent),
                n_counted=len(counted),
                n_dropped=sum(item.is_dropped for item in category_items),
            )
        )
    grade = weighted / weights if weights else None
    kept.sort(key=lambda item: (item.due_date, item.assignment_id))
    return StudentGrade(student_id, section_id, _rounded(grade), results, kept)


def _rounded(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent.quantize(HUNDREDTH, ROUND_HALF_UP)


def compute_grades(
    session: Session,
    section_id: int,
    *,
    as_of: dt.date,
    period: GradingPeriod | None = None,
) -> dict[int, StudentGrade]:
    """Every rostered student's grade in a section, in one pass over the
    section's rows: over all its work, or the work due within `period`."""
    categories = list(
        session.scalars(
            select(GradingCategory)
            .where(GradingCategory.section_id == section_id)
            .order_by(GradingCategory.grading_category_id)
        )
    )
    check_weights([(c.name, c.weight_percent) for c in categories])
    assignments = _counted_assignments(session, section_id, period)
    submissions: dict[int, dict[int, Submission]] = defaultdict(dict)
    for submission in session.scalars(
        select(Submission).where(
            Submission.assignment_id.in_([a.assignment_id for a in assignments])
        )
    ):
        submissions[submission.student_id][submission.assignment_id] = submission

    window: Span = (
        (period.start_date, period.end_date) if period else (dt.date.min, as_of)
    )
    grades: dict[int, StudentGrade] = {}
    for (_, student_id), spans in roster_spans(session, [section_id]).items():
        if not any(spans_overlap(window, span) for span in spans):
            continue
        handed_in = submissions.get(student_id, {})
        items = [
            count_item(assignment, handed_in.get(assignment.assignment_id), as_of)
            for assignment in assignments
            if assignment.assignment_id in handed_in
            or is_rostered(spans, assignment.due_date)
        ]
        grades[student_id] = grade_student(student_id, section_id, categories, items)
    return grades


def _counted_assignments(
    session: Session, section_id: int, period: GradingPeriod | None
) -> list[Assignment]:
    """Published work of the section outside draft units, due in `period`."""
    query = (
        select(Assignment)
        .outerjoin(
            ContentUnit, ContentUnit.content_unit_id == Assignment.content_unit_id
        )
        .where(
            Assignment.section_id == section_id,
            Assignment.is_published.is_(True),
            ContentUnit.is_published.is_not(False),
        )
        .order_by(Assignment.due_date, Assignment.assignment_id)
    )
    if period is not None:
        query = query.where(
            Assignment.due_date.between(period.start_date, period.end_date)
        )
    return list(session.scalars(query))


def running_grade(
    session: Session, section_id: int, student_id: int, *, as_of: dt.date
) -> StudentGrade:
    """A student's grade in a section so far, as of a date."""
    section = get(session, Section, section_id)
    grade = compute_grades(session, section_id, as_of=as_of).get(student_id)
    if grade is None:
        raise NotRostered(
            f"student {student_id} has not been on the roster of section "
            f"{section.section_code} by {as_of}"
        )
    return grade


@dataclass(frozen=True)
class ProposedMark:
    student_id: int
    section_id: int
    grading_period_id: int
    percent: Decimal | None  # None: nothing counted in the period
    letter: str | None
    grade: StudentGrade

    @property
    def is_ready(self) -> bool:
        return self.percent is not None and self.grade.is_complete


def propose_marks(
    session: Session, section_id: int, grading_period_id: int, *, as_of: dt.date
) -> list[ProposedMark]:
    """The period mark the gradebook proposes for each student on the roster
    during the period, from the work due within it."""
    section = get(session, Section, section_id)
    period = _period_of(session, section, grading_period_id)
    bands = grading.load_context(session, [section_id]).scales[section.school_id]
    proposals = []
    for student_id, grade in sorted(
        compute_grades(session, section_id, as_of=as_of, period=period).items()
    ):
        percent = None
        if grade.percent is not None:
            percent = min(grade.percent, HUNDRED).quantize(HUNDREDTH)
        letter = None if percent is None else grading.band_for(percent, bands).letter
        proposals.append(
            ProposedMark(
                student_id, section_id, grading_period_id, percent, letter, grade
            )
        )
    return proposals


def _period_of(
    session: Session, section: Section, grading_period_id: int
) -> GradingPeriod:
    period = session.get(GradingPeriod, grading_period_id)
    if period is None or (period.school_id, period.school_year_id) != (
        section.school_id,
        section.school_year_id,
    ):
        raise NotFound(
            f"grading period {grading_period_id} is not a period of the school "
            f"year of section {section.section_code}"
        )
    return period


def post_proposed_marks(
    session: Session,
    actor: str,
    *,
    section_id: int,
    grading_period_id: int,
    as_of: dt.date,
    student_ids: list[int] | None = None,
    comment: str | None = None,
) -> list[Mark]:
    """The teacher accepts the proposals and posts them as the marks of
    record through `grading.post_mark` (all of them, or those of
    `student_ids`). Refused while any of that work still needs grading;
    students with nothing counted in the period get no mark."""
    proposals = [
        proposal
        for proposal in propose_marks(
            session, section_id, grading_period_id, as_of=as_of
        )
        if student_ids is None or proposal.student_id in student_ids
    ]
    if student_ids is not None:
        missing = sorted(set(student_ids) - {p.student_id for p in proposals})
        if missing:
            raise NotRostered(
                f"students {', '.join(map(str, missing))} were not on the roster "
                "during the grading period"
            )
    waiting = [p for p in proposals if not p.grade.is_complete]
    if waiting:
        n_items = sum(p.grade.n_needs_grading for p in waiting)
        raise GradingIncomplete(
            f"submissions still waiting for a score: {n_items}, by "
            f"{len(waiting)} students; score them before posting the marks"
        )
    if student_ids is not None and any(p.percent is None for p in proposals):
        raise InvalidValue(
            "no work counts yet in this grading period for some of those "
            "students; there is no mark to propose"
        )

    marks = []
    with savepoint(session):
        for proposal in proposals:
            if proposal.percent is None:
                continue
            marks.append(
                grading.post_mark(
                    session,
                    actor,
                    student_id=proposal.student_id,
                    section_id=section_id,
                    grading_period_id=grading_period_id,
                    percent=proposal.percent,
                    comment=comment,
                )
            )
    log.info("posted %d proposed marks in section %d", len(marks), section_id)
    return marks


@dataclass(frozen=True)
class Progress:
    """Where a student stands in a section: work done (handed in), due (not
    yet due), overdue (past due and not handed in), excused; the average is
    the running grade."""

    student_id: int
    section_id: int
    n_done: int
    n_due: int
    n_overdue: int
    n_excused: int
    n_needs_grading: int
    average: Decimal | None


def progress_of(grade: StudentGrade) -> Progress:
    statuses = [item.status for item in grade.items]
    return Progress(
        student_id=grade.student_id,
        section_id=grade.section_id,
        n_done=sum(s in ("on_time", "late", "needs_grading") for s in statuses),
        n_due=statuses.count("not_due"),
        n_overdue=statuses.count("missing"),
        n_excused=statuses.count("excused"),
        n_needs_grading=statuses.count("needs_grading"),
        average=grade.percent,
    )


def progress(
    session: Session, section_id: int, student_id: int, *, as_of: dt.date
) -> Progress:
    return progress_of(running_grade(session, section_id, student_id, as_of=as_of))


def section_progress(
    session: Session, section_id: int, *, as_of: dt.date
) -> list[Progress]:
    """Every student's progress in the section, by student id."""
    grades = compute_grades(session, section_id, as_of=as_of)
    return [progress_of(grades[student_id]) for student_id in sorted(grades)]
