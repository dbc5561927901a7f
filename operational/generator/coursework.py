"""Coursework of the school year in progress, read off the loaded record.

Every section of the latest school year gets gradebook categories weighted
by its subject, a unit for each grading period that has begun (an overview
page and a link), and per period three homeworks, a quiz of four questions
(one of each kind) and a test. Work due within the next two weeks is
published; later work waits in draft.

Students hand work in less often the more school they miss: each student's
absence rate so far this year (from the generated daily attendance) lowers
the chance of handing in, raises the chance of handing in late, and what is
not handed in is missing; now and then the teacher excuses it. Scores follow
the student's generated mark for the section and period (in a period still
running, the student's marks so far). Work of the last few days is partly
still waiting for the teacher's score, and so are some short answers.

Only the current year gets coursework: an LMS serves the year in progress,
and the marks of past years are already in the record. Everything goes
through the coursework services' bulk paths (architecture rule 1), school by
school, from random streams keyed by the seed, the year and the section.
"""

import datetime as dt
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.generator.sizes import stream
from operational.models import (
    Assignment,
    AttendanceCode,
    CalendarDay,
    ContentUnit,
    Course,
    DailyAttendance,
    Enrollment,
    GradingCategory,
    GradingPeriod,
    Mark,
    SchoolYear,
    Section,
    SectionEnrollment,
)
from operational.services import assignments, coursework, quizzes, submissions
from operational.vocabulary import ABSENCE_CATEGORIES

log = logging.getLogger(__name__)

# Weights (Homework, Quizzes, Tests) by subject; Homework drops its lowest.
WEIGHTS = {
    "mathematics": (30, 20, 50),
    "science": (30, 20, 50),
    "english": (40, 20, 40),
    "social_studies": (40, 20, 40),
    "world_languages": (40, 20, 40),
}
OTHER_WEIGHTS = (50, 20, 30)
CATEGORIES = ("Homework", "Quizzes", "Tests")

TOPICS = {
    "mathematics": ("Number and expressions", "Equations", "Functions", "Data"),
    "english": ("Narrative reading", "Argument writing", "Poetry", "Research"),
    "science": ("Scientific method", "Matter and energy", "Systems", "Investigation"),
    "social_studies": ("Sources and evidence", "Government", "Economies", "Change"),
    "world_languages": (
        "Introductions",
        "Daily routines",
        "Food and culture",
        "Travel",
    ),
    "arts": ("Elements of design", "Technique", "Art in history", "Portfolio"),
    "physical_education": ("Fitness", "Team sports", "Individual pursuits", "Health"),
    "electives": ("Foundations", "Core skills", "Applied project", "Showcase"),
}

MEAN_PERCENT = 79.0  # the generated marks' mean, for students with none yet
PUBLISH_AHEAD = dt.timedelta(days=14)
RECENT = dt.timedelta(days=7)  # work this fresh is often not scored yet
EARLY_SHARE = 0.3  # of those who will hand work in, who do so days early

FEEDBACK = {
    "high": (
        "Excellent work.",
        "Clear and complete, well done.",
        "Great effort; your reasoning is easy to follow.",
    ),
    "middle": (
        "Good work; check the last question again.",
        "Solid, but show every step of your working.",
        "Nearly there: look over the corrections in class.",
    ),
    "low": (
        "Let's go over this together at lunch.",
        "Please see me about the parts you missed.",
        "Come to Thursday's help session and try the practice set.",
    ),
}
SHORT_ANSWERS = (
    "I checked it by working backwards from the answer.",
    "I compared it with the example from class.",
    "I used the notes from this unit and reread the question.",
    "Not sure, I guessed.",
)


@dataclass(frozen=True)
class Period:
    grading_period_id: int
    sequence: int
    name: str
    days: list[dt.date]  # its instructional days


@dataclass(frozen=True)
class Planned:
    """An assignment of the plan, before it has a key."""

    title: str
    kind: str  # homework, quiz or test
    points: int
    due_date: dt.date
    cutoff_days: int
    late_penalty: int
    max_penalty: int | None
    grading_period_id: int


