"""The gradebook page's reads and its one write: the score sheet saved all or
none, and the grades, marks and grade-change requests by student name.

The classroom weighs Homework 30%, Quizzes 20%, Tests 50%. The work:
HW1 (Homework, 10 points, due Wed Sep 3, no work after Fri Sep 5) and T1
(Tests, 50 points, due Wed Sep 10), both in the closed period P1.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from operational.errors import (
    ExcusedWork,
    InvalidValue,
    NotFound,
    ScoreAboveMaximum,
    SubmissionClosed,
)
from operational.models import ApprovalRequest, Staff, StaffAssignment, Submission
from operational.services import (
    approvals,
    coursework,
    grading,
    records,
    submissions,
)
from operational.services import gradebook_sheets as sheets
from operational.services.gradebook_sheets import ScoreEntry
from tests.support.coursework import TEACHER, build_classroom
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

SEP = {day: dt.date(2025, 9, day) for day in range(1, 31)}


@pytest.fixture
def classroom(school_session, school):
    return build_classroom(school_session, school)


@pytest.fixture
def hw1(school_session, classroom):
    return classroom.assignment(
        school_session,
        classroom.homework,
        SEP[3],
        10,
        title="HW1",
        cutoff_date=SEP[5],
    )


@pytest.fixture
def t1(school_session, classroom):
    return classroom.assignment(
        school_session, classroom.tests, SEP[10], 50, title="T1"
    )


@pytest.fixture
def pupils(school_session, classroom):
    """Ada Student7001 and Ada Student7002, on the roster from September 1."""
    return [classroom.student(school_session, number) for number in ("7001", "7002")]


def save(session, assignment, *entries):
    return sheets.save_score_sheet(
        session, TEACHER, assignment_id=assignment.assignment_id, entries=entries
    )


def recorded(session, assignment):
    return {
        row.student_id: (
            row.status,
            row.submitted_date,
            row.points_earned,
            row.feedback,
        )
        for row in session.scalars(
            select(Submission).where(
                Submission.assignment_id == assignment.assignment_id
            )
        )
    }


def test_the_sheet_lists_the_roster_on_the_due_date_and_those_with_work(
    school_session, classroom, hw1, pupils
):
    late_joiner = classroom.student(school_session, "7003", entry_date=SEP[8])
    submissions.submit(
        school_session,
        "student",
        assignment_id=hw1.assignment_id,
        student_id=pupils[1].student_id,
        submitted_date=SEP[2],
    )

    lines = sheets.score_sheet(school_session, hw1.assignment_id)

    # The late joiner came after HW1 was due, and handed nothing in.
    assert late_joiner.student_id not in {line.student_id for line in lines}
    assert [
        (line.name, line.status, line.submitted_date, line.points_earned)
        for line in lines
    ] == [
        ("Student7001, Ada", None, None, None),
        ("Student7002, Ada", "on_time", SEP[2], None),
    ]


def test_a_sheet_is_saved_in_one_go_and_feedback_kept_verbatim(
    school_session, hw1, pupils
):
    first, second = pupils
    feedback = "  <b>Good</b>; drop table student; --\n"

    saved = save(
        school_session,
        hw1,
        ScoreEntry(first.student_id, " 8 ", feedback),
        ScoreEntry(second.student_id, "9.5", submitted_date=SEP[4]),
    )

    assert (saved.n_scored, saved.n_excused, saved.n_unexcused) == (2, 0, 0)
    # HW1 was due Sep 3: handed in Sep 4 is late; no day means never handed in.
    assert recorded(school_session, hw1) == {
        first.student_id: ("missing", None, Decimal("8.00"), feedback),
        second.student_id: ("late", SEP[4], Decimal("9.50"), None),
    }


def test_one_refused_line_leaves_the_whole_sheet_unwritten(school_session, hw1, pupils):
    first, second = pupils

    with refused(
        school_session,
        ScoreAboveMaximum,
        "Student7002, Ada: 11.00 points is more than the 10.00 HW1 is worth",
        Submission,
    ):
        save(
            school_session,
            hw1,
            ScoreEntry(first.student_id, "8"),
            ScoreEntry(second.student_id, "11"),
        )


def test_paper_work_after_the_cut_off_is_refused(school_session, hw1, pupils):
    with refused(
        school_session,
        SubmissionClosed,
        "Student7001, Ada: HW1 stopped accepting work after 2025-09-05",
        Submission,
    ):
        save(school_session, hw1, ScoreEntry(pupils[0].student_id, "8", "", SEP[6]))


def test_unchanged_lines_write_nothing(school_session, hw1, pupils):
    first, second = pupils
    save(school_session, hw1, ScoreEntry(first.student_id, "8", "Neat"))
    mark = audit_mark(school_session)

    saved = save(
        school_session,
        hw1,
        ScoreEntry(first.student_id, "8.00", "Neat"),
        ScoreEntry(second.student_id, ""),
    )

    assert (saved.n_scored, saved.n_excused, saved.n_unexcused) == (0, 0, 0)
    assert audit_since(school_session, mark) == []


def test_a_new_score_or_feedback_rescores_the_line(school_session, hw1, pupils):
    first = pupils[0]
    save(school_session, hw1, ScoreEntry(first.student_id, "8", "Neat"))
    mark = audit_mark(school_session)

    save(school_session, hw1, ScoreEntry(first.student_id, "8", "Neat, and right"))

    assert recorded(school_session, hw1)[first.student_id][2:] == (
        Decimal("8.00"),
        "Neat, and right",
    )
    [row] = audit_since(school_session, mark)
    assert row.action == "rescore"


def test_work_is_excused_and_the_excuse_cleared(school_session, hw1, pupils):
    first = pupils[0]

    excused = save(
        school_session, hw1, ScoreEntry(first.student_id, "", "", None, True)
    )
    assert recorded(school_session, hw1) == {
        first.student_id: ("excused", None, None, None)
    }
    cleared = save(school_session, hw1, ScoreEntry(first.student_id, ""))

    assert (excused.n_excused, cleared.n_unexcused) == (1, 1)
    # Nothing had been handed in, so nothing stays on record.
    assert recorded(school_session, hw1) == {}


@pytest.mark.parametrize(
    ("typed", "error", "message"),
    [
        (
            {"points": "7", "is_excused": True},
            ExcusedWork,
            "Student7001, Ada: excused work carries no score; clear the points",
        ),
        (
            {"points": "", "feedback": "Well done"},
            InvalidValue,
            "Student7001, Ada: feedback goes with a score: type the points too",
        ),
        (
            {"points": "-1"},
            InvalidValue,
            "Student7001, Ada: points earned must be a number of zero or more",
        ),
    ],
)
def test_lines_that_make_no_sense_are_refused(
    school_session, hw1, pupils, typed, error, message
):
    with refused(school_session, error, message, Submission):
        save(school_session, hw1, ScoreEntry(pupils[0].student_id, **typed))


def test_a_recorded_score_cannot_be_emptied_and_excused_work_takes_none(
    school_session, hw1, pupils
):
    first, second = pupils
    save(school_session, hw1, ScoreEntry(first.student_id, "8"))
    save(school_session, hw1, ScoreEntry(second.student_id, "", "", None, True))

    with refused(
        school_session,
        InvalidValue,
        "Student7001, Ada: the score of 8.00 cannot be emptied",
        Submission,
    ):
        save(school_session, hw1, ScoreEntry(first.student_id, ""))
    with refused(
        school_session,
        ExcusedWork,
        f"Student7002, Ada: student {second.student_id} is excused from HW1; "
        "cancel the excuse first",
        Submission,
    ):
        save(school_session, hw1, ScoreEntry(second.student_id, "7", "", None, True))


def test_only_published_work_outside_draft_units_is_offered(
    school_session, classroom, hw1, t1
):
    classroom.assignment(school_session, classroom.tests, SEP[4], publish=False)
    unit = coursework.add_unit(
        school_session,
        TEACHER,
        section_id=classroom.section.section_id,
        title="Draft unit",
        position=1,
    )
    classroom.assignment(
        school_session, classroom.tests, SEP[4], content_unit_id=unit.content_unit_id
    )

    offered = sheets.scoreable_assignments(school_session, classroom.section.section_id)

    assert [(a.title, a.category, a.points_possible) for a in offered] == [
        ("HW1", "Homework", Decimal("10.00")),
        ("T1", "Tests", Decimal("50.00")),
    ]


def test_an_assignment_of_another_section_is_not_found(
    school_session, school, classroom, hw1
):
    with pytest.raises(NotFound, match="MATH-101-01 has no assignment with id"):
        sheets.assignment_of_section(
            school_session, school.section.section_id, hw1.assignment_id
        )


def test_the_grade_table_names_each_students_grade(
    school_session, classroom, hw1, t1, pupils
):
    first, second = pupils
    save(school_session, hw1, ScoreEntry(first.student_id, "8", "", SEP[3]))
    save(school_session, t1, ScoreEntry(first.student_id, "40", "", SEP[10]))

    rows = sheets.grade_table(
        school_session, classroom.section.section_id, as_of=SEP[15]
    )

    # First: Homework 80%, Tests 80% -> 80. Second: HW1 and T1 missing -> 0.
    assert [
        (row.name, row.percent, row.categories, row.progress.n_overdue) for row in rows
    ] == [
        (
            "Student7001, Ada",
            Decimal("80.00"),
            {"Homework": Decimal("80.00"), "Quizzes": None, "Tests": Decimal("80.00")},
            0,
        ),
        (
            "Student7002, Ada",
            Decimal("0.00"),
            {"Homework": Decimal("0.00"), "Quizzes": None, "Tests": Decimal("0.00")},
            2,
        ),
    ]


def approvals_principal(session, school):
    """A principal of the school, who decides grade-change requests."""
    approvals.grant_default_approver_roles(session, ACTOR)
    member = records.create(
        session, Staff, ACTOR, staff_number="P9", first_name="Pat", last_name="Quinn"
    )
    records.create(
        session,
        StaffAssignment,
        ACTOR,
        staff_id=member.staff_id,
        school_id=school.school.school_id,
        school_year_id=school.year.school_year_id,
        position="principal",
    )
    return member


def test_proposed_marks_stand_beside_the_posted_ones(
    school_session, school, classroom, hw1, pupils
):
    first, second = pupils
    save(
        school_session,
        hw1,
        ScoreEntry(first.student_id, "7", "", SEP[3]),
        ScoreEntry(second.student_id, "9", "", SEP[3]),
    )
    period = school.closed_period
    request = approvals.request_grade_change(
        school_session,
        TEACHER,
        student_id=first.student_id,
        section_id=classroom.section.section_id,
        grading_period_id=period.grading_period_id,
        percent="75",
        requested_by_staff_id=school.teacher.staff_id,
        reason="Late work accepted",
    )
    principal = approvals_principal(school_session, school)
    approvals.approve(
        school_session,
        "principal",
        request.approval_request_id,
        decided_by_staff_id=principal.staff_id,
    )
    grading.post_mark(
        school_session,
        TEACHER,
        student_id=first.student_id,
        section_id=classroom.section.section_id,
        grading_period_id=period.grading_period_id,
        percent="75",
        approval_request_id=request.approval_request_id,
    )

    rows = sheets.proposal_table(
        school_session,
        classroom.section.section_id,
        period.grading_period_id,
        as_of=SEP[15],
    )

    # P1 holds HW1 only: 7/10 = 70% (C) and 9/10 = 90% (A); 75 was posted.
    assert [
        (row.name, row.percent, row.letter, row.posted_percent, row.posted_letter)
        for row in rows
    ] == [
        ("Student7001, Ada", Decimal("70.00"), "C", Decimal("75.00"), "C"),
        ("Student7002, Ada", Decimal("90.00"), "A", None, None),
    ]
    [listed] = sheets.grade_change_requests(
        school_session, classroom.section.section_id, period.grading_period_id
    )
    assert (listed.name, listed.percent, listed.status, listed.reason) == (
        "Student7001, Ada",
        Decimal("75.00"),
        "applied",
        "Late work accepted",
    )


def test_requests_of_other_sections_and_periods_are_not_listed(
    school_session, school, classroom, hw1, pupils
):
    save(school_session, hw1, ScoreEntry(pupils[0].student_id, "7", "", SEP[3]))
    request = approvals.request_grade_change(
        school_session,
        TEACHER,
        student_id=pupils[0].student_id,
        section_id=classroom.section.section_id,
        grading_period_id=school.closed_period.grading_period_id,
        percent="75",
        requested_by_staff_id=school.teacher.staff_id,
        reason="Late work accepted",
    )

    assert (
        sheets.grade_change_requests(
            school_session,
            classroom.section.section_id,
            school.open_period.grading_period_id,
        )
        == []
    )
    assert (
        sheets.grade_change_requests(
            school_session,
            school.section.section_id,
            school.closed_period.grading_period_id,
        )
        == []
    )
    with pytest.raises(NotFound, match="no grade-change request"):
        sheets.grade_change_request_of_section(
            school_session, school.section.section_id, request.approval_request_id
        )
    assert (
        sheets.grade_change_request_of_section(
            school_session, classroom.section.section_id, request.approval_request_id
        ).approval_request_id
        == request.approval_request_id
    )
    assert school_session.scalars(select(ApprovalRequest)).one().status == "pending"
