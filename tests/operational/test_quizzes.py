"""Quizzes: the answer key, automatic scoring per kind of question, short
answers queued for the teacher, and the bulk path.

Quiz 1 is worth 10 points, due Friday September 5 2025:
  1. single choice, 2 points: 2 + 2 = ?  (a) 3  (b) 4 right  (c) 5
  2. multiple choice, 4 points: which are prime?  (a) 2 right  (b) 4
     (c) 5 right  (d) 9 -- each right choice picked earns 4 / 2 = 2 points,
     each wrong one takes 2 off, never below 0
  3. numeric, 2 points: pi to two places, 3.14 with a tolerance of 0.01
  4. short text, 2 points: explain a prime number -- the teacher scores it
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from operational.errors import (
    Conflict,
    ExcusedWork,
    InvalidValue,
    NotPublished,
    QuizNotReady,
    ScoreAboveMaximum,
    SubmissionClosed,
)
from operational.models import (
    Assignment,
    AuditLog,
    QuizAnswer,
    QuizAnswerChoice,
    QuizChoice,
    QuizQuestion,
    Submission,
)
from operational.services import assignments, gradebook, quizzes, submissions
from tests.support.coursework import TEACHER, build_classroom
from tests.support.writes import audit_mark, audit_since, refused

DUE = dt.date(2025, 9, 5)
STUDENT = "student:5001"


@pytest.fixture
def classroom(school_session, school):
    return build_classroom(school_session, school)


@pytest.fixture
def student(school_session, classroom):
    return classroom.student(school_session, "5001")


def draft_quiz(session, classroom, points=10, **values):
    return classroom.assignment(
        session,
        classroom.quizzes,
        DUE,
        points,
        publish=False,
        is_quiz=True,
        title="Quiz 1",
        **values,
    )


def question(session, quiz, kind, points, **values):
    return quizzes.add_question(
        session,
        TEACHER,
        assignment_id=quiz.assignment_id,
        kind=kind,
        prompt=values.pop("prompt", f"A {kind} question"),
        points=points,
        **values,
    )


@dataclass
class Quiz:
    """Quiz 1, its question ids by kind and its choice ids by letter."""

    assignment: Assignment
    key: dict[str, int]
    choice: dict[tuple[str, str], int]

    @property
    def assignment_id(self) -> int:
        return self.assignment.assignment_id


@pytest.fixture
def quiz(school_session, classroom):
    """Quiz 1 of the module docstring, published."""
    work = draft_quiz(school_session, classroom, cutoff_date=dt.date(2025, 9, 8))
    single = question(
        school_session,
        work,
        "single_choice",
        2,
        choices=[("3", False), ("4", True), ("5", False)],
    )
    multiple = question(
        school_session,
        work,
        "multiple_choice",
        4,
        choices=[("2", True), ("4", False), ("5", True), ("9", False)],
    )
    numeric = question(
        school_session, work, "numeric", 2, correct_number="3.14", tolerance="0.01"
    )
    text = question(school_session, work, "short_text", 2)
    assignments.publish_assignment(school_session, TEACHER, work.assignment_id)
    key = {
        "single": single.quiz_question_id,
        "multiple": multiple.quiz_question_id,
        "numeric": numeric.quiz_question_id,
        "text": text.quiz_question_id,
    }
    choice = {
        (kind, "abcd"[number]): choice_id
        for kind, question_id in (("single", single), ("multiple", multiple))
        for number, choice_id in enumerate(
            school_session.scalars(
                select(QuizChoice.quiz_choice_id)
                .where(QuizChoice.quiz_question_id == question_id.quiz_question_id)
                .order_by(QuizChoice.position)
            )
        )
    }
    return Quiz(work, key, choice)


def take(session, quiz, student, answers, day=DUE):
    return quizzes.submit_quiz(
        session,
        STUDENT,
        assignment_id=quiz.assignment_id,
        student_id=student.student_id,
        submitted_date=day,
        answers=answers,
    )


def points_by_question(session, submission):
    return dict(
        session.execute(
            select(QuizAnswer.quiz_question_id, QuizAnswer.points_earned).where(
                QuizAnswer.submission_id == submission.submission_id
            )
        ).all()
    )


def test_questions_are_written_in_order_with_their_choices(school_session, classroom):
    work = draft_quiz(school_session, classroom)
    mark = audit_mark(school_session)

    first = question(
        school_session, work, "single_choice", 2, choices=[("no", False), ("yes", True)]
    )
    second = question(school_session, work, "numeric", 8, correct_number=7)

    assert (first.position, second.position) == (1, 2)
    assert (second.correct_number, second.tolerance) == (
        Decimal("7.0000"),
        Decimal("0"),
    )
    assert [row.action for row in audit_since(school_session, mark)] == [
        "add_quiz_question",
        "add_quiz_choice",
        "add_quiz_choice",
        "add_quiz_question",
    ]


def test_a_quiz_is_published_only_with_a_complete_key(school_session, classroom):
    work = draft_quiz(school_session, classroom)

    with refused(school_session, QuizNotReady, "has no questions yet"):
        assignments.publish_assignment(school_session, TEACHER, work.assignment_id)
    question(school_session, work, "numeric", 6, correct_number=1)
    # 6 points of questions for a quiz worth 10.
    with refused(
        school_session,
        QuizNotReady,
        "are worth 6.00 points but the quiz is worth 10.00",
    ):
        assignments.publish_assignment(school_session, TEACHER, work.assignment_id)
    question(school_session, work, "short_text", 4)

    published = assignments.publish_assignment(
        school_session, TEACHER, work.assignment_id
    )

    assert published.is_published


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("essay", {}, "'essay' is not a kind of question"),
        ("single_choice", {"choices": [("a", True)]}, "needs two choices or more"),
        (
            "single_choice",
            {"choices": [("a", True), ("b", True)]},
            "exactly one right choice, not 2",
        ),
        ("multiple_choice", {"choices": [("a", False), ("b", False)]}, "one right"),
        ("numeric", {}, "a numeric question needs its right answer"),
        (
            "numeric",
            {"correct_number": 1, "tolerance": -1},
            "the tolerance is zero or more",
        ),
        ("numeric", {"correct_number": "1e12"}, "a number below ten billion"),
        ("short_text", {"choices": [("a", True), ("b", False)]}, "has no choices"),
        ("short_text", {"correct_number": 3}, "only a numeric question has"),
        ("short_text", {"points": 0}, "a question is worth more than 0 points"),
        ("short_text", {"prompt": " "}, "a question needs its prompt"),
    ],
)
def test_a_question_that_breaks_a_rule_is_refused(
    school_session, classroom, kind, values, message
):
    work = draft_quiz(school_session, classroom)
    values = dict(values)
    points = values.pop("points", 2)
    with refused(school_session, InvalidValue, message, QuizQuestion, QuizChoice):
        question(school_session, work, kind, points, **values)


def test_questions_change_only_on_a_draft_quiz(school_session, classroom, quiz):
    homework = classroom.assignment(school_session, classroom.homework, DUE)

    with refused(
        school_session,
        InvalidValue,
        "is published; take it back to draft",
        QuizQuestion,
    ):
        question(school_session, quiz.assignment, "short_text", 1)
    with refused(
        school_session, InvalidValue, "is not a quiz; it has no questions", QuizQuestion
    ):
        question(school_session, homework, "short_text", 1)


@pytest.mark.parametrize(
    ("kind", "answer", "points"),
    [
        ("single", "b", "2.00"),
        ("single", "a", "0"),
        ("multiple", "ac", "4.00"),  # 2 right, none wrong: 2 x 2 = 4
        ("multiple", "a", "2.00"),  # 1 right: 1 x 2 = 2
        ("multiple", "ab", "0.00"),  # 1 right - 1 wrong = 0
        ("multiple", "abc", "2.00"),  # 2 right - 1 wrong = 1, x 2 = 2
        ("multiple", "abcd", "0.00"),  # 2 right - 2 wrong = 0
        ("multiple", "bd", "0.00"),  # 0 right - 2 wrong, never below 0
        ("numeric", "3.14", "2.00"),
        ("numeric", "3.15", "2.00"),  # |3.15 - 3.14| = 0.01, the tolerance itself
        ("numeric", "3.13", "2.00"),
        ("numeric", "3.1501", "0"),  # 0.0101 is beyond the tolerance
        ("numeric", "-3.14", "0"),
    ],
)
def test_objective_questions_score_themselves(
    school_session, quiz, student, kind, answer, points
):
    if kind == "single":
        given = quiz.choice[("single", answer)]
    elif kind == "multiple":
        given = [quiz.choice[("multiple", letter)] for letter in answer]
    else:
        given = answer

    attempt = take(school_session, quiz, student, {quiz.key[kind]: given})

    assert points_by_question(school_session, attempt)[quiz.key[kind]] == Decimal(
        points
    )


def test_a_whole_attempt_waits_for_the_teacher_on_its_short_answer(
    school_session, classroom, quiz, student
):
    mark = audit_mark(school_session)

    attempt = take(
        school_session,
        quiz,
        student,
        {
            quiz.key["single"]: quiz.choice[("single", "b")],
            quiz.key["multiple"]: [quiz.choice[("multiple", "a")]],
            quiz.key["numeric"]: 3.14,
            quiz.key["text"]: "A number with exactly two divisors.",
        },
    )

    # 2 + 2 + 2 scored, the short answer waiting: no score yet.
    assert (attempt.status, attempt.points_earned) == ("on_time", None)
    assert points_by_question(school_session, attempt) == {
        quiz.key["single"]: Decimal("2.00"),
        quiz.key["multiple"]: Decimal("2.00"),
        quiz.key["numeric"]: Decimal("2.00"),
        quiz.key["text"]: None,
    }
    assert [row.action for row in audit_since(school_session, mark)] == [
        "take_quiz",
        "answer_quiz_question",
        "pick_quiz_choice",
        "answer_quiz_question",
        "pick_quiz_choice",
        "answer_quiz_question",
        "answer_quiz_question",
    ]
    assert submissions.needs_grading(school_session, classroom.section.section_id) == [
        attempt
    ]
    [waiting] = quizzes.answers_waiting(school_session, classroom.section.section_id)
    assert waiting.text_answer == "A number with exactly two divisors."

    grade = gradebook.running_grade(
        school_session, classroom.section.section_id, student.student_id, as_of=DUE
    )
    assert ([item.status for item in grade.items], grade.is_complete) == (
        ["needs_grading"],
        False,
    )


def test_the_teachers_score_completes_the_attempt(school_session, quiz, student):
    attempt = take(
        school_session,
        quiz,
        student,
        {quiz.key["numeric"]: "3.14", quiz.key["text"]: "Two divisors"},
    )
    waiting = school_session.scalars(
        select(QuizAnswer).where(QuizAnswer.quiz_question_id == quiz.key["text"])
    ).one()
    mark = audit_mark(school_session)

    quizzes.score_answer(
        school_session,
        TEACHER,
        quiz_answer_id=waiting.quiz_answer_id,
        points_earned="1.5",
        feedback="Say which two.\n",
    )

    # 0 + 0 + 2 + 1.5 = 3.5
    assert (attempt.points_earned, attempt.scored_by) == (Decimal("3.50"), TEACHER)
    assert (waiting.feedback, waiting.is_auto_scored) == ("Say which two.\n", False)
    assert [row.action for row in audit_since(school_session, mark)] == [
        "score_quiz_answer",
        "score_quiz",
    ]


def test_questions_left_out_or_blank_score_zero_at_once(school_session, quiz, student):
    attempt = take(
        school_session,
        quiz,
        student,
        {quiz.key["single"]: quiz.choice[("single", "b")], quiz.key["text"]: "   "},
    )

    # 2 for the single choice; the blank short answer and the rest score 0.
    assert (attempt.points_earned, attempt.scored_by) == (Decimal("2.00"), "quiz:auto")


def test_a_teacher_cannot_score_an_answer_above_its_points(
    school_session, quiz, student
):
    take(school_session, quiz, student, {quiz.key["text"]: "An answer"})
    waiting = school_session.scalars(
        select(QuizAnswer).where(QuizAnswer.quiz_question_id == quiz.key["text"])
    ).one()

    with refused(
        school_session,
        ScoreAboveMaximum,
        "more than question 4 is worth (2.00)",
        QuizAnswer,
    ):
        quizzes.score_answer(
            school_session,
            TEACHER,
            quiz_answer_id=waiting.quiz_answer_id,
            points_earned=3,
        )
    assert waiting.points_earned is None


def test_a_student_takes_a_quiz_once(school_session, quiz, student):
    take(school_session, quiz, student, {})

    with refused(
        school_session, Conflict, "has already taken this quiz", Submission, QuizAnswer
    ):
        take(school_session, quiz, student, {})


def test_an_excused_student_cannot_take_the_quiz(school_session, quiz, student):
    submissions.excuse(
        school_session,
        TEACHER,
        assignment_id=quiz.assignment_id,
        student_id=student.student_id,
    )

    with refused(school_session, ExcusedWork, "is excused from this quiz", QuizAnswer):
        take(school_session, quiz, student, {})


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (lambda q: {999999: "x"}, "the quiz has no question with id 999999"),
        (
            lambda q: {q.key["single"]: q.choice[("multiple", "a")]},
            "question 1 has no choice",
        ),
        (lambda q: {q.key["multiple"]: 7}, "question 2 takes a list of choices"),
        (lambda q: {q.key["numeric"]: "pi"}, "must be a number, not 'pi'"),
    ],
)
def test_answers_that_do_not_fit_the_questions_are_refused(
    school_session, quiz, student, answers, message
):
    with refused(
        school_session, InvalidValue, message, Submission, QuizAnswer, QuizAnswerChoice
    ):
        take(school_session, quiz, student, answers(quiz))


def test_a_quiz_takes_the_late_rules_of_any_assignment(school_session, quiz, student):
    # The cut-off is Monday September 8.
    with refused(
        school_session,
        SubmissionClosed,
        "stopped accepting work after 2025-09-08",
        Submission,
    ):
        take(school_session, quiz, student, {}, day=dt.date(2025, 9, 9))

    late = take(school_session, quiz, student, {}, day=dt.date(2025, 9, 8))
    assert late.status == "late"


def test_a_draft_quiz_cannot_be_taken(school_session, classroom, student):
    work = draft_quiz(school_session, classroom)
    with refused(school_session, NotPublished, "is not published yet", Submission):
        take(school_session, work, student, {})


def test_a_quiz_is_taken_through_the_quiz_service_only(school_session, quiz, student):
    with refused(school_session, InvalidValue, "is a quiz: it is taken", Submission):
        submissions.submit(
            school_session,
            STUDENT,
            assignment_id=quiz.assignment_id,
            student_id=student.student_id,
            submitted_date=DUE,
        )


def test_plain_work_is_not_taken_as_a_quiz(school_session, classroom, student):
    homework = classroom.assignment(school_session, classroom.homework, DUE)
    with refused(
        school_session, InvalidValue, "is not a quiz; hand the work in", Submission
    ):
        take(school_session, homework, student, {})


def test_bulk_attempts_are_scored_like_single_ones(
    school_session, classroom, quiz, student
):
    other = classroom.student(school_session, "5002")
    mark = audit_mark(school_session)
    rows = [
        {
            "assignment_id": quiz.assignment_id,
            "student_id": student.student_id,
            "submitted_date": DUE,
            "answers": {
                quiz.key["single"]: quiz.choice[("single", "b")],
                quiz.key["multiple"]: [quiz.choice[("multiple", m)] for m in "ac"],
                quiz.key["numeric"]: "3.14",
            },
        },
        {
            "assignment_id": quiz.assignment_id,
            "student_id": other.student_id,
            "submitted_date": DUE,
            "answers": {quiz.key["text"]: "Only one and itself"},
        },
    ]

    assert quizzes.bulk_submit_quizzes(school_session, rows, TEACHER) == 2

    stored = dict(
        school_session.execute(
            select(Submission.student_id, Submission.points_earned).where(
                Submission.assignment_id == quiz.assignment_id
            )
        ).all()
    )
    # 2 + 4 + 2 + 0 = 8; the other attempt waits on its short answer.
    assert stored == {student.student_id: Decimal("8.00"), other.student_id: None}
    n_picks = school_session.scalar(select(func.count()).select_from(QuizAnswerChoice))
    n_answers = school_session.scalar(select(func.count()).select_from(QuizAnswer))
    # 1 + 2 choices picked; 4 questions x 2 attempts answered.
    assert (n_picks, n_answers) == (3, 8)
    assert [
        (row.action, row.after_values)
        for row in school_session.scalars(
            select(AuditLog)
            .where(AuditLog.audit_log_id > mark)
            .order_by(AuditLog.audit_log_id)
        )
    ] == [
        ("bulk_submit_quizzes", {"n_rows": 2}),
        ("bulk_answer_quizzes", {"n_rows": 8}),
        ("bulk_pick_quiz_choices", {"n_rows": 3}),
    ]


def test_a_bulk_batch_with_one_bad_attempt_writes_nothing(
    school_session, classroom, quiz, student
):
    rows = [
        {
            "assignment_id": quiz.assignment_id,
            "student_id": student.student_id,
            "submitted_date": DUE,
            "answers": {},
        },
        {
            "assignment_id": quiz.assignment_id,
            "student_id": student.student_id,
            "submitted_date": DUE,
            "answers": {},
        },
    ]
    with refused(
        school_session, Conflict, "already has a submission", Submission, QuizAnswer
    ):
        quizzes.bulk_submit_quizzes(school_session, rows, TEACHER)


def test_bulk_questions_are_written_with_their_choices(school_session, classroom):
    work = draft_quiz(school_session, classroom, points=5)
    mark = audit_mark(school_session)
    rows = [
        {
            "assignment_id": work.assignment_id,
            "position": 1,
            "kind": "multiple_choice",
            "prompt": "Which are even?",
            "points": 3,
            "choices": [("2", True), ("3", False), ("4", True)],
        },
        {
            "assignment_id": work.assignment_id,
            "position": 2,
            "kind": "numeric",
            "prompt": "Half of 5?",
            "points": 2,
            "correct_number": "2.5",
        },
    ]

    assert quizzes.bulk_add_questions(school_session, rows, TEACHER) == 2

    [key] = quizzes.load_keys(school_session, [work.assignment_id]).values()
    assert [(q.position, q.kind, q.points) for q in key.questions] == [
        (1, "multiple_choice", Decimal("3.00")),
        (2, "numeric", Decimal("2.00")),
    ]
    assert sorted(key.choices[key.questions[0].quiz_question_id].values()) == [
        False,
        True,
        True,
    ]
    assert [row.action for row in audit_since(school_session, mark)] == [
        "bulk_add_quiz_questions",
        "bulk_add_quiz_choices",
    ]
    assignments.publish_assignment(school_session, TEACHER, work.assignment_id)


def test_a_bulk_batch_with_one_bad_question_writes_nothing(school_session, classroom):
    work = draft_quiz(school_session, classroom)
    rows = [
        {
            "assignment_id": work.assignment_id,
            "position": 1,
            "kind": "short_text",
            "prompt": "Fine",
            "points": 5,
        },
        {
            "assignment_id": work.assignment_id,
            "position": 2,
            "kind": "single_choice",
            "prompt": "No right answer",
            "points": 5,
            "choices": [("a", False), ("b", False)],
        },
    ]
    with refused(school_session, InvalidValue, "one right", QuizQuestion, QuizChoice):
        quizzes.bulk_add_questions(school_session, rows, TEACHER)


def test_bulk_attempts_may_carry_the_teachers_scores_of_short_answers(
    school_session, quiz, student
):
    row = {
        "assignment_id": quiz.assignment_id,
        "student_id": student.student_id,
        "submitted_date": DUE,
        "answers": {quiz.key["numeric"]: "3.14", quiz.key["text"]: "Two divisors"},
        "teacher_scores": {quiz.key["text"]: "1.5"},
    }

    quizzes.bulk_submit_quizzes(school_session, [row], TEACHER)

    attempt = submissions.find_submission(
        school_session, quiz.assignment_id, student.student_id
    )
    # 2 for the numeric answer + 1.5 from the teacher.
    assert (attempt.points_earned, attempt.scored_by) == (Decimal("3.50"), TEACHER)


@pytest.mark.parametrize(
    ("scores", "error", "message"),
    [
        (lambda q: {q.key["numeric"]: 1}, InvalidValue, "no short answer waiting"),
        (lambda q: {q.key["text"]: 3}, ScoreAboveMaximum, "more than question 4"),
    ],
)
def test_teachers_scores_in_bulk_follow_score_answers_rules(
    school_session, quiz, student, scores, error, message
):
    row = {
        "assignment_id": quiz.assignment_id,
        "student_id": student.student_id,
        "submitted_date": DUE,
        "answers": {quiz.key["numeric"]: "3.14", quiz.key["text"]: "Two divisors"},
        "teacher_scores": scores(quiz),
    }
    with refused(school_session, error, message, Submission, QuizAnswer):
        quizzes.bulk_submit_quizzes(school_session, [row], TEACHER)
