"""Quizzes: questions and their answer key, attempts scored automatically
where the answer is objective, and short answers queued for the teacher.

How each kind of question scores (to the hundredth, half up):

- single choice: its points when the one choice picked is the right one,
  nothing for a wrong choice or none;
- multiple choice: each right choice picked earns points / (number of right
  choices) and each wrong choice picked takes as much off, never below zero,
  so ticking every box earns nothing and all the right ones earn everything;
- numeric: its points when the answer is within the tolerance either side of
  the right number (the bounds included), nothing otherwise;
- short text: waits for the teacher, who scores it with `score_answer`; left
  blank, it scores zero at once.

An attempt with an answer still waiting has no score yet: it needs grading,
and the gradebook leaves it out until the teacher has scored every answer.
A student takes a quiz once. Questions change only while the quiz is a draft,
and a quiz goes back to draft only before anyone has taken it, so the key
that scored an attempt never changes under it.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational import vocabulary as v
from operational.audit import audit, snapshot
from operational.errors import (
    Conflict,
    ExcusedWork,
    InvalidValue,
    NotFound,
    QuizNotReady,
    ScoreAboveMaximum,
)
from operational.models import (
    Assignment,
    QuizAnswer,
    QuizAnswerChoice,
    QuizChoice,
    QuizQuestion,
    Submission,
    utc_now,
)
from operational.services import submissions
from operational.services._writes import insert_batches, savepoint
from operational.services.coursework import (
    HUNDREDTH,
    as_points,
    require_position,
    require_text,
)
from operational.services.records import get

log = logging.getLogger(__name__)

CHOICE_KINDS = ("single_choice", "multiple_choice")
TEN_THOUSANDTH = Decimal("0.0001")
# Who scored an attempt nothing in it waited for.
AUTO_SCORER = "quiz:auto"
# Numeric(14, 4) holds ten digits before the point.
LARGEST_NUMBER = Decimal(10) ** 10


def validate_question(row: dict[str, Any], quizzes: dict[int, Assignment]) -> None:
    """Every rule a question must meet, on a quiz still in draft; puts its
    numbers in stored form. `row["choices"]` are (label, is it right) pairs."""
    assignment = quizzes.get(row["assignment_id"])
    if assignment is None:
        raise NotFound(f"no assignment with key {row['assignment_id']}")
    if not assignment.is_quiz:
        raise InvalidValue(f"{assignment.title} is not a quiz; it has no questions")
    if assignment.is_published:
        raise InvalidValue(
            f"the quiz {assignment.title} is published; take it back to draft "
            "before changing its questions"
        )
    row["choices"] = list(row.get("choices") or ())
    row.update(
        _question_row(
            row.get("kind"),
            row.get("prompt"),
            row.get("points"),
            row["choices"],
            row.get("correct_number"),
            row.get("tolerance", 0),
        )
    )
    if row.get("position") is not None:
        require_position(row["position"])


def add_question(
    session: Session,
    actor: str,
    *,
    assignment_id: int,
    kind: str,
    prompt: str,
    points: Any,
    choices: Iterable[tuple[str, bool]] = (),
    correct_number: Any = None,
    tolerance: Any = 0,
    position: int | None = None,
) -> QuizQuestion:
    """Add a question to a draft quiz (at the end unless `position` says);
    `choices` are (label, is it right) pairs in the order shown, for the two
    choice kinds only."""
    row = {
        "assignment_id": assignment_id,
        "kind": kind,
        "prompt": prompt,
        "points": points,
        "choices": choices,
        "correct_number": correct_number,
        "tolerance": tolerance,
        "position": position,
    }
    validate_question(row, _quizzes(session, [assignment_id]))
    choices = row.pop("choices")
    if row["position"] is None:
        highest = session.scalar(
            select(func.max(QuizQuestion.position)).where(
                QuizQuestion.assignment_id == assignment_id
            )
        )
        row["position"] = (highest or 0) + 1

    question = QuizQuestion(**row)
    with savepoint(session):
        session.add(question)
        audit(session, actor, "add_quiz_question", question, before=None)
        for number, (label, is_correct) in enumerate(choices, start=1):
            choice = QuizChoice(
                quiz_question_id=question.quiz_question_id,
                position=number,
                label=label,
                is_correct=bool(is_correct),
            )
            session.add(choice)
            audit(session, actor, "add_quiz_choice", choice, before=None)
    return question


def bulk_add_questions(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate and insert many questions, each with its `position` and its
    `choices`, with `add_question`'s rules; returns how many questions."""
    rows = list(rows)
    found = _quizzes(session, {row["assignment_id"] for row in rows})
    choices: dict[tuple[int, int], list[tuple[str, bool]]] = {}
    for row in rows:
        validate_question(row, found)
        if row["position"] is None:
            raise InvalidValue("each question of a batch needs its position")
        choices[(row["assignment_id"], row["position"])] = row.pop("choices")

    with savepoint(session):
        n_questions = insert_batches(
            session, QuizQuestion, rows, actor, "bulk_add_quiz_questions"
        )
        question_ids = _question_ids(session, list(found))
        choice_rows = [
            {
                "quiz_question_id": question_ids[spot],
                "position": number,
                "label": label,
                "is_correct": bool(is_correct),
            }
            for spot, listed in choices.items()
            for number, (label, is_correct) in enumerate(listed, start=1)
        ]
        insert_batches(session, QuizChoice, choice_rows, actor, "bulk_add_quiz_choices")
    return n_questions


