"""Grading: period marks, final grades, credits, GPA and the transcript.

A mark is posted only for a student on the section roster during the grading
period, and only while the period is open. Letters and grade points come from
the school's grade scale; GPA is the credit-weighted mean of grade points.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.audit import audit, snapshot
from operational.errors import GradingPeriodClosed, InvalidValue, NotFound, NotRostered
from operational.models import (
    Course,
    FinalGrade,
    GradeScaleBand,
    GradingPeriod,
    GraduationRequirement,
    Mark,
    School,
    SchoolYear,
    Section,
    utc_now,
)
from operational.services import approvals
from operational.services._writes import insert_validated, savepoint
from operational.services.enrollment import roster_spans, spans_overlap
from operational.services.records import get

Span = tuple[dt.date, dt.date | None]
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    letter: str
    min_percent: Decimal
    grade_points: Decimal
    is_passing: bool


@dataclass
class GradingContext:
    sections: dict[int, Section]
    courses: dict[int, Course]
    periods: dict[int, GradingPeriod]
    scales: dict[int, list[Band]]  # school -> bands, highest first
    rosters: dict[tuple[int, int], list[Span]] = field(default_factory=dict)


def as_percent(value: Any) -> Decimal:
    try:
        percent = Decimal(str(value)).quantize(HUNDREDTH, ROUND_HALF_UP)
    except ArithmeticError as error:
        raise InvalidValue(f"{value!r} is not a percentage") from error
    if not Decimal(0) <= percent <= Decimal(100):
        raise InvalidValue(f"a mark is a percentage from 0 to 100, not {value}")
    return percent


def band_for(percent: Decimal, bands: list[Band]) -> Band:
    for band in bands:
        if percent >= band.min_percent:
            return band
    raise InvalidValue(f"the grade scale has no letter for {percent}%")


def load_context(session: Session, section_ids: Iterable[int]) -> GradingContext:
    section_ids = set(section_ids)
    sections = {
        s.section_id: s
        for s in session.scalars(
            select(Section).where(Section.section_id.in_(section_ids))
        )
    }
    schools = {s.school_id for s in sections.values()}
    courses = {
        c.course_id: c
        for c in session.scalars(
            select(Course).where(
                Course.course_id.in_({s.course_id for s in sections.values()})
            )
        )
    }
    periods = {
        p.grading_period_id: p
        for p in session.scalars(
            select(GradingPeriod).where(GradingPeriod.school_id.in_(schools))
        )
    }
    scales: dict[int, list[Band]] = defaultdict(list)
    bands = session.execute(
        select(School.school_id, GradeScaleBand)
        .join(GradeScaleBand, GradeScaleBand.grade_scale_id == School.grade_scale_id)
        .where(School.school_id.in_(schools))
        .order_by(School.school_id, GradeScaleBand.min_percent.desc())
    )
    for school_id, band in bands:
        scales[school_id].append(
            Band(band.letter, band.min_percent, band.grade_points, band.is_passing)
        )
    rosters = roster_spans(session, section_ids)
    return GradingContext(sections, courses, periods, scales, rosters)


def validate_mark(
    row: dict[str, Any],
    context: GradingContext,
    *,
    is_approved_late_change: bool = False,
) -> None:
    """Every rule a period mark must meet; fills in percent and letter.

    A closed period takes a mark only as an approved late change."""
    section = _section(row, context)
    period = context.periods.get(row["grading_period_id"])
    if period is None or (period.school_id, period.school_year_id) != (
        section.school_id,
        section.school_year_id,
    ):
        raise NotFound(
            f"grading period {row['grading_period_id']} is not a period of the "
            f"school year of section {section.section_code}"
        )
    if period.is_closed and not is_approved_late_change:
        raise GradingPeriodClosed(
            f"the grading period {period.name} is closed; a change to its marks "
            "needs an approved grade-change request"
        )
    spans = context.rosters.get((section.section_id, row["student_id"]), [])
    if not any(spans_overlap((period.start_date, period.end_date), s) for s in spans):
        raise NotRostered(
            f"student {row['student_id']} was not on the roster of section "
            f"{section.section_code} during {period.name}"
        )
    row["percent"] = as_percent(row["percent"])
    row["letter"] = band_for(row["percent"], context.scales[section.school_id]).letter


def validate_final_grade(row: dict[str, Any], context: GradingContext) -> None:
    """The rules of a final grade; fills in letter, points and credits."""
    section = _section(row, context)
    if not context.rosters.get((section.section_id, row["student_id"])):
        raise NotRostered(
            f"student {row['student_id']} was never on the roster of section "
            f"{section.section_code}"
        )
    row["percent"] = as_percent(row["percent"])
    band = band_for(row["percent"], context.scales[section.school_id])
    credits = context.courses[section.course_id].credits
    row["letter"] = band.letter
    row["grade_points"] = band.grade_points
    row["credits_attempted"] = credits
    row["credits_earned"] = credits if band.is_passing else Decimal(0)


def _section(row: dict[str, Any], context: GradingContext) -> Section:
    section = context.sections.get(row["section_id"])
    if section is None:
        raise NotFound(f"no section with id {row['section_id']}")
    return section


def post_mark(
    session: Session,
    actor: str,
    *,
    student_id: int,
    section_id: int,
    grading_period_id: int,
    percent: Any,
    comment: str | None = None,
    approval_request_id: int | None = None,
) -> Mark:
    """Post, or re-post while the period is open, a student's period mark.

    A closed period's mark changes only with `approval_request_id`: an
    approved grade-change request for exactly this student, section, period
    and percent, which the posting uses up.
    """
    row = {
        "student_id": student_id,
        "section_id": section_id,
        "grading_period_id": grading_period_id,
        "percent": percent,
    }
    approval = None
    if approval_request_id is not None:
        approval = approvals.approved_request(
            session,
            approval_request_id,
            kind="grade_change",
            subject_id=student_id,
            payload=approvals.grade_change_payload(
                section_id, grading_period_id, as_percent(percent)
            ),
        )
    validate_mark(
        row,
        load_context(session, [section_id]),
        is_approved_late_change=approval is not None,
    )
    existing = session.scalars(
        select(Mark).where(
            Mark.student_id == student_id,
            Mark.section_id == section_id,
            Mark.grading_period_id == grading_period_id,
        )
    ).one_or_none()
    with savepoint(session):
        mark = _upsert(session, actor, Mark, existing, {**row, "comment": comment})
        if approval is not None:
            approvals.mark_applied(session, actor, approval, dt.date.today())
    return mark


def post_final_grade(
    session: Session, actor: str, *, student_id: int, section_id: int, percent: Any
) -> FinalGrade:
    """Post the grade of record for a section, with its credits."""
    row = {"student_id": student_id, "section_id": section_id, "percent": percent}
    validate_final_grade(row, load_context(session, [section_id]))
    existing = session.scalars(
        select(FinalGrade).where(
            FinalGrade.student_id == student_id, FinalGrade.section_id == section_id
        )
    ).one_or_none()
    return _upsert(session, actor, FinalGrade, existing, row)


def _upsert(session, actor, model, existing, values):
    with savepoint(session):
        if existing is None:
            record = model(**values, posted_by=actor)
            session.add(record)
            audit(session, actor, f"post_{model.__tablename__}", record, before=None)
            return record
        before = snapshot(existing)
        for name, value in values.items():
            setattr(existing, name, value)
        existing.posted_by = actor
        if isinstance(existing, Mark):
            # posted_at and posted_by describe the same, latest posting.
            existing.posted_at = utc_now()
        audit(session, actor, f"repost_{model.__tablename__}", existing, before)
        return existing


def close_grading_period(
    session: Session, actor: str, grading_period_id: int
) -> GradingPeriod:
    """Close a period: its marks are final from now on."""
    period = get(session, GradingPeriod, grading_period_id)
    if period.is_closed:
        raise InvalidValue(f"the grading period {period.name} is already closed")
    before = snapshot(period)
    with savepoint(session):
        period.is_closed = True
        audit(session, actor, "close_grading_period", period, before=before)
    return period


def bulk_post_marks(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many new period marks, with `post_mark`'s rules."""
    rows = list(rows)
    context = load_context(session, {row["section_id"] for row in rows})

    def validate(row: dict[str, Any]) -> None:
        validate_mark(row, context)
        row["posted_by"] = actor

    return insert_validated(session, Mark, rows, validate, actor, "bulk_post_marks")


