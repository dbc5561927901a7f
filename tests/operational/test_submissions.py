"""Submissions: handing in, late work and the cut-off, scores and feedback,
excused work, the teacher's queue and the bulk path.

Worksheet 1 is homework worth 10 points due Monday September 8 2025, losing
10% of the score earned per day late, at most 25%, and accepting no work
after Thursday September 11.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

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
from operational.models import DeletedRecord, SectionEnrollment, Submission
from operational.services import coursework, rosters, submissions
from tests.support.coursework import TEACHER, build_classroom
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

SEP_5 = dt.date(2025, 9, 5)
DUE = dt.date(2025, 9, 8)
CUTOFF = dt.date(2025, 9, 11)
STUDENT = "student:4001"


@pytest.fixture
def classroom(school_session, school):
    return build_classroom(school_session, school)


@pytest.fixture
def student(school_session, classroom):
    return classroom.student(school_session, "4001")


@pytest.fixture
def worksheet(school_session, classroom):
    return classroom.assignment(
        school_session,
        classroom.homework,
        DUE,
        10,
        title="Worksheet 1",
        late_penalty_percent_per_day=10,
        max_late_penalty_percent=25,
        cutoff_date=CUTOFF,
    )


def submit(session, work, student, day, body="x = 4"):
    return submissions.submit(
        session,
        STUDENT,
        assignment_id=work.assignment_id,
        student_id=student.student_id,
        submitted_date=day,
        body=body,
    )


def score(session, work, student, points, **values):
    return submissions.record_score(
        session,
        TEACHER,
        assignment_id=work.assignment_id,
        student_id=student.student_id,
        points_earned=points,
        **values,
    )


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (SEP_5, "on_time"),
        (DUE, "on_time"),  # due by the end of the due date
        (dt.date(2025, 9, 9), "late"),
        (CUTOFF, "late"),  # the cut-off day itself is still accepted
    ],
)
def test_work_is_on_time_until_the_end_of_the_due_date(
    school_session, worksheet, student, day, status
):
    mark = audit_mark(school_session)

    handed_in = submit(school_session, worksheet, student, day)

    assert (handed_in.status, handed_in.submitted_date, handed_in.body) == (
        status,
        day,
        "x = 4",
    )
    assert handed_in.points_earned is None
    [row] = audit_since(school_session, mark)
    assert (row.action, row.actor) == ("submit", STUDENT)


def test_work_after_the_cut_off_is_refused(school_session, worksheet, student):
    with refused(
        school_session,
        SubmissionClosed,
        "stopped accepting work after 2025-09-11",
        Submission,
    ):
        submit(school_session, worksheet, student, dt.date(2025, 9, 12))


@pytest.mark.parametrize(
    ("days_late", "penalty"),
    [
        (0, "0"),
        (1, "10.00"),  # 1 day x 10%
        (2, "20.00"),  # 2 days x 10%
        (3, "25.00"),  # 3 x 10% = 30%, capped at the largest penalty, 25%
    ],
)
def test_the_late_penalty_grows_by_the_day_up_to_its_cap(worksheet, days_late, penalty):
    day = DUE + dt.timedelta(days=days_late)
    assert submissions.late_penalty_percent(worksheet, day) == Decimal(penalty)


def test_without_a_cap_the_penalty_stops_at_everything(school_session, classroom):
    work = classroom.assignment(
        school_session, classroom.homework, DUE, late_penalty_percent_per_day=40
    )
    # 3 days x 40% = 120%, but no more than the whole score can go.
    assert submissions.late_penalty_percent(work, dt.date(2025, 9, 11)) == 100


def test_a_student_off_the_roster_cannot_hand_work_in(
    school_session, classroom, worksheet
):
    outsider = classroom.school.enrolled(school_session, "4002")

    with refused(
        school_session,
        NotRostered,
        "not on the roster of section MATH-101-02 on 2025-09-08",
        Submission,
    ):
        submit(school_session, worksheet, outsider, DUE)


def test_a_student_who_left_the_section_cannot_hand_work_in(
    school_session, worksheet, student
):
    seat_id = school_session.scalars(
        select(SectionEnrollment.section_enrollment_id).where(
            SectionEnrollment.student_id == student.student_id
        )
    ).one()
    rosters.drop(school_session, ACTOR, seat_id, exit_date=SEP_5)

    with refused(school_session, NotRostered, "on 2025-09-08", Submission):
        submit(school_session, worksheet, student, DUE)


def test_draft_work_cannot_be_handed_in(school_session, classroom, student):
    draft = classroom.assignment(school_session, classroom.homework, DUE, publish=False)
    unit = coursework.add_unit(
        school_session,
        TEACHER,
        section_id=classroom.section.section_id,
        title="Unit 2",
        position=2,
    )
    in_draft_unit = classroom.assignment(
        school_session, classroom.homework, DUE, content_unit_id=unit.content_unit_id
    )

    for work in (draft, in_draft_unit):
        with refused(school_session, NotPublished, "is not published yet", Submission):
            submit(school_session, work, student, DUE)


def test_an_unknown_assignment_is_refused(school_session, student):
    with refused(school_session, NotFound, "no assignment with id 999999", Submission):
        submissions.submit(
            school_session,
            STUDENT,
            assignment_id=999999,
            student_id=student.student_id,
            submitted_date=DUE,
        )


def test_work_may_be_handed_in_again_until_it_is_scored(
    school_session, worksheet, student
):
    first = submit(school_session, worksheet, student, DUE, body="x = 3")
    mark = audit_mark(school_session)

    again = submit(
        school_session, worksheet, student, dt.date(2025, 9, 9), body="x = 4"
    )

    assert again is first
    assert (again.status, again.body) == ("late", "x = 4")
    [row] = audit_since(school_session, mark)
    assert (row.action, row.before_values["body"], row.after_values["body"]) == (
        "resubmit",
        "x = 3",
        "x = 4",
    )

    score(school_session, worksheet, student, 8)
    with refused(
        school_session, AlreadyScored, "is already scored (8.00 points)", Submission
    ):
        submit(school_session, worksheet, student, dt.date(2025, 9, 10))


def test_a_score_and_feedback_are_kept_exactly_as_given(
    school_session, worksheet, student
):
    submit(school_session, worksheet, student, DUE)
    feedback = "  Good work!\nCheck step 3: 2x = 8 ⇒ x = 4.\n\t— Ms Hopper  "
    mark = audit_mark(school_session)

    scored = score(school_session, worksheet, student, "8.5", feedback=feedback)

    school_session.expire_all()
    stored = school_session.get(Submission, scored.submission_id)
    assert (stored.points_earned, stored.feedback, stored.scored_by) == (
        Decimal("8.50"),
        feedback,
        TEACHER,
    )
    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values["feedback"]) == ("score", feedback)


def test_scoring_again_replaces_the_score(school_session, worksheet, student):
    submit(school_session, worksheet, student, DUE)
    score(school_session, worksheet, student, 6, feedback="Redo question 2")
    mark = audit_mark(school_session)

    rescored = score(school_session, worksheet, student, 9, feedback="Better")

    assert (rescored.points_earned, rescored.feedback) == (Decimal("9.00"), "Better")
    [row] = audit_since(school_session, mark)
    assert (row.action, row.before_values["points_earned"]) == ("rescore", "6.00")


def test_a_score_above_the_points_possible_is_refused(
    school_session, worksheet, student
):
    submit(school_session, worksheet, student, DUE)

    with refused(
        school_session,
        ScoreAboveMaximum,
        "10.50 points is more than the 10.00",
        Submission,
    ):
        score(school_session, worksheet, student, "10.5")
    with refused(
        school_session, InvalidValue, "points earned must be a number of zero or more"
    ):
        score(school_session, worksheet, student, -1)


def test_extra_credit_allows_a_score_above_the_points_possible(
    school_session, classroom, student
):
    bonus = classroom.assignment(
        school_session, classroom.homework, DUE, is_extra_credit_allowed=True
    )

    scored = score(school_session, bonus, student, 12, submitted_date=DUE)

    assert (scored.status, scored.points_earned) == ("on_time", Decimal("12.00"))


def test_work_handed_in_on_paper_is_scored_with_its_date(
    school_session, worksheet, student
):
    scored = score(
        school_session, worksheet, student, 7, submitted_date=dt.date(2025, 9, 10)
    )

    assert (scored.status, scored.submitted_date, scored.points_earned) == (
        "late",
        dt.date(2025, 9, 10),
        Decimal("7.00"),
    )


def test_work_never_handed_in_is_scored_as_missing(school_session, worksheet, student):
    scored = score(school_session, worksheet, student, 0, feedback="Not handed in")

    assert (scored.status, scored.submitted_date, scored.points_earned) == (
        "missing",
        None,
        Decimal("0.00"),
    )


def test_excused_work_is_recorded_and_then_refuses_scores_and_hand_ins(
    school_session, worksheet, student
):
    mark = audit_mark(school_session)

    excused = submissions.excuse(
        school_session,
        TEACHER,
        assignment_id=worksheet.assignment_id,
        student_id=student.student_id,
    )

    assert (excused.status, excused.submitted_date) == ("excused", None)
    assert [row.action for row in audit_since(school_session, mark)] == ["excuse"]
    with refused(
        school_session, ExcusedWork, "is excused from Worksheet 1", Submission
    ):
        score(school_session, worksheet, student, 5)
    with refused(school_session, ExcusedWork, "cancel the excuse first", Submission):
        submit(school_session, worksheet, student, DUE)
    with refused(school_session, ExcusedWork, "excused from Worksheet 1", Submission):
        submissions.excuse(
            school_session,
            TEACHER,
            assignment_id=worksheet.assignment_id,
            student_id=student.student_id,
        )


def test_cancelling_an_excuse_with_nothing_handed_in_removes_it(
    school_session, worksheet, student
):
    excused = submissions.excuse(
        school_session,
        TEACHER,
        assignment_id=worksheet.assignment_id,
        student_id=student.student_id,
    )
    key = excused.submission_id
    mark = audit_mark(school_session)

    assert (
        submissions.cancel_excuse(
            school_session,
            TEACHER,
            assignment_id=worksheet.assignment_id,
            student_id=student.student_id,
        )
        is None
    )

    assert school_session.get(Submission, key) is None
    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values) == ("cancel_excuse_delete", None)
    assert school_session.scalars(
        select(DeletedRecord.record_key).where(DeletedRecord.table_name == "submission")
    ).all() == [{"submission_id": key}]


def test_cancelling_an_excuse_restores_late_work_as_late(
    school_session, worksheet, student
):
    submit(school_session, worksheet, student, dt.date(2025, 9, 10))
    ids = {"assignment_id": worksheet.assignment_id, "student_id": student.student_id}
    submissions.excuse(school_session, TEACHER, **ids)

    restored = submissions.cancel_excuse(school_session, TEACHER, **ids)

    assert restored.status == "late"
    with refused(school_session, InvalidValue, "is not excused from Worksheet 1"):
        submissions.cancel_excuse(school_session, TEACHER, **ids)


def test_work_never_handed_in_cannot_be_recorded_without_a_score(
    school_session, worksheet, student
):
    row = {"assignment_id": worksheet.assignment_id, "student_id": student.student_id}
    with refused(
        school_session, InvalidValue, "recorded only with a score", Submission
    ):
        submissions.bulk_record_submissions(school_session, [row], TEACHER)


def test_the_teachers_queue_lists_work_handed_in_and_not_scored(
    school_session, classroom, worksheet, student
):
    other = classroom.student(school_session, "4003")
    waiting = submit(school_session, worksheet, student, DUE)
    submit(school_session, worksheet, other, SEP_5)
    score(school_session, worksheet, other, 10)

    assert submissions.needs_grading(school_session, classroom.section.section_id) == [
        waiting
    ]


def test_bulk_submissions_are_checked_scored_and_audited_once(
    school_session, classroom, worksheet, student
):
    other = classroom.student(school_session, "4004")
    third = classroom.student(school_session, "4005")
    mark = audit_mark(school_session)
    rows = [
        {
            "assignment_id": worksheet.assignment_id,
            "student_id": student.student_id,
            "submitted_date": DUE,
            "points_earned": 9,
            "feedback": "Neat",
        },
        {
            "assignment_id": worksheet.assignment_id,
            "student_id": other.student_id,
            "submitted_date": dt.date(2025, 9, 10),
        },
        {
            "assignment_id": worksheet.assignment_id,
            "student_id": third.student_id,
            "status": "excused",
        },
    ]

    assert submissions.bulk_record_submissions(school_session, rows, TEACHER) == 3

    stored = school_session.execute(
        select(
            Submission.student_id,
            Submission.status,
            Submission.points_earned,
            Submission.scored_by,
        )
        .where(Submission.assignment_id == worksheet.assignment_id)
        .order_by(Submission.student_id)
    ).all()
    assert [tuple(row) for row in stored] == [
        (student.student_id, "on_time", Decimal("9.00"), TEACHER),
        (other.student_id, "late", None, None),
        (third.student_id, "excused", None, None),
    ]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values) == ("bulk_record_submissions", {"n_rows": 3})


@pytest.mark.parametrize(
    ("second", "error", "message"),
    [
        ({}, Conflict, "already has a submission for assignment"),
        (
            {"submitted_date": dt.date(2025, 9, 12)},
            SubmissionClosed,
            "stopped accepting",
        ),
        ({"points_earned": 11}, ScoreAboveMaximum, "11.00 points is more than"),
        ({"status": "excused", "points_earned": 3}, ExcusedWork, "carries no score"),
    ],
)
def test_a_bulk_batch_with_one_bad_row_writes_nothing(
    school_session, worksheet, student, second, error, message
):
    first = {
        "assignment_id": worksheet.assignment_id,
        "student_id": student.student_id,
        "submitted_date": DUE,
    }
    with refused(school_session, error, message, Submission):
        submissions.bulk_record_submissions(
            school_session, [dict(first), first | second], TEACHER
        )