def _quizzes(session: Session, assignment_ids: Iterable[int]) -> dict[int, Assignment]:
    wanted = sorted(set(assignment_ids))
    found: dict[int, Assignment] = {}
    for start in range(0, len(wanted), 5_000):
        found.update(
            (assignment.assignment_id, assignment)
            for assignment in session.scalars(
                select(Assignment).where(
                    Assignment.assignment_id.in_(wanted[start : start + 5_000])
                )
            )
        )
    return found


def _question_ids(
    session: Session, assignment_ids: list[int]
) -> dict[tuple[int, int], int]:
    """(quiz, position) -> question, for the questions just inserted."""
    found: dict[tuple[int, int], int] = {}
    for start in range(0, len(assignment_ids), 5_000):
        chunk = assignment_ids[start : start + 5_000]
        for question_id, assignment_id, position in session.execute(
            select(
                QuizQuestion.quiz_question_id,
                QuizQuestion.assignment_id,
                QuizQuestion.position,
            ).where(QuizQuestion.assignment_id.in_(chunk))
        ):
            found[(assignment_id, position)] = question_id
    return found


def _question_row(kind, prompt, points, choices, correct_number, tolerance) -> dict:
    if kind not in v.QUESTION_KINDS:
        raise InvalidValue(
            f"{kind!r} is not a kind of question; use one of: "
            + ", ".join(v.QUESTION_KINDS)
        )
    require_text(prompt, "a question needs its prompt")
    worth = as_points(points, "a question's points")
    if worth == 0:
        raise InvalidValue("a question is worth more than 0 points")

    if kind in CHOICE_KINDS:
        n_right = sum(bool(is_correct) for _, is_correct in choices)
        if len(choices) < 2 or n_right < 1:
            raise InvalidValue("a choice question needs two choices or more, one right")
        if kind == "single_choice" and n_right != 1:
            raise InvalidValue(
                f"a single-choice question has exactly one right choice, not {n_right}"
            )
        for label, _ in choices:
            require_text(label, "every choice needs its text")
    elif choices:
        raise InvalidValue(f"a {kind.replace('_', ' ')} question has no choices")

    if kind == "numeric":
        if correct_number is None:
            raise InvalidValue("a numeric question needs its right answer")
        correct_number = _number(correct_number, "the right answer")
        tolerance = _number(tolerance, "the tolerance")
        if tolerance < 0:
            raise InvalidValue("the tolerance is zero or more")
    elif correct_number is not None:
        raise InvalidValue("only a numeric question has a right number")
    else:
        tolerance = Decimal(0)
    return {
        "kind": kind,
        "prompt": prompt,
        "points": worth,
        "correct_number": correct_number,
        "tolerance": tolerance,
    }