def bulk_post_final_grades(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many new final grades, with `post_final_grade`'s rules."""
    rows = list(rows)
    context = load_context(session, {row["section_id"] for row in rows})

    def validate(row: dict[str, Any]) -> None:
        validate_final_grade(row, context)
        row["posted_by"] = actor

    return insert_validated(
        session, FinalGrade, rows, validate, actor, "bulk_post_final_grades"
    )


@dataclass(frozen=True)
class TranscriptLine:
    school_year: str
    course_code: str
    title: str
    subject: str
    letter: str
    percent: Decimal
    credits_attempted: Decimal
    credits_earned: Decimal


@dataclass(frozen=True)
class Transcript:
    student_id: int
    lines: list[TranscriptLine]
    gpa: Decimal | None
    credits_earned: Decimal
    credits_by_subject: dict[str, Decimal]
    credits_missing: dict[str, Decimal]  # subject -> credits still required


def gpa(session: Session, student_id: int, school_year_id: int | None = None):
    """Credit-weighted mean grade points of the final grades, to two places;
    None when no attempted credit exists yet."""
    query = (
        select(FinalGrade.grade_points, FinalGrade.credits_attempted)
        .join(Section, Section.section_id == FinalGrade.section_id)
        .where(FinalGrade.student_id == student_id)
    )
    if school_year_id is not None:
        query = query.where(Section.school_year_id == school_year_id)
    return weighted_gpa(session.execute(query).all())


def weighted_gpa(grades: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    points = credits = Decimal(0)
    for grade_points, attempted in grades:
        points += grade_points * attempted
        credits += attempted
    if credits == 0:
        return None
    return (points / credits).quantize(HUNDREDTH, ROUND_HALF_UP)


def transcript(session: Session, student_id: int) -> Transcript:
    """The student's courses by year, GPA and progress to graduation."""
    rows = session.execute(
        select(FinalGrade, Course, SchoolYear.name)
        .join(Section, Section.section_id == FinalGrade.section_id)
        .join(Course, Course.course_id == Section.course_id)
        .join(SchoolYear, SchoolYear.school_year_id == Section.school_year_id)
        .where(FinalGrade.student_id == student_id)
        .order_by(SchoolYear.start_date, Course.course_code)
    ).all()
    lines = [
        TranscriptLine(
            school_year=year,
            course_code=course.course_code,
            title=course.title,
            subject=course.subject,
            letter=grade.letter,
            percent=grade.percent,
            credits_attempted=grade.credits_attempted,
            credits_earned=grade.credits_earned,
        )
        for grade, course, year in rows
    ]
    by_subject: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        by_subject[line.subject] += line.credits_earned
    missing = {
        requirement.subject: requirement.credits_required
        - by_subject.get(requirement.subject, Decimal(0))
        for requirement in session.scalars(select(GraduationRequirement))
        if by_subject.get(requirement.subject, Decimal(0))
        < requirement.credits_required
    }
    return Transcript(
        student_id=student_id,
        lines=lines,
        gpa=weighted_gpa((g.grade_points, g.credits_attempted) for g, _, _ in rows),
        credits_earned=sum((line.credits_earned for line in lines), Decimal(0)),
        credits_by_subject=dict(by_subject),
        credits_missing=missing,
    )