@dataclass
class SchoolRecord:
    """What one school's coursework is generated from."""

    school_id: int
    sections: list[tuple[int, str]]  # section, subject
    periods: list[Period]
    rosters: dict[int, list[tuple[int, dt.date, dt.date | None]]]
    marks: dict[tuple[int, int, int], float]  # student, section, period
    mean_marks: dict[tuple[int, int], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        totals: dict[tuple[int, int], list[float]] = defaultdict(list)
        for (student_id, section_id, _), percent in self.marks.items():
            totals[(student_id, section_id)].append(percent)
        self.mean_marks = {key: sum(v) / len(v) for key, v in totals.items()}


def seed_coursework(
    session: Session, seed: int, as_of: dt.date, actor: str
) -> Counter[str]:
    """Generate the coursework of the year in progress; returns the rows
    written per table."""
    counts: Counter[str] = Counter()
    year = session.scalars(
        select(SchoolYear)
        .where(SchoolYear.start_date <= as_of)
        .order_by(SchoolYear.start_date.desc())
    ).first()
    if year is None:
        return counts
    absence = absence_rates(session, year, as_of)
    school_ids = session.scalars(
        select(Section.school_id)
        .where(Section.school_year_id == year.school_year_id)
        .distinct()
        .order_by(Section.school_id)
    ).all()
    writer = Writer(session, actor, counts)
    for school_id in school_ids:
        record = load_school(session, year, school_id, as_of)
        if record.periods:
            seed_school(writer, record, absence, seed, year, as_of)
    log.info(
        "wrote the coursework of %s: %d assignments, %d submissions",
        year.name,
        counts["assignment"],
        counts["submission"],
    )
    return counts


def absence_rates(
    session: Session, year: SchoolYear, as_of: dt.date
) -> dict[int, float]:
    """Each student's absent days / membership days this year, to `as_of`."""
    last = min(as_of, year.end_date)
    calendars: dict[int, np.ndarray] = defaultdict(lambda: np.array([], "M8[D]"))
    days = session.execute(
        select(CalendarDay.school_id, CalendarDay.calendar_date)
        .where(
            CalendarDay.school_year_id == year.school_year_id,
            CalendarDay.is_instructional.is_(True),
            CalendarDay.calendar_date <= last,
        )
        .order_by(CalendarDay.school_id, CalendarDay.calendar_date)
    ).all()
    by_school: dict[int, list[dt.date]] = defaultdict(list)
    for school_id, day in days:
        by_school[school_id].append(day)
    for school_id, listed in by_school.items():
        calendars[school_id] = np.array(listed, dtype="M8[D]")

    membership: Counter[int] = Counter()
    for student_id, school_id, entry, exit_ in session.execute(
        select(
            Enrollment.student_id,
            Enrollment.school_id,
            Enrollment.entry_date,
            Enrollment.exit_date,
        ).where(Enrollment.school_year_id == year.school_year_id)
    ):
        calendar = calendars[school_id]
        end = min(exit_ or last, last)
        first = np.searchsorted(calendar, np.datetime64(entry, "D"))
        after = np.searchsorted(calendar, np.datetime64(end, "D"), side="right")
        membership[student_id] += max(int(after - first), 0)

    absent = session.execute(
        select(DailyAttendance.student_id, func.count())
        .join(AttendanceCode, AttendanceCode.code == DailyAttendance.code)
        .where(
            AttendanceCode.category.in_(ABSENCE_CATEGORIES),
            DailyAttendance.attendance_date.between(year.start_date, last),
        )
        .group_by(DailyAttendance.student_id)
    ).all()
    missed = {student_id: n_days for student_id, n_days in absent}
    return {
        student_id: min(missed.get(student_id, 0) / n_days, 1.0)
        for student_id, n_days in membership.items()
        if n_days
    }


def load_school(
    session: Session, year: SchoolYear, school_id: int, as_of: dt.date
) -> SchoolRecord:
    sections = session.execute(
        select(Section.section_id, Course.subject)
        .join(Course, Course.course_id == Section.course_id)
        .where(
            Section.school_id == school_id,
            Section.school_year_id == year.school_year_id,
        )
        .order_by(Section.section_id)
    ).all()
    instructional = session.scalars(
        select(CalendarDay.calendar_date)
        .where(
            CalendarDay.school_id == school_id,
            CalendarDay.school_year_id == year.school_year_id,
            CalendarDay.is_instructional.is_(True),
        )
        .order_by(CalendarDay.calendar_date)
    ).all()
    periods = [
        Period(
            period.grading_period_id,
            period.sequence,
            period.name,
            [d for d in instructional if period.start_date <= d <= period.end_date],
        )
        for period in session.scalars(
            select(GradingPeriod)
            .where(
                GradingPeriod.school_id == school_id,
                GradingPeriod.school_year_id == year.school_year_id,
                GradingPeriod.start_date <= as_of,
            )
            .order_by(GradingPeriod.sequence)
        )
    ]
    section_ids = [section_id for section_id, _ in sections]
    rosters: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for section_id, student_id, entry, exit_ in session.execute(
        select(
            SectionEnrollment.section_id,
            SectionEnrollment.student_id,
            SectionEnrollment.entry_date,
            SectionEnrollment.exit_date,
        )
        .where(SectionEnrollment.section_id.in_(section_ids))
        .order_by(SectionEnrollment.section_enrollment_id)
    ):
        rosters[section_id].append((student_id, entry, exit_))
    marks = {
        (student_id, section_id, period_id): float(percent)
        for student_id, section_id, period_id, percent in session.execute(
            select(
                Mark.student_id, Mark.section_id, Mark.grading_period_id, Mark.percent
            ).where(Mark.section_id.in_(section_ids))
        )
    }
    return SchoolRecord(
        school_id,
        [tuple(s) for s in sections],
        [p for p in periods if p.days],
        rosters,
        marks,
    )


def plan_work(period: Period, rng: np.random.Generator) -> list[Planned]:
    """Three homeworks, a quiz and a test, spread over the period's days:
    homework loses 10% a day late (at most half) and closes a week after it
    is due, a quiz 20% a day (at most 40%) two days after, and a test takes
    make-ups without penalty for two weeks."""
    days, q = period.days, period.sequence

    def day_at(share: float) -> dt.date:
        jitter = int(rng.integers(-1, 2))
        return days[min(max(int(share * len(days)) + jitter, 0), len(days) - 1)]

    def planned(title, kind, points, due, cutoff_days, penalty, cap) -> Planned:
        return Planned(
            title=title,
            kind=kind,
            points=points,
            due_date=due,
            cutoff_days=cutoff_days,
            late_penalty=penalty,
            max_penalty=cap,
            grading_period_id=period.grading_period_id,
        )

    return [
        *(
            planned(f"Homework {q}.{n}", "homework", 10, day_at(share), 7, 10, 50)
            for n, share in enumerate((0.2, 0.45, 0.7), start=1)
        ),
        planned(f"Quiz {q}", "quiz", 10, day_at(0.35), 2, 20, 40),
        planned(f"Test {q}", "test", 50, days[max(len(days) - 3, 0)], 14, 0, None),
    ]


@dataclass
class Writer:
    """Hands rows to the services' bulk paths and counts what each wrote."""

    session: Session
    actor: str
    counts: Counter[str]

    def through(self, service, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.counts[table] += service(self.session, rows, self.actor)


@dataclass(frozen=True)
class Seat:
    """A student's place on a roster and how much school they miss."""

    student_id: int
    entry_date: dt.date
    exit_date: dt.date | None
    absence_rate: float

    def holds(self, day: dt.date) -> bool:
        return self.entry_date <= day <= (self.exit_date or dt.date.max)


def seed_school(
    writer: Writer,
    record: SchoolRecord,
    absence: dict[int, float],
    seed: int,
    year: SchoolYear,
    as_of: dt.date,
) -> None:
    section_ids = [section_id for section_id, _ in record.sections]
    rngs = {
        section_id: stream(seed, "coursework", year.school_year_id, section_id)
        for section_id in section_ids
    }
    plans = {
        section_id: [
            (period, work)
            for period in record.periods
            for work in plan_work(period, rngs[section_id])
        ]
        for section_id in section_ids
    }

    categories = write_categories(writer, record)
    units = write_units(writer, record)
    keys = write_assignments(writer, record, plans, categories, units, as_of)
    quiz_keys = write_quizzes(writer, record, plans, keys, as_of)

    work_rows: list[dict[str, Any]] = []
    attempt_rows: list[dict[str, Any]] = []
    for section_id in section_ids:
        seats = [
            Seat(student_id, entry, exit_, absence.get(student_id, 0.0))
            for student_id, entry, exit_ in record.rosters[section_id]
        ]
        for period, work in plans[section_id]:
            if work.due_date > as_of + PUBLISH_AHEAD:
                continue
            assignment_id = keys[(section_id, work.title)]
            for seat in seats:
                if not seat.holds(work.due_date):
                    continue
                row = student_work(
                    rngs[section_id],
                    work,
                    assignment_id,
                    seat,
                    target_percent(record, seat.student_id, section_id, period),
                    as_of,
                    quiz_keys.get(assignment_id),
                )
                # An excused quiz is excused work, not an attempt.
                if row is not None and "answers" in row:
                    attempt_rows.append(row)
                elif row is not None:
                    work_rows.append(row)
    writer.through(submissions.bulk_record_submissions, "submission", work_rows)
    writer.through(quizzes.bulk_submit_quizzes, "submission", attempt_rows)


def write_categories(writer: Writer, record: SchoolRecord) -> dict[tuple, int]:
    rows = [
        {
            "section_id": section_id,
            "name": name,
            "weight_percent": weight,
            "n_drop_lowest": 1 if name == "Homework" else 0,
        }
        for section_id, subject in record.sections
        for name, weight in zip(
            CATEGORIES, WEIGHTS.get(subject, OTHER_WEIGHTS), strict=True
        )
    ]
    writer.through(assignments.bulk_add_categories, "grading_category", rows)
    return _keys(
        writer.session,
        GradingCategory.grading_category_id,
        GradingCategory.section_id,
        GradingCategory.name,
        record,
    )


def write_units(writer: Writer, record: SchoolRecord) -> dict[tuple, int]:
    """A published unit for each period begun, with an overview and a link."""
    subjects = dict(record.sections)
    writer.through(
        coursework.bulk_add_units,
        "content_unit",
        [
            {
                "section_id": section_id,
                "title": f"{period.name}: {topic(subject, period.sequence)}",
                "position": period.sequence,
                "summary": f"What we cover in {period.name.lower()}.",
                "is_published": True,
            }
            for section_id, subject in record.sections
            for period in record.periods
        ],
    )
    units = _keys(
        writer.session,
        ContentUnit.content_unit_id,
        ContentUnit.section_id,
        ContentUnit.position,
        record,
    )
    items = []
    for (section_id, position), unit_id in sorted(units.items()):
        subject = subjects[section_id]
        items.append(
            {
                "content_unit_id": unit_id,
                "kind": "text",
                "title": "Overview",
                "position": 1,
                "body": f"This unit is about {topic(subject, position).lower()}. "
                "Read the overview before class and bring your questions.",
                "is_published": True,
            }
        )
        items.append(
            {
                "content_unit_id": unit_id,
                "kind": "link",
                "title": "Unit resources",
                "position": 2,
                "url": f"https://learn.example.org/{subject}/unit-{position}",
                "is_published": True,
            }
        )
    writer.through(coursework.bulk_add_items, "content_item", items)
    return units


def topic(subject: str, sequence: int) -> str:
    return TOPICS[subject][(sequence - 1) % len(TOPICS[subject])]


def write_assignments(
    writer: Writer,
    record: SchoolRecord,
    plans: dict[int, list[tuple[Period, Planned]]],
    categories: dict[tuple, int],
    units: dict[tuple, int],
    as_of: dt.date,
) -> dict[tuple, int]:
    """The planned work; quizzes stay drafts until their questions are in."""
    category_of = {"homework": "Homework", "quiz": "Quizzes", "test": "Tests"}
    rows = [
        {
            "section_id": section_id,
            "grading_category_id": categories[(section_id, category_of[work.kind])],
            "content_unit_id": units[(section_id, period.sequence)],
            "title": work.title,
            "is_quiz": work.kind == "quiz",
            "points_possible": work.points,
            "due_date": work.due_date,
            "cutoff_date": work.due_date + dt.timedelta(days=work.cutoff_days),
            "late_penalty_percent_per_day": work.late_penalty,
            "max_late_penalty_percent": work.max_penalty,
            "is_published": work.kind != "quiz"
            and work.due_date <= as_of + PUBLISH_AHEAD,
        }
        for section_id, _ in record.sections
        for period, work in plans[section_id]
    ]
    writer.through(assignments.bulk_add_assignments, "assignment", rows)
    return _keys(
        writer.session,
        Assignment.assignment_id,
        Assignment.section_id,
        Assignment.title,
        record,
    )


def write_quizzes(
    writer: Writer,
    record: SchoolRecord,
    plans: dict[int, list[tuple[Period, Planned]]],
    keys: dict[tuple, int],
    as_of: dt.date,
) -> dict[int, quizzes.QuizKey]:
    """Four questions a quiz, one of each kind, then publish the quizzes due
    within two weeks; returns the answer keys of the published ones."""
    rows: list[dict[str, Any]] = []
    due_soon: list[int] = []
    for section_id, subject in record.sections:
        for _, work in plans[section_id]:
            if work.kind != "quiz":
                continue
            quiz_id = keys[(section_id, work.title)]
            rows.extend(quiz_questions(quiz_id, subject))
            if work.due_date <= as_of + PUBLISH_AHEAD:
                due_soon.append(quiz_id)
    writer.through(quizzes.bulk_add_questions, "quiz_question", rows)
    if due_soon:
        assignments.bulk_publish_assignments(writer.session, due_soon, writer.actor)
    return quizzes.load_keys(writer.session, due_soon)


def quiz_questions(quiz_id: int, subject: str) -> list[dict[str, Any]]:
    """Single choice 2, multiple choice 3, numeric 2 and short text 3 points;
    the numbers in them vary from quiz to quiz."""
    a, b, x, m = 3 + quiz_id % 7, 4 + quiz_id % 5, 2 + quiz_id % 9, 2 + quiz_id % 4
    if subject in ("mathematics", "science"):
        single = (f"What is {a} x {b}?", [a * b, a * b + a, a * b - b, a + b])
        numeric = f"Solve {m}x + 3 = {m * x + 3}. What is x?"
    else:
        single = (
            "Which of these is a primary source?",
            ["A diary written at the time", "A textbook chapter", "A film review"],
        )
        numeric = f"A unit has {x + 6} lessons and you have done 6. How many are left?"
    numbers = [2 * a, 2 * b + 1, 2 * b, 2 * a + 1]
    question = {"assignment_id": quiz_id}
    return [
        question
        | {
            "position": 1,
            "kind": "single_choice",
            "prompt": single[0],
            "points": 2,
            "choices": [(str(c), n == 0) for n, c in enumerate(single[1])],
        },
        question
        | {
            "position": 2,
            "kind": "multiple_choice",
            "prompt": "Which of these numbers are even?",
            "points": 3,
            "choices": [(str(n), n % 2 == 0) for n in numbers],
        },
        question
        | {
            "position": 3,
            "kind": "numeric",
            "prompt": numeric,
            "points": 2,
            "correct_number": x,
        },
        question
        | {
            "position": 4,
            "kind": "short_text",
            "prompt": "In a sentence or two, explain how you checked your answers.",
            "points": 3,
        },
    ]


def target_percent(
    record: SchoolRecord, student_id: int, section_id: int, period: Period
) -> float:
    """The student's mark for the period, else their marks so far."""
    mark = record.marks.get((student_id, section_id, period.grading_period_id))
    if mark is not None:
        return mark
    return record.mean_marks.get((student_id, section_id), MEAN_PERCENT)


def pick(options, u: float):
    """The option a uniform draw in [0, 1) lands on."""
    return options[int(u * len(options))]


def student_work(
    rng: np.random.Generator,
    work: Planned,
    assignment_id: int,
    seat: Seat,
    target: float,
    as_of: dt.date,
    key: quizzes.QuizKey | None,
) -> dict[str, Any] | None:
    """One student's submission row for one assignment; None while there is
    nothing to record (not handed in, or not yet)."""
    p_hand_in = min(max(0.97 - 2.2 * seat.absence_rate, 0.35), 0.98)
    p_late = 0.06 + 1.5 * seat.absence_rate
    u = rng.random(7)
    row: dict[str, Any] = {
        "assignment_id": assignment_id,
        "student_id": seat.student_id,
    }
    if u[0] >= p_hand_in:
        if work.due_date < as_of and u[1] < 0.1:
            return row | {"status": "excused"}
        return None

    if work.due_date > as_of:
        # Work not yet due: some hand it in early; it waits for the due date
        # to be scored.
        if u[1] >= EARLY_SHARE:
            return None
        day = as_of - dt.timedelta(days=pick((0, 1, 2, 3), u[2]))
    elif u[1] < p_late:
        days_late = 1 + int(u[2] * work.cutoff_days)
        day = work.due_date + dt.timedelta(days=days_late)
    else:
        day = work.due_date - dt.timedelta(days=pick((0, 0, 0, 1, 1, 2), u[2]))
    day = max(day, seat.entry_date)
    if day > as_of or not seat.holds(day):
        return None
    row["submitted_date"] = day

    is_due = work.due_date <= as_of
    is_scored = is_due and (day < as_of - RECENT or u[3] < 0.4)
    if key is not None:
        skill = min(target / p_hand_in, 97) / 100
        row["answers"], short_answer = quiz_answers(rng, key, skill)
        if is_scored and short_answer is not None:
            share = min(max(skill + rng.normal(0, 0.15), 0), 1)
            row["teacher_scores"] = {short_answer: round(share * 6) / 2}
        return row
    if not is_scored:
        return row
    # Work not handed in counts zero, so the work that is handed in scores
    # above the mark for the gradebook to land near it.
    percent = min(max(rng.normal(min(target / p_hand_in, 97), 8), 0), 100)
    row["points_earned"] = round(percent * work.points / 100)
    if u[4] < 0.35:
        band = "high" if percent >= 90 else "middle" if percent >= 70 else "low"
        row["feedback"] = pick(FEEDBACK[band], u[5])
    return row


def quiz_answers(
    rng: np.random.Generator, key: quizzes.QuizKey, skill: float
) -> tuple[dict[int, Any], int | None]:
    """Answers right about `skill` of the time, and the question of the
    short answer given (None when left blank)."""
    skill = min(max(skill + rng.normal(0, 0.08), 0.05), 0.98)
    answers: dict[int, Any] = {}
    short_answer = None
    for question in key.questions:
        question_id = question.quiz_question_id
        choices = key.choices.get(question_id, {})
        right = sorted(c for c, is_right in choices.items() if is_right)
        wrong = sorted(c for c, is_right in choices.items() if not is_right)
        u = rng.random(len(choices) + 2)
        if question.kind == "single_choice":
            answers[question_id] = right[0] if u[0] < skill else pick(wrong, u[1])
        elif question.kind == "multiple_choice":
            answers[question_id] = [
                choice
                for choice, draw in zip(right + wrong, u, strict=False)
                if draw < (skill if choice in right else (1 - skill) / 2)
            ]
        elif question.kind == "numeric":
            off = 0 if u[0] < skill else pick((-2, -1, 1, 2), u[1])
            answers[question_id] = question.correct_number + off
        elif u[0] < 0.95:
            answers[question_id] = pick(SHORT_ANSWERS, u[1])
            short_answer = question_id
    return answers, short_answer


def _keys(session: Session, key, section, name, record: SchoolRecord) -> dict:
    """(section, name) -> key of the rows just written for the school."""
    section_ids = [section_id for section_id, _ in record.sections]
    return {
        (section_id, value): row_key
        for row_key, section_id, value in session.execute(
            select(key, section, name).where(section.in_(section_ids))
        )
    }