def _number(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError as error:
        raise InvalidValue(f"{what} must be a number, not {value!r}") from error
    if not number.is_finite() or abs(number) >= LARGEST_NUMBER:
        raise InvalidValue(f"{what} must be a number below ten billion, not {value}")
    return number.quantize(TEN_THOUSANDTH, ROUND_HALF_UP)


@dataclass
class QuizKey:
    """A quiz's questions in order, and each choice question's choices."""

    questions: list[QuizQuestion]
    choices: dict[int, dict[int, bool]] = field(default_factory=dict)


def load_keys(session: Session, assignment_ids: Iterable[int]) -> dict[int, QuizKey]:
    keys: dict[int, QuizKey] = defaultdict(lambda: QuizKey([]))
    questions = session.scalars(
        select(QuizQuestion)
        .where(QuizQuestion.assignment_id.in_(set(assignment_ids)))
        .order_by(QuizQuestion.assignment_id, QuizQuestion.position)
    ).all()
    by_id = {question.quiz_question_id: question for question in questions}
    for question in questions:
        keys[question.assignment_id].questions.append(question)
    choices: dict[int, dict[int, bool]] = defaultdict(dict)
    for start in range(0, len(by_id), 5_000):
        chunk = list(by_id)[start : start + 5_000]
        for choice_id, question_id, is_correct in session.execute(
            select(
                QuizChoice.quiz_choice_id,
                QuizChoice.quiz_question_id,
                QuizChoice.is_correct,
            ).where(QuizChoice.quiz_question_id.in_(chunk))
        ):
            choices[question_id][choice_id] = is_correct
    for question_id, question_choices in choices.items():
        keys[by_id[question_id].assignment_id].choices[question_id] = question_choices
    return dict(keys)


def check_key(assignment: Assignment, key: QuizKey | None) -> None:
    """A quiz is ready when it has questions, their points add up to the
    quiz's points possible, and each choice question has two choices or more
    with a right one (exactly one for single choice)."""
    if key is None or not key.questions:
        raise QuizNotReady(f"the quiz {assignment.title} has no questions yet")
    total = sum((question.points for question in key.questions), Decimal(0))
    if total != assignment.points_possible:
        raise QuizNotReady(
            f"the questions of {assignment.title} are worth {total} points but the "
            f"quiz is worth {assignment.points_possible}; make them agree"
        )
    for question in key.questions:
        if question.kind not in CHOICE_KINDS:
            continue
        choices = key.choices.get(question.quiz_question_id, {})
        n_right = sum(choices.values())
        single = question.kind == "single_choice"
        if len(choices) < 2 or n_right < 1 or (single and n_right != 1):
            raise QuizNotReady(
                f"question {question.position} of {assignment.title} needs two "
                "choices or more and "
                + ("exactly one right answer" if single else "a right answer")
            )


def score_choices(
    question: QuizQuestion, choices: dict[int, bool], picked: set[int]
) -> Decimal:
    """Points for the choices picked, by the rules of the module docstring."""
    if question.kind == "single_choice":
        right = len(picked) == 1 and choices[next(iter(picked))]
        return question.points if right else Decimal(0)
    n_right = sum(choices.values())
    hits = sum(choices[choice] for choice in picked)
    misses = len(picked) - hits
    earned = question.points * max(hits - misses, 0) / n_right
    return earned.quantize(HUNDREDTH, ROUND_HALF_UP)


def score_number(question: QuizQuestion, answer: Decimal) -> Decimal:
    within = abs(answer - question.correct_number) <= question.tolerance
    return question.points if within else Decimal(0)


@dataclass
class Attempt:
    """An attempt's answers, scored as far as a machine can."""

    answers: list[dict[str, Any]]  # quiz_answer rows without submission_id
    picks: dict[int, set[int]]  # question -> the choices picked
    points_earned: Decimal | None  # None while an answer waits


def score_attempt(key: QuizKey, answers: dict[int, Any]) -> Attempt:
    """Check and score the answers given, by question id; a question left
    out scores zero."""
    known = {question.quiz_question_id for question in key.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InvalidValue(
            f"the quiz has no question with id {', '.join(map(str, unknown))}"
        )

    rows: list[dict[str, Any]] = []
    picks: dict[int, set[int]] = {}
    for question in key.questions:
        row, picked = _score_one(question, key, answers.get(question.quiz_question_id))
        rows.append(row)
        if picked:
            picks[question.quiz_question_id] = picked
    waiting = any(row["points_earned"] is None for row in rows)
    total = sum((row["points_earned"] or Decimal(0) for row in rows), Decimal(0))
    return Attempt(rows, picks, None if waiting else total)


def _score_one(question: QuizQuestion, key: QuizKey, given: Any):
    question_id = question.quiz_question_id
    row: dict[str, Any] = {
        "quiz_question_id": question_id,
        "number_answer": None,
        "text_answer": None,
        "points_earned": Decimal(0),
        "is_auto_scored": True,
        "feedback": None,
    }
    picked: set[int] = set()
    if given is None:
        return row, picked

    if question.kind in CHOICE_KINDS:
        picked = _picked(question, key.choices.get(question_id, {}), given)
        if picked:
            row["points_earned"] = score_choices(
                question, key.choices[question_id], picked
            )
    elif question.kind == "numeric":
        row["number_answer"] = _number(
            given, f"the answer to question {question.position}"
        )
        row["points_earned"] = score_number(question, row["number_answer"])
    elif str(given).strip():
        row["text_answer"] = str(given)
        row["points_earned"] = None
        row["is_auto_scored"] = False
    return row, picked


def _picked(question: QuizQuestion, choices: dict[int, bool], given: Any) -> set[int]:
    if question.kind == "single_choice":
        picked = {given}
    elif isinstance(given, int | str) or not isinstance(given, Iterable):
        raise InvalidValue(
            f"question {question.position} takes a list of choices, not {given!r}"
        )
    else:
        picked = set(given)
    strangers = picked - set(choices)
    if strangers:
        raise InvalidValue(
            f"question {question.position} has no choice {sorted(strangers, key=str)}"
        )
    return picked


def submit_quiz(
    session: Session,
    actor: str,
    *,
    assignment_id: int,
    student_id: int,
    submitted_date: dt.date,
    answers: dict[int, Any],
) -> Submission:
    """Take a quiz: answers by question id (a choice id, a list of choice ids,
    a number or a text), scored at once where a machine can."""
    context = submissions.load_context(session, [assignment_id])
    existing = submissions.find_submission(session, assignment_id, student_id)
    if existing is not None and existing.status == "excused":
        raise ExcusedWork(f"student {student_id} is excused from this quiz")
    if existing is not None:
        raise Conflict(f"student {student_id} has already taken this quiz")
    row = {
        "assignment_id": assignment_id,
        "student_id": student_id,
        "submitted_date": submitted_date,
    }
    attempt = validate_attempt(
        row, answers, context, load_keys(session, [assignment_id])
    )

    submission = Submission(**row)
    with savepoint(session):
        session.add(submission)
        audit(session, actor, "take_quiz", submission, before=None)
        for values in attempt.answers:
            answer = QuizAnswer(submission_id=submission.submission_id, **values)
            session.add(answer)
            audit(session, actor, "answer_quiz_question", answer, before=None)
            for choice_id in sorted(attempt.picks.get(answer.quiz_question_id, ())):
                pick = QuizAnswerChoice(
                    quiz_answer_id=answer.quiz_answer_id, quiz_choice_id=choice_id
                )
                session.add(pick)
                audit(session, actor, "pick_quiz_choice", pick, before=None)
    return submission


def validate_attempt(
    row: dict[str, Any],
    answers: dict[int, Any],
    context: submissions.SubmissionContext,
    keys: dict[int, QuizKey],
    teacher_scores: dict[int, Any] | None = None,
) -> Attempt:
    """Score an attempt and check its submission row like any other; the row
    gets its status and, when nothing waits for the teacher, its score.

    `teacher_scores` (question id -> points) score short answers at once, as
    `score_answer` would: for loading attempts the teacher already marked.
    """
    assignment = submissions.assignment_of(context, row["assignment_id"])
    if not assignment.is_quiz:
        raise InvalidValue(f"{assignment.title} is not a quiz; hand the work in")
    key = keys.get(assignment.assignment_id, QuizKey([]))
    attempt = score_attempt(key, answers)
    if teacher_scores:
        _apply_teacher_scores(attempt, key, teacher_scores, assignment)
    row["points_earned"] = attempt.points_earned
    submissions.validate_submission(row, context, is_quiz_attempt=True)
    if attempt.points_earned is not None:
        row["scored_by"] = row.get("scored_by") or AUTO_SCORER
        row["scored_at"] = utc_now()
    return attempt


def _apply_teacher_scores(
    attempt: Attempt,
    key: QuizKey,
    teacher_scores: dict[int, Any],
    assignment: Assignment,
) -> None:
    questions = {question.quiz_question_id: question for question in key.questions}
    for answer in attempt.answers:
        question_id = answer["quiz_question_id"]
        if question_id not in teacher_scores:
            continue
        if answer["points_earned"] is not None:
            raise InvalidValue(
                f"question {questions[question_id].position} has no short answer "
                "waiting for the teacher"
            )
        question = questions[question_id]
        points = as_points(teacher_scores[question_id], "points earned")
        if points > question.points and not assignment.is_extra_credit_allowed:
            raise ScoreAboveMaximum(
                f"{points} points is more than question {question.position} is "
                f"worth ({question.points})"
            )
        answer["points_earned"] = points
    scores = [answer["points_earned"] for answer in attempt.answers]
    attempt.points_earned = None if None in scores else sum(scores, Decimal(0))


def score_answer(
    session: Session,
    actor: str,
    *,
    quiz_answer_id: int,
    points_earned: Any,
    feedback: str | None = None,
) -> QuizAnswer:
    """The teacher scores an answer (a short text waiting, or any answer to
    overrule the machine), with feedback kept verbatim. Once no answer of
    the attempt waits, the attempt's score is the sum of its answers."""
    answer = get(session, QuizAnswer, quiz_answer_id)
    question = get(session, QuizQuestion, answer.quiz_question_id)
    submission = get(session, Submission, answer.submission_id)
    assignment = get(session, Assignment, submission.assignment_id)
    if submission.status == "excused":
        raise ExcusedWork(
            f"student {submission.student_id} is excused from {assignment.title}"
        )
    points = as_points(points_earned, "points earned")
    if points > question.points and not assignment.is_extra_credit_allowed:
        raise ScoreAboveMaximum(
            f"{points} points is more than question {question.position} is worth "
            f"({question.points})"
        )

    answer_before = snapshot(answer)
    submission_before = snapshot(submission)
    with savepoint(session):
        answer.points_earned = points
        answer.is_auto_scored = False
        answer.feedback = feedback
        audit(session, actor, "score_quiz_answer", answer, answer_before)
        scores = session.scalars(
            select(QuizAnswer.points_earned).where(
                QuizAnswer.submission_id == submission.submission_id
            )
        ).all()
        total = None if None in scores else sum(scores, Decimal(0))
        if total != submission.points_earned:
            submission.points_earned = total
            submission.scored_by = actor
            submission.scored_at = utc_now()
            audit(session, actor, "score_quiz", submission, submission_before)
    return answer


def answers_waiting(session: Session, section_id: int) -> list[QuizAnswer]:
    """The short answers of a section's quizzes still to score, oldest first."""
    return list(
        session.scalars(
            select(QuizAnswer)
            .join(Submission, Submission.submission_id == QuizAnswer.submission_id)
            .join(Assignment, Assignment.assignment_id == Submission.assignment_id)
            .where(
                Assignment.section_id == section_id,
                QuizAnswer.points_earned.is_(None),
                Submission.status != "excused",
            )
            .order_by(Submission.submitted_date, QuizAnswer.quiz_answer_id)
        )
    )


def bulk_submit_quizzes(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Validate, score and insert many attempts with `submit_quiz`'s rules.

    Each row names assignment_id, student_id, submitted_date and answers,
    and may carry `teacher_scores` for its short answers. Returns the number
    of attempts.
    """
    rows = list(rows)
    assignment_ids = {row["assignment_id"] for row in rows}
    context = submissions.load_context(session, assignment_ids)
    keys = load_keys(session, assignment_ids)
    attempts: dict[tuple[int, int], Attempt] = {}
    for row in rows:
        answers = row.pop("answers", {})
        teacher_scores = row.pop("teacher_scores", None)
        if teacher_scores:
            row["scored_by"] = actor
        attempts[(row["assignment_id"], row["student_id"])] = validate_attempt(
            row, answers, context, keys, teacher_scores
        )
        submissions.claim(row, context)

    with savepoint(session):
        n_attempts = insert_batches(
            session, Submission, rows, actor, "bulk_submit_quizzes"
        )
        ids = _submission_ids(session, list(attempts))
        answer_rows = [
            {"submission_id": ids[attempt_key], **values}
            for attempt_key, attempt in attempts.items()
            for values in attempt.answers
        ]
        insert_batches(session, QuizAnswer, answer_rows, actor, "bulk_answer_quizzes")
        answer_ids = _answer_ids(session, list(ids.values()))
        picks = [
            {
                "quiz_answer_id": answer_ids[(ids[attempt_key], question)],
                "quiz_choice_id": choice,
            }
            for attempt_key, attempt in attempts.items()
            for question, chosen in attempt.picks.items()
            for choice in sorted(chosen)
        ]
        insert_batches(
            session, QuizAnswerChoice, picks, actor, "bulk_pick_quiz_choices"
        )
    log.info("recorded %d quiz attempts, %d answers", n_attempts, len(answer_rows))
    return n_attempts


def _submission_ids(
    session: Session, wanted: list[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """(assignment, student) -> submission, for the attempts just inserted."""
    wanted_set = set(wanted)
    found: dict[tuple[int, int], int] = {}
    assignment_ids = sorted({assignment for assignment, _ in wanted})
    for start in range(0, len(assignment_ids), 1_000):
        for submission_id, assignment_id, student_id in session.execute(
            select(
                Submission.submission_id,
                Submission.assignment_id,
                Submission.student_id,
            ).where(Submission.assignment_id.in_(assignment_ids[start : start + 1_000]))
        ):
            if (assignment_id, student_id) in wanted_set:
                found[(assignment_id, student_id)] = submission_id
    return found


def _answer_ids(
    session: Session, submission_ids: list[int]
) -> dict[tuple[int, int], int]:
    """(submission, question) -> answer, for the answers just inserted."""
    found: dict[tuple[int, int], int] = {}
    for start in range(0, len(submission_ids), 5_000):
        for answer_id, submission_id, question_id in session.execute(
            select(
                QuizAnswer.quiz_answer_id,
                QuizAnswer.submission_id,
                QuizAnswer.quiz_question_id,
            ).where(QuizAnswer.submission_id.in_(submission_ids[start : start + 5_000]))
        ):
            found[(submission_id, question_id)] = answer_id
    return found
