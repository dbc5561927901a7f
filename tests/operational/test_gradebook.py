"""The gradebook: running grades checked against grades worked out by hand,
the proposed period mark posted as the mark of record, and progress.

The classroom weighs Homework 30%, Quizzes 20%, Tests 50%; Homework drops its
lowest score. The work of September 2025 (points possible, due date):

  HW1 10 Wed Sep 3     HW3 10 Fri Sep 5, 10% off a day late, at most 15%
  HW2 10 Thu Sep 4     HW4 10 Tue Sep 9
  Q1  20 Wed Sep 10    T1  50 Thu Sep 11    T2 50 Wed Sep 24

Grading period P1 (Sep 1-12) is closed, P2 (Sep 15-26) is open.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from operational.errors import (
    GradingIncomplete,
    GradingPeriodClosed,
    InvalidValue,
    NotFound,
    NotRostered,
    WeightsDoNotSum,
)
from operational.models import (
    Assignment,
    AuditLog,
    GradingPeriod,
    Mark,
    Submission,
)
from operational.services import (
    assignments,
    coursework,
    gradebook,
    records,
    submissions,
)
from operational.services.gradebook import Item
from tests.support.coursework import TEACHER, build_classroom
from tests.support.school import ACTOR
from tests.support.writes import refused

SEP = {day: dt.date(2025, 9, day) for day in range(1, 31)}
AS_OF = SEP[15]


@pytest.fixture
def classroom(school_session, school):
    return build_classroom(school_session, school, drops=(1, 0, 0))


@pytest.fixture
def work(school_session, classroom):
    """The September work of the module docstring, by name."""
    hw, quizzes, tests = classroom.homework, classroom.quizzes, classroom.tests
    plan = {
        "HW1": (hw, SEP[3], 10, {}),
        "HW2": (hw, SEP[4], 10, {}),
        "HW3": (
            hw,
            SEP[5],
            10,
            {"late_penalty_percent_per_day": 10, "max_late_penalty_percent": 15},
        ),
        "HW4": (hw, SEP[9], 10, {}),
        "Q1": (quizzes, SEP[10], 20, {}),
        "T1": (tests, SEP[11], 50, {}),
        "T2": (tests, SEP[24], 50, {}),
    }
    return {
        name: classroom.assignment(
            school_session, category, due, points, title=name, **values
        )
        for name, (category, due, points, values) in plan.items()
    }


def score(session, assignment, student, points, day=None):
    return submissions.record_score(
        session,
        TEACHER,
        assignment_id=assignment.assignment_id,
        student_id=student.student_id,
        points_earned=points,
        submitted_date=day or assignment.due_date,
    )


def hand_in(session, assignment, student, day=None):
    return submissions.submit(
        session,
        "student",
        assignment_id=assignment.assignment_id,
        student_id=student.student_id,
        submitted_date=day or assignment.due_date,
    )


def excuse(session, assignment, student):
    submissions.excuse(
        session,
        TEACHER,
        assignment_id=assignment.assignment_id,
        student_id=student.student_id,
    )


@pytest.fixture
def ada(school_session, classroom, work):
    """HW1 8; HW2 not handed in; HW3 10 handed in two days late; HW4
    excused; Q1 15; T1 45; T2 not yet due."""
    student = classroom.student(school_session, "6001")
    score(school_session, work["HW1"], student, 8)
    score(school_session, work["HW3"], student, 10, SEP[7])
    excuse(school_session, work["HW4"], student)
    score(school_session, work["Q1"], student, 15)
    score(school_session, work["T1"], student, 45)
    return student


@pytest.fixture
def ben(school_session, classroom, work):
    """HW1 5; HW2 5; HW3 not handed in; HW4 5; Q1 20; T1 handed in and not
    yet scored."""
    student = classroom.student(school_session, "6002")
    for name in ("HW1", "HW2", "HW4"):
        score(school_session, work[name], student, 5)
    score(school_session, work["Q1"], student, 20)
    hand_in(school_session, work["T1"], student)
    return student


def grade_of(session, classroom, student, as_of=AS_OF):
    return gradebook.running_grade(
        session, classroom.section.section_id, student.student_id, as_of=as_of
    )


def summary(grade):
    """(name, percent, counted, dropped) per category, and items by status."""
    return (
        [(c.name, c.percent, c.n_counted, c.n_dropped) for c in grade.categories],
        [
            (item.title, item.status, item.points_counted, item.is_dropped)
            for item in grade.items
        ],
    )


def test_the_running_grade_weighs_drops_penalties_excuses_and_missing_work(
    school_session, classroom, ada
):
    grade = grade_of(school_session, classroom, ada)

    # HW3: 2 days late x 10% = 20%, capped at 15%: 10 x 0.85 = 8.5.
    # Homework: 8, 0 (missing) and 8.5 of 10; HW2 is the lowest and dropped:
    #   (8 + 8.5) / (10 + 10) = 82.5%. HW4 is excused.
    # Quizzes: 15 / 20 = 75%. Tests: 45 / 50 = 90%; T2 is not due.
    # Grade: 0.3 x 82.5 + 0.2 x 75 + 0.5 x 90 = 24.75 + 15 + 45 = 84.75.
    categories, items = summary(grade)
    assert categories == [
        ("Homework", Decimal("82.50"), 2, 1),
        ("Quizzes", Decimal("75.00"), 1, 0),
        ("Tests", Decimal("90.00"), 1, 0),
    ]
    assert items == [
        ("HW1", "on_time", Decimal("8.00"), False),
        ("HW2", "missing", Decimal(0), True),
        ("HW3", "late", Decimal("8.5"), False),
        ("HW4", "excused", None, False),
        ("Q1", "on_time", Decimal("15.00"), False),
        ("T1", "on_time", Decimal("45.00"), False),
        ("T2", "not_due", None, False),
    ]
    assert grade.percent == Decimal("84.75")
    assert grade.is_complete


def test_categories_with_nothing_counted_give_their_weight_to_the_rest(
    school_session, classroom, ben
):
    grade = grade_of(school_session, classroom, ben)

    # Homework: 5, 5, 0 (HW3 missing) and 5 of 10; HW3 dropped: 15 / 30 = 50%.
    # Quizzes: 20 / 20 = 100%. Tests: T1 needs grading, nothing counted.
    # Grade: (30 x 50 + 20 x 100) / (30 + 20) = 3500 / 50 = 70.
    categories, _ = summary(grade)
    assert categories == [
        ("Homework", Decimal("50.00"), 3, 1),
        ("Quizzes", Decimal("100.00"), 1, 0),
        ("Tests", None, 0, 0),
    ]
    assert (grade.percent, grade.n_needs_grading, grade.is_complete) == (
        Decimal("70.00"),
        1,
        False,
    )


def test_work_not_handed_in_is_zero_only_after_its_due_date(
    school_session, classroom, work
):
    student = classroom.student(school_session, "6003")

    on_due_date = grade_of(school_session, classroom, student, as_of=SEP[3])
    day_after = grade_of(school_session, classroom, student, as_of=SEP[4])

    # On Sep 3 HW1 is due that evening: nothing counts yet.
    assert (on_due_date.items[0].status, on_due_date.percent) == ("not_due", None)
    # On Sep 4 HW1 is 0 of 10, the only item counted (a drop keeps one): 0%.
    assert (day_after.items[0].status, day_after.percent) == (
        "missing",
        Decimal("0.00"),
    )


def test_work_due_before_a_student_joined_does_not_count(
    school_session, classroom, work
):
    student = classroom.student(school_session, "6004", entry_date=SEP[8])
    score(school_session, work["HW4"], student, 7)
    score(school_session, work["T1"], student, 40)

    grade = grade_of(school_session, classroom, student)

    # HW1-HW3 were due before Sep 8. Homework: 7 / 10 = 70%; Quizzes: Q1
    # missing, 0 / 20 = 0%; Tests: 40 / 50 = 80%.
    # Grade: 0.3 x 70 + 0.2 x 0 + 0.5 x 80 = 21 + 0 + 40 = 61.
    assert [item.title for item in grade.items] == ["HW4", "Q1", "T1", "T2"]
    assert grade.percent == Decimal("61.00")


def test_percents_round_half_up_to_the_hundredth_at_the_end(school_session, classroom):
    student = classroom.student(school_session, "6005")
    third = classroom.assignment(school_session, classroom.tests, SEP[3], 3)
    score(school_session, third, student, 2)

    # Tests only: 2 / 3 = 66.666...% -> 66.67.
    assert grade_of(school_session, classroom, student).percent == Decimal("66.67")


def test_draft_work_counts_in_no_grade(school_session, classroom):
    student = classroom.student(school_session, "6006")
    classroom.assignment(school_session, classroom.homework, SEP[3], publish=False)
    unit = coursework.add_unit(
        school_session,
        TEACHER,
        section_id=classroom.section.section_id,
        title="Draft unit",
        position=1,
    )
    classroom.assignment(
        school_session, classroom.tests, SEP[3], content_unit_id=unit.content_unit_id
    )

    grade = grade_of(school_session, classroom, student)

    assert (grade.items, grade.percent) == ([], None)


def test_the_lowest_percent_is_dropped_and_the_earlier_on_a_tie():
    def item(key, due, earned, possible):
        return Item(
            key,
            1,
            f"A{key}",
            due,
            Decimal(possible),
            "on_time",
            None,
            Decimal(0),
            Decimal(earned),
        )

    # 5/10 and 10/20 are both 50%; the one due first goes; 9/10 stays.
    items = [item(1, SEP[5], 10, 20), item(2, SEP[4], 5, 10), item(3, SEP[3], 9, 10)]

    kept = gradebook.drop_lowest(items, 1)

    assert [i.is_dropped for i in kept] == [False, True, False]
    assert [i.is_dropped for i in gradebook.drop_lowest(items, 5)] == [
        True,
        True,
        False,
    ]


def test_weights_that_do_not_add_up_refuse_the_computation(
    school_session, classroom, ada
):
    assignments.add_category(
        school_session,
        TEACHER,
        section_id=classroom.section.section_id,
        name="Projects",
        weight_percent=10,
    )

    # 30 + 20 + 50 + 10 = 110.
    message = "weights add up to 110.00%, not 100% (Homework 30.00%, Quizzes 20.00%"
    with pytest.raises(WeightsDoNotSum, match=re.escape(message)):
        grade_of(school_session, classroom, ada)
    with pytest.raises(WeightsDoNotSum):
        gradebook.propose_marks(
            school_session,
            classroom.section.section_id,
            classroom.school.open_period.grading_period_id,
            as_of=SEP[29],
        )


def test_a_student_never_on_the_roster_has_no_grade(school_session, classroom, work):
    outsider = classroom.school.enrolled(school_session, "6007")

    with pytest.raises(NotRostered, match="has not been on the roster"):
        grade_of(school_session, classroom, outsider)


@pytest.fixture
def period_two(school_session, classroom, work, ada):
    """In P2: HW5 (10, due Sep 16) scored 9 and T2 scored 40 for Ada."""
    hw5 = classroom.assignment(
        school_session, classroom.homework, SEP[16], 10, title="HW5"
    )
    score(school_session, hw5, ada, 9)
    score(school_session, work["T2"], ada, 40)
    return classroom.school.open_period


def test_the_period_mark_counts_only_work_due_within_the_period(
    school_session, classroom, ada, period_two
):
    [proposal] = gradebook.propose_marks(
        school_session,
        classroom.section.section_id,
        period_two.grading_period_id,
        as_of=SEP[29],
    )

    # Homework: HW5 9 / 10 = 90%; Tests: T2 40 / 50 = 80%; no quiz in P2.
    # (30 x 90 + 50 x 80) / (30 + 50) = 6700 / 80 = 83.75, a B (80 to 90).
    assert (proposal.student_id, proposal.percent, proposal.letter) == (
        ada.student_id,
        Decimal("83.75"),
        "B",
    )
    assert [item.title for item in proposal.grade.items] == ["HW5", "T2"]
    assert proposal.is_ready


def test_the_proposed_mark_posted_is_the_mark_of_record(
    school_session, classroom, ada, period_two
):
    coursework_rows = {
        model: school_session.scalar(select(func.count()).select_from(model))
        for model in (Assignment, Submission)
    }
    mark_before = school_session.scalar(select(func.max(AuditLog.audit_log_id)))

    [posted] = gradebook.post_proposed_marks(
        school_session,
        TEACHER,
        section_id=classroom.section.section_id,
        grading_period_id=period_two.grading_period_id,
        as_of=SEP[29],
        comment="Steady progress",
    )

    school_session.expire_all()
    [official] = school_session.scalars(
        select(Mark).where(Mark.student_id == ada.student_id)
    ).all()
    assert official.mark_id == posted.mark_id
    assert (
        official.section_id,
        official.grading_period_id,
        official.percent,
        official.letter,
        official.comment,
        official.posted_by,
    ) == (
        classroom.section.section_id,
        period_two.grading_period_id,
        Decimal("83.75"),
        "B",
        "Steady progress",
        TEACHER,
    )
    # The mark lives in `mark` only: posting wrote nothing to coursework.
    assert coursework_rows == {
        model: school_session.scalar(select(func.count()).select_from(model))
        for model in (Assignment, Submission)
    }
    [row] = school_session.scalars(
        select(AuditLog).where(AuditLog.audit_log_id > mark_before)
    ).all()
    assert (row.action, row.table_name) == ("post_mark", "mark")


def test_posting_again_after_a_rescore_updates_the_one_mark(
    school_session, classroom, work, ada, period_two
):
    ids = {
        "section_id": classroom.section.section_id,
        "grading_period_id": period_two.grading_period_id,
        "as_of": SEP[29],
    }
    gradebook.post_proposed_marks(school_session, TEACHER, **ids)
    score(school_session, work["T2"], ada, 50)

    [reposted] = gradebook.post_proposed_marks(school_session, TEACHER, **ids)

    # (30 x 90 + 50 x 100) / 80 = 7700 / 80 = 96.25, an A.
    assert (reposted.percent, reposted.letter) == (Decimal("96.25"), "A")
    n_marks = school_session.scalar(
        select(func.count()).where(Mark.student_id == ada.student_id)
    )
    assert n_marks == 1


def test_marks_are_not_posted_while_work_needs_grading(
    school_session, classroom, ada, ben, period_two
):
    hand_in(school_session, period_two_work(school_session, classroom, "T2"), ben)

    with refused(
        school_session,
        GradingIncomplete,
        "submissions still waiting for a score: 1, by 1 students",
        Mark,
    ):
        gradebook.post_proposed_marks(
            school_session,
            TEACHER,
            section_id=classroom.section.section_id,
            grading_period_id=period_two.grading_period_id,
            as_of=SEP[29],
        )


def period_two_work(session, classroom, title):
    return session.scalars(
        select(Assignment).where(
            Assignment.section_id == classroom.section.section_id,
            Assignment.title == title,
        )
    ).one()


def test_a_closed_period_takes_no_proposed_mark(school_session, classroom, ada):
    closed = classroom.school.closed_period

    with refused(
        school_session, GradingPeriodClosed, "the grading period P1 is closed", Mark
    ):
        gradebook.post_proposed_marks(
            school_session,
            TEACHER,
            section_id=classroom.section.section_id,
            grading_period_id=closed.grading_period_id,
            as_of=SEP[15],
        )


def test_extra_credit_lifts_the_grade_but_not_the_mark_above_100(
    school_session, classroom
):
    student = classroom.student(school_session, "6008")
    bonus = classroom.assignment(
        school_session, classroom.homework, SEP[16], 10, is_extra_credit_allowed=True
    )
    score(school_session, bonus, student, 12)
    period = classroom.school.open_period

    [proposal] = gradebook.propose_marks(
        school_session,
        classroom.section.section_id,
        period.grading_period_id,
        as_of=SEP[29],
    )

    # Homework only: 12 / 10 = 120%; a mark is at most 100.
    assert (proposal.grade.percent, proposal.percent, proposal.letter) == (
        Decimal("120.00"),
        Decimal("100.00"),
        "A",
    )


def test_students_with_nothing_counted_get_no_mark(school_session, classroom, work):
    student = classroom.student(school_session, "6009")
    ids = {
        "section_id": classroom.section.section_id,
        "grading_period_id": classroom.school.open_period.grading_period_id,
    }

    # As of Sep 15 T2 (due Sep 24) is not due: nothing counts in P2.
    assert (
        gradebook.post_proposed_marks(school_session, TEACHER, **ids, as_of=AS_OF) == []
    )
    with refused(school_session, InvalidValue, "no work counts yet", Mark):
        gradebook.post_proposed_marks(
            school_session,
            TEACHER,
            **ids,
            as_of=AS_OF,
            student_ids=[student.student_id],
        )


def test_a_period_of_another_school_is_refused(school_session, classroom, school):
    elsewhere = records.create(
        school_session,
        GradingPeriod,
        ACTOR,
        school_id=school.other_school.school_id,
        school_year_id=school.year.school_year_id,
        name="Q1",
        sequence=1,
        start_date=SEP[1],
        end_date=SEP[26],
    )

    with pytest.raises(NotFound, match="is not a period of the school year of section"):
        gradebook.propose_marks(
            school_session,
            classroom.section.section_id,
            elsewhere.grading_period_id,
            as_of=SEP[29],
        )


def test_progress_counts_done_due_overdue_and_excused_work(
    school_session, classroom, ada, ben
):
    rows = gradebook.section_progress(
        school_session, classroom.section.section_id, as_of=AS_OF
    )

    # Ada: done HW1, HW3, Q1, T1; due T2; overdue HW2; excused HW4.
    # Ben: done HW1, HW2, HW4, Q1, T1 (waiting for its score); due T2;
    # overdue HW3.
    assert [
        (
            p.student_id,
            p.n_done,
            p.n_due,
            p.n_overdue,
            p.n_excused,
            p.n_needs_grading,
            p.average,
        )
        for p in rows
    ] == [
        (ada.student_id, 4, 1, 1, 1, 0, Decimal("84.75")),
        (ben.student_id, 5, 1, 1, 0, 1, Decimal("70.00")),
    ]
    assert (
        gradebook.progress(
            school_session, classroom.section.section_id, ada.student_id, as_of=AS_OF
        )
        == rows[0]
    )
