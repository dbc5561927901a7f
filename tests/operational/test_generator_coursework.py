"""The generated coursework: a gradebook the services accept, hand-in rates
that fall with attendance, and scores that follow the generated marks.

The tiny district (one high school), seed 42, as of Friday March 13 2026,
in the third quarter of 2025-2026.
"""

import datetime as dt
from collections import defaultdict

import numpy as np
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from operational.db import session_scope
from operational.generator.coursework import absence_rates
from operational.generator.load import seed_district
from operational.generator.sizes import SIZES
from operational.models import (
    Assignment,
    GradingCategory,
    Mark,
    SchoolYear,
    Section,
    Submission,
)
from operational.services import gradebook
from tests.support.databases import migrated_database

AS_OF = dt.date(2026, 3, 13)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def seeded(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"coursework-{request.param}")
    with migrated_database(request.param, directory) as engine:
        with session_scope(engine) as session:
            seed_district(session, SIZES["tiny"], 42, AS_OF)
        with Session(engine) as session:
            yield session


def current_year(session) -> SchoolYear:
    return session.scalars(
        select(SchoolYear)
        .where(SchoolYear.start_date <= AS_OF)
        .order_by(SchoolYear.start_date.desc())
    ).first()


def current_sections(session) -> list[int]:
    year_id = current_year(session).school_year_id
    return list(
        session.scalars(
            select(Section.section_id).where(Section.school_year_id == year_id)
        )
    )


def test_every_section_of_the_year_has_a_gradebook_that_adds_up(seeded):
    sections = current_sections(seeded)
    weights = dict(
        seeded.execute(
            select(
                GradingCategory.section_id, func.sum(GradingCategory.weight_percent)
            ).group_by(GradingCategory.section_id)
        ).all()
    )

    assert sections
    assert {weights.get(section_id) for section_id in sections} == {100}


def test_work_due_soon_is_published_and_later_work_is_a_draft(seeded):
    rows = seeded.execute(select(Assignment.due_date, Assignment.is_published)).all()
    two_weeks = AS_OF + dt.timedelta(days=14)

    assert rows
    assert all(is_published == (due <= two_weeks) for due, is_published in rows)


def test_every_status_of_the_story_occurs(seeded):
    statuses = dict(
        seeded.execute(
            select(Submission.status, func.count()).group_by(Submission.status)
        ).all()
    )
    n_waiting = seeded.scalar(
        select(func.count()).where(
            Submission.status.in_(("on_time", "late")),
            Submission.points_earned.is_(None),
        )
    )

    assert set(statuses) >= {"on_time", "late", "excused"}
    assert n_waiting > 0


@pytest.fixture(scope="module")
def grades(seeded):
    """(student, section) -> the gradebook's grade, for every section."""
    return {
        (student_id, section_id): grade
        for section_id in current_sections(seeded)
        for student_id, grade in gradebook.compute_grades(
            seeded, section_id, as_of=AS_OF
        ).items()
    }


def test_students_who_miss_more_school_hand_in_less(seeded, grades):
    rates = absence_rates(seeded, current_year(seeded), AS_OF)
    handed_in: dict[bool, list[float]] = defaultdict(list)
    for (student_id, _), grade in grades.items():
        progress = gradebook.progress_of(grade)
        owed = progress.n_done + progress.n_overdue
        if owed:
            handed_in[rates.get(student_id, 0) >= 0.10].append(progress.n_done / owed)

    # Students absent on 10% or more of their days hand in less of the work.
    assert np.mean(handed_in[True]) < np.mean(handed_in[False]) - 0.1


def test_scores_follow_the_generated_marks(seeded, grades):
    marks: dict[tuple[int, int], list[float]] = defaultdict(list)
    for student_id, section_id, percent in seeded.execute(
        select(Mark.student_id, Mark.section_id, Mark.percent)
    ):
        marks[(student_id, section_id)].append(float(percent))
    pairs = np.array(
        [
            (np.mean(marks[key]), float(grade.percent))
            for key, grade in grades.items()
            if key in marks and grade.percent is not None
        ]
    )

    assert len(pairs) > 100
    assert np.corrcoef(pairs.T)[0, 1] > 0.4
    assert abs(pairs[:, 0].mean() - pairs[:, 1].mean()) < 10


def test_the_generated_rows_pass_the_database_rules_again(seeded):
    # Every quiz attempt's score is the sum of its answers, once none waits.
    mismatches = seeded.execute(
        text(
            "select s.submission_id from submission s "
            "join quiz_answer a on a.submission_id = s.submission_id "
            "where s.points_earned is not null "
            "group by s.submission_id, s.points_earned "
            "having sum(a.points_earned) <> s.points_earned"
        )
    ).all()
    assert mismatches == []
