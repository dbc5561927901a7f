"""Gradebook categories and assignments: their rules, changes and bulk path.

The classroom's categories are Homework 30%, Quizzes 20% and Tests 50%; the
2025-2026 school year runs from August 25 2025 to June 12 2026.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert

from operational.errors import (
    Conflict,
    InvalidValue,
    NotFound,
    QuizNotReady,
    WeightsDoNotSum,
)
from operational.models import Assignment, GradingCategory, Section
from operational.services import assignments, coursework, quizzes, records, submissions
from operational.services._writes import savepoint
from tests.support.coursework import TEACHER, build_classroom
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

SEP_8 = dt.date(2025, 9, 8)
SEP_10 = dt.date(2025, 9, 10)


@pytest.fixture
def classroom(school_session, school):
    return build_classroom(school_session, school)


def category(session, classroom, **values):
    fields = {
        "section_id": classroom.section.section_id,
        "name": "Projects",
        "weight_percent": 10,
    }
    return assignments.add_category(session, TEACHER, **(fields | values))


def assignment_values(classroom, **values):
    return {
        "section_id": classroom.section.section_id,
        "grading_category_id": classroom.homework.grading_category_id,
        "title": "Worksheet 1",
        "points_possible": 10,
        "due_date": SEP_8,
    } | values


def test_a_category_is_written_with_its_weight_and_drops(school_session, classroom):
    mark = audit_mark(school_session)

    projects = category(
        school_session, classroom, weight_percent="12.5", n_drop_lowest=1
    )

    assert (projects.name, projects.weight_percent, projects.n_drop_lowest) == (
        "Projects",
        Decimal("12.50"),
        1,
    )
    [row] = audit_since(school_session, mark)
    assert (row.action, row.table_name) == ("add_grading_category", "grading_category")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"weight_percent": 0}, "a category weight is more than 0%"),
        ({"weight_percent": 101}, "a category weight is a percentage from 0 to 100"),
        ({"weight_percent": "ten"}, "'ten' is not a number of a category weight"),
        ({"n_drop_lowest": -1}, "the number of lowest scores to drop is 0 or more"),
        ({"name": ""}, "a category needs a name"),
    ],
)
def test_a_category_that_breaks_a_rule_is_refused(
    school_session, classroom, values, message
):
    with refused(school_session, InvalidValue, message, GradingCategory):
        category(school_session, classroom, **values)


def test_a_second_category_of_the_same_name_is_a_conflict(school_session, classroom):
    # The unique key (section_id, name) refuses it in the database itself.
    with refused(
        school_session, Conflict, "breaks a rule of the database", GradingCategory
    ):
        category(school_session, classroom, name="Homework")


def test_weights_change_together_and_must_add_up_to_100(school_session, classroom):
    hw, quizzes, tests = classroom.homework, classroom.quizzes, classroom.tests
    mark = audit_mark(school_session)

    # 40 + 20 + 40 = 100; Quizzes keeps its weight, so two rows change.
    assignments.set_category_weights(
        school_session,
        TEACHER,
        classroom.section.section_id,
        {
            hw.grading_category_id: 40,
            quizzes.grading_category_id: 20,
            tests.grading_category_id: 40,
        },
    )

    assert [hw.weight_percent, quizzes.weight_percent, tests.weight_percent] == [
        Decimal("40.00"),
        Decimal("20.00"),
        Decimal("40.00"),
    ]
    assert [row.action for row in audit_since(school_session, mark)] == [
        "reweight_grading_category",
        "reweight_grading_category",
    ]


def test_weights_that_do_not_add_up_to_100_are_refused(school_session, classroom):
    hw, quizzes, tests = classroom.homework, classroom.quizzes, classroom.tests
    weights = {
        hw.grading_category_id: 40,
        quizzes.grading_category_id: 20,
        tests.grading_category_id: 50,
    }
    # 40 + 20 + 50 = 110.
    with refused(
        school_session, WeightsDoNotSum, "add up to 110.00%, not 100%", GradingCategory
    ):
        assignments.set_category_weights(
            school_session, TEACHER, classroom.section.section_id, weights
        )
    assert hw.weight_percent == Decimal("30.00")


def test_weights_must_name_every_category(school_session, classroom):
    with refused(school_session, InvalidValue, "give a weight for every category"):
        assignments.set_category_weights(
            school_session,
            TEACHER,
            classroom.section.section_id,
            {classroom.homework.grading_category_id: 100},
        )


def test_an_assignment_is_written_as_a_draft_with_its_late_rules(
    school_session, classroom
):
    mark = audit_mark(school_session)

    work = assignments.add_assignment(
        school_session,
        TEACHER,
        **assignment_values(
            classroom,
            points_possible="12.5",
            late_penalty_percent_per_day=10,
            max_late_penalty_percent=30,
            cutoff_date=SEP_10,
        ),
    )

    assert (
        work.points_possible,
        work.late_penalty_percent_per_day,
        work.max_late_penalty_percent,
        work.cutoff_date,
        work.is_published,
    ) == (Decimal("12.50"), Decimal("10.00"), Decimal("30.00"), SEP_10, False)
    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values["title"]) == ("add_assignment", "Worksheet 1")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"points_possible": 0}, "an assignment is worth more than 0 points"),
        ({"points_possible": -5}, "points possible must be a number of zero or more"),
        ({"title": " "}, "an assignment needs a title"),
        (
            {"cutoff_date": dt.date(2025, 9, 7)},
            "the cut-off 2025-09-07 is before the due date",
        ),
        ({"due_date": dt.date(2026, 6, 13)}, "outside the 2025-2026 school year"),
        (
            {"late_penalty_percent_per_day": 150},
            "the late penalty per day is a percentage",
        ),
        ({"max_late_penalty_percent": -1}, "the largest late penalty must be a number"),
    ],
)
def test_an_assignment_that_breaks_a_rule_is_refused(
    school_session, classroom, values, message
):
    with refused(school_session, InvalidValue, message, Assignment):
        assignments.add_assignment(
            school_session, TEACHER, **assignment_values(classroom, **values)
        )


def test_a_category_or_unit_of_another_section_is_refused(school_session, classroom):
    other = classroom.school.section
    elsewhere = assignments.add_category(
        school_session,
        TEACHER,
        section_id=other.section_id,
        name="Homework",
        weight_percent=100,
    )
    other_unit = coursework.add_unit(
        school_session, TEACHER, section_id=other.section_id, title="Unit", position=1
    )

    with refused(
        school_session, NotFound, "has no gradebook category with id", Assignment
    ):
        assignments.add_assignment(
            school_session,
            TEACHER,
            **assignment_values(
                classroom, grading_category_id=elsewhere.grading_category_id
            ),
        )
    with refused(school_session, NotFound, "has no unit with id", Assignment):
        assignments.add_assignment(
            school_session,
            TEACHER,
            **assignment_values(classroom, content_unit_id=other_unit.content_unit_id),
        )


def test_the_database_itself_keeps_the_category_in_the_section(
    school_session, classroom
):
    other = records.create(
        school_session,
        Section,
        ACTOR,
        course_id=classroom.school.course.course_id,
        school_id=classroom.school.school.school_id,
        school_year_id=classroom.school.year.school_year_id,
        section_code="MATH-101-03",
        capacity=20,
    )
    row = assignment_values(classroom, section_id=other.section_id)
    row |= {"late_penalty_percent_per_day": 0, "is_quiz": False}
    row |= {"is_extra_credit_allowed": False, "is_published": False}

    # The foreign key (grading_category_id, section_id) has no such pair.
    with (
        pytest.raises(Conflict, match="breaks a rule of the database"),
        savepoint(school_session),
    ):
        school_session.execute(insert(Assignment), [row])


def test_an_assignment_changes_with_an_audit_row(school_session, classroom):
    work = classroom.assignment(school_session, classroom.homework, SEP_8)
    mark = audit_mark(school_session)

    assignments.update_assignment(
        school_session,
        TEACHER,
        work.assignment_id,
        due_date=SEP_10,
        title="Worksheet 1b",
    )

    assert (work.due_date, work.title) == (SEP_10, "Worksheet 1b")
    [row] = audit_since(school_session, mark)
    assert (
        row.action,
        row.before_values["due_date"],
        row.after_values["due_date"],
    ) == (
        "update_assignment",
        "2025-09-08",
        "2025-09-10",
    )


def test_points_possible_cannot_drop_below_a_score_given(school_session, classroom):
    student = classroom.student(school_session, "3001")
    work = classroom.assignment(school_session, classroom.homework, SEP_8)
    submissions.record_score(
        school_session,
        TEACHER,
        assignment_id=work.assignment_id,
        student_id=student.student_id,
        points_earned=9,
        submitted_date=SEP_8,
    )

    with refused(
        school_session, InvalidValue, "a student already scored 9.00", Assignment
    ):
        assignments.update_assignment(
            school_session, TEACHER, work.assignment_id, points_possible=8
        )
    assert work.points_possible == Decimal("10.00")


def test_an_unknown_change_is_refused(school_session, classroom):
    work = classroom.assignment(school_session, classroom.homework, SEP_8)

    with refused(
        school_session, InvalidValue, "an assignment's section_id cannot be changed"
    ):
        assignments.update_assignment(
            school_session, TEACHER, work.assignment_id, section_id=1
        )


def test_work_handed_in_keeps_an_assignment_published(school_session, classroom):
    student = classroom.student(school_session, "3002")
    work = classroom.assignment(school_session, classroom.homework, SEP_8)
    submissions.submit(
        school_session,
        "student:3002",
        assignment_id=work.assignment_id,
        student_id=student.student_id,
        submitted_date=SEP_8,
    )

    with refused(
        school_session, InvalidValue, "has 1 submissions; it cannot go back to draft"
    ):
        assignments.publish_assignment(
            school_session, TEACHER, work.assignment_id, is_published=False
        )


def test_bulk_assignments_are_inserted_with_one_audit_row(school_session, classroom):
    mark = audit_mark(school_session)
    rows = [
        assignment_values(
            classroom, title=f"Worksheet {n}", due_date=SEP_8 + dt.timedelta(n)
        )
        for n in range(1, 4)
    ]

    n_rows = assignments.bulk_add_assignments(school_session, rows, TEACHER)

    assert n_rows == 3
    [row] = audit_since(school_session, mark)
    assert (row.action, row.table_name, row.after_values) == (
        "bulk_add_assignments",
        "assignment",
        {"n_rows": 3},
    )


def test_a_bulk_batch_with_one_bad_row_writes_nothing(school_session, classroom):
    rows = [
        assignment_values(classroom, title="Fine"),
        assignment_values(classroom, title="Bad", points_possible=0),
    ]
    with refused(school_session, InvalidValue, "worth more than 0 points", Assignment):
        assignments.bulk_add_assignments(school_session, rows, TEACHER)


def test_a_quiz_cannot_be_published_in_bulk(school_session, classroom):
    rows = [assignment_values(classroom, is_quiz=True, is_published=True)]
    with refused(
        school_session, QuizNotReady, "publish a quiz once its questions", Assignment
    ):
        assignments.bulk_add_assignments(school_session, rows, TEACHER)


def test_bulk_categories_are_checked_and_inserted(school_session, classroom):
    other = classroom.school.section
    rows = [
        {"section_id": other.section_id, "name": "Classwork", "weight_percent": 60},
        {"section_id": other.section_id, "name": "Tests", "weight_percent": 40},
    ]

    assert assignments.bulk_add_categories(school_session, rows, TEACHER) == 2
    assert [
        (c.name, c.weight_percent, c.n_drop_lowest)
        for c in assignments.section_categories(school_session, other.section_id)
    ] == [("Classwork", Decimal("60.00"), 0), ("Tests", Decimal("40.00"), 0)]


def test_bulk_publishing_checks_quiz_keys_and_audits_once(school_session, classroom):
    homework = classroom.assignment(
        school_session, classroom.homework, SEP_8, publish=False
    )
    quiz = classroom.assignment(
        school_session, classroom.quizzes, SEP_8, 4, publish=False, is_quiz=True
    )
    quizzes.add_question(
        school_session,
        TEACHER,
        assignment_id=quiz.assignment_id,
        kind="short_text",
        prompt="Why?",
        points=4,
    )
    mark = audit_mark(school_session)

    n_published = assignments.bulk_publish_assignments(
        school_session, [homework.assignment_id, quiz.assignment_id], TEACHER
    )

    assert n_published == 2
    assert (homework.is_published, quiz.is_published) == (True, True)
    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values) == ("bulk_publish_assignments", {"n_rows": 2})


def test_bulk_publishing_a_quiz_without_its_key_publishes_nothing(
    school_session, classroom
):
    homework = classroom.assignment(
        school_session, classroom.homework, SEP_8, publish=False
    )
    quiz = classroom.assignment(
        school_session,
        classroom.quizzes,
        SEP_8,
        publish=False,
        is_quiz=True,
        title="Quiz 2",
    )

    with refused(school_session, QuizNotReady, "the quiz Quiz 2 has no questions yet"):
        assignments.bulk_publish_assignments(
            school_session, [homework.assignment_id, quiz.assignment_id], TEACHER
        )
    school_session.expire_all()
    assert school_session.get(Assignment, homework.assignment_id).is_published is False
