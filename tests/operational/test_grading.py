"""Grading: period marks, final grades, credits, GPA and the transcript.

The scale of the test school: A from 90 (4.0 points), B from 80 (3.0), C from
70 (2.0), D from 60 (1.0), F below (0.0, the only failing letter). Period P1
(Sep 1-12) is closed, P2 (Sep 15-26) open. MATH-101 is worth 1 credit.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from operational.errors import (
    GradingPeriodClosed,
    InvalidValue,
    NotFound,
    NotRostered,
)
from operational.models import (
    Course,
    FinalGrade,
    GraduationRequirement,
    Mark,
    Section,
)
from operational.services import grading, records, rosters
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

TEACHER = "test:teacher"


def rostered(session, school, number, section=None, entry=dt.date(2025, 9, 1)):
    student = school.enrolled(session, number)
    rosters.place(
        session,
        ACTOR,
        section_id=(section or school.section).section_id,
        student_id=student.student_id,
        entry_date=entry,
    )
    return student


def post(session, school, student, percent, period=None, actor=TEACHER) -> Mark:
    return grading.post_mark(
        session,
        actor,
        student_id=student.student_id,
        section_id=school.section.section_id,
        grading_period_id=(period or school.open_period).grading_period_id,
        percent=percent,
    )


def post_final(session, section, student, percent) -> FinalGrade:
    return grading.post_final_grade(
        session,
        TEACHER,
        student_id=student.student_id,
        section_id=section.section_id,
        percent=percent,
    )


def english_section(session, school, credits="0.50") -> Section:
    course = records.create(
        session,
        Course,
        ACTOR,
        course_code="ENG-101",
        title="English I",
        subject="english",
        credits=Decimal(credits),
        low_grade=9,
        high_grade=12,
    )
    return records.create(
        session,
        Section,
        ACTOR,
        course_id=course.course_id,
        school_id=school.school.school_id,
        school_year_id=school.year.school_year_id,
        section_code="ENG-101-01",
        teacher_id=school.teacher.staff_id,
        capacity=5,
    )


@pytest.mark.parametrize(
    ("percent", "stored", "letter"),
    [
        ("90", "90.00", "A"),
        ("89.99", "89.99", "B"),
        ("80", "80.00", "B"),
        ("79.994", "79.99", "C"),  # rounds to the hundredth first
        ("79.995", "80.00", "B"),
        ("60", "60.00", "D"),
        ("59.99", "59.99", "F"),
        ("100", "100.00", "A"),
        ("0", "0.00", "F"),
    ],
)
def test_the_letter_comes_from_the_scale(
    school_session, school, percent, stored, letter
):
    student = rostered(school_session, school, "1001")
    mark = post(school_session, school, student, percent)
    saved = school_session.execute(
        select(Mark.percent, Mark.letter).where(Mark.mark_id == mark.mark_id)
    ).one()
    assert saved == (Decimal(stored), letter)


def test_posting_a_mark_audits_it(school_session, school):
    student = rostered(school_session, school, "1001")
    mark = audit_mark(school_session)
    posted = post(school_session, school, student, Decimal("88.5"))
    [row] = audit_since(school_session, mark)
    assert (row.action, row.actor, row.record_key) == (
        "post_mark",
        TEACHER,
        str(posted.mark_id),
    )
    assert (row.after_values["percent"], row.after_values["letter"]) == (
        "88.50",
        "B",
    )


def test_a_closed_period_is_refused(school_session, school):
    student = rostered(school_session, school, "1001")
    with refused(
        school_session,
        GradingPeriodClosed,
        "the grading period P1 is closed; a change to its marks needs an "
        "approved grade-change request",
        Mark,
    ):
        post(school_session, school, student, 95, period=school.closed_period)


def test_a_student_never_on_the_roster_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        NotRostered,
        f"student {student.student_id} was not on the roster of section "
        "MATH-101-01 during P2",
        Mark,
    ):
        post(school_session, school, student, 95)


def test_a_student_who_left_before_the_period_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    seat = rosters.place(
        school_session,
        ACTOR,
        section_id=school.section.section_id,
        student_id=student.student_id,
        entry_date=dt.date(2025, 9, 1),
    )
    # Friday September 12 is the last day of P1; P2 starts on the 15th.
    rosters.drop(
        school_session,
        ACTOR,
        seat.section_enrollment_id,
        exit_date=dt.date(2025, 9, 12),
    )
    with refused(school_session, NotRostered, "during P2", Mark):
        post(school_session, school, student, 95)


def test_a_student_who_joined_during_the_period_is_marked(school_session, school):
    student = rostered(school_session, school, "1001", entry=dt.date(2025, 9, 22))
    assert post(school_session, school, student, 71).letter == "C"


def test_an_unknown_period_is_not_found(school_session, school):
    student = rostered(school_session, school, "1001")
    with refused(
        school_session,
        NotFound,
        "grading period 999999 is not a period of the school year of section "
        "MATH-101-01",
        Mark,
    ):
        grading.post_mark(
            school_session,
            TEACHER,
            student_id=student.student_id,
            section_id=school.section.section_id,
            grading_period_id=999_999,
            percent=80,
        )


def test_reposting_while_open_updates_the_mark(school_session, school):
    student = rostered(school_session, school, "1001")
    first = post(school_session, school, student, 85)
    # Back-date the first posting, so a new stamp is told apart from it.
    school_session.execute(
        update(Mark)
        .where(Mark.mark_id == first.mark_id)
        .values(posted_at=dt.datetime(2025, 9, 20, 8, 0))
    )
    school_session.expire(first)
    mark = audit_mark(school_session)

    again = post(school_session, school, student, 91, actor="test:other-teacher")

    assert again.mark_id == first.mark_id
    saved = school_session.execute(
        select(Mark.percent, Mark.letter, Mark.posted_by, Mark.posted_at).where(
            Mark.student_id == student.student_id
        )
    ).all()
    assert len(saved) == 1
    assert saved[0][:3] == (Decimal("91.00"), "A", "test:other-teacher")
    assert saved[0][3] > dt.datetime(2025, 9, 20, 8, 0)
    [row] = audit_since(school_session, mark)
    assert row.action == "repost_mark"
    assert (row.before_values["percent"], row.before_values["letter"]) == (
        "85.00",
        "B",
    )
    assert (row.after_values["percent"], row.after_values["letter"]) == (
        "91.00",
        "A",
    )


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        (-1, "a mark is a percentage from 0 to 100, not -1"),
        ("100.01", "a mark is a percentage from 0 to 100, not 100.01"),
        ("abc", "'abc' is not a percentage"),
    ],
)
def test_a_percent_outside_0_to_100_is_refused(
    school_session, school, percent, message
):
    student = rostered(school_session, school, "1001")
    with refused(school_session, InvalidValue, message, Mark):
        post(school_session, school, student, percent)


def test_close_grading_period_then_posting_is_refused(school_session, school):
    student = rostered(school_session, school, "1001")
    post(school_session, school, student, 85)
    mark = audit_mark(school_session)

    grading.close_grading_period(
        school_session, ACTOR, school.open_period.grading_period_id
    )

    [row] = audit_since(school_session, mark)
    assert row.action == "close_grading_period"
    assert (row.before_values["is_closed"], row.after_values["is_closed"]) == (
        False,
        True,
    )
    with refused(school_session, GradingPeriodClosed, "P2 is closed", Mark):
        post(school_session, school, student, 95)
    with refused(school_session, InvalidValue, "P2 is already closed"):
        grading.close_grading_period(
            school_session, ACTOR, school.open_period.grading_period_id
        )
    assert school_session.scalars(select(Mark.percent)).all() == [Decimal("85.00")]


@pytest.mark.parametrize(
    ("percent", "letter", "points", "earned"),
    [(75, "C", "2.00", "1.00"), (60, "D", "1.00", "1.00"), (59, "F", "0.00", "0")],
)
def test_a_final_grade_earns_the_course_credits_when_passing(
    school_session, school, percent, letter, points, earned
):
    student = rostered(school_session, school, "1001")
    grade = post_final(school_session, school.section, student, percent)
    saved = school_session.execute(
        select(
            FinalGrade.letter,
            FinalGrade.grade_points,
            FinalGrade.credits_attempted,
            FinalGrade.credits_earned,
        ).where(FinalGrade.final_grade_id == grade.final_grade_id)
    ).one()
    assert saved == (letter, Decimal(points), Decimal("1.00"), Decimal(earned))


def test_a_final_grade_for_a_student_never_rostered_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        NotRostered,
        f"student {student.student_id} was never on the roster of section MATH-101-01",
        FinalGrade,
    ):
        post_final(school_session, school.section, student, 80)


def test_reposting_a_final_grade_replaces_it(school_session, school):
    student = rostered(school_session, school, "1001")
    post_final(school_session, school.section, student, 55)
    post_final(school_session, school.section, student, 65)
    saved = school_session.execute(
        select(FinalGrade.letter, FinalGrade.credits_earned).where(
            FinalGrade.student_id == student.student_id
        )
    ).all()
    assert saved == [("D", Decimal("1.00"))]


def test_gpa_weighs_grade_points_by_credits(school_session, school):
    english = english_section(school_session, school)
    student = rostered(school_session, school, "1001")
    rosters.place(
        school_session,
        ACTOR,
        section_id=english.section_id,
        student_id=student.student_id,
        entry_date=dt.date(2025, 9, 1),
    )
    post_final(school_session, school.section, student, 95)  # A, 1 credit
    post_final(school_session, english, student, 75)  # C, half a credit

    # (4.0 * 1 + 2.0 * 0.5) / 1.5 = 3.333...
    assert grading.gpa(school_session, student.student_id) == Decimal("3.33")
    assert grading.gpa(
        school_session, student.student_id, school.year.school_year_id
    ) == Decimal("3.33")
    assert grading.gpa(school_session, student.student_id, 999_999) is None


def test_a_failed_course_counts_in_the_gpa(school_session, school):
    english = english_section(school_session, school)
    student = rostered(school_session, school, "1001")
    rosters.place(
        school_session,
        ACTOR,
        section_id=english.section_id,
        student_id=student.student_id,
        entry_date=dt.date(2025, 9, 1),
    )
    post_final(school_session, school.section, student, 92)  # A, 1 credit
    post_final(school_session, english, student, 40)  # F, half a credit

    # (4.0 * 1 + 0.0 * 0.5) / 1.5 = 2.666..., rounded half up.
    assert grading.gpa(school_session, student.student_id) == Decimal("2.67")


def test_gpa_without_grades_is_none(school_session, school):
    student = school.enrolled(school_session, "1001")
    assert grading.gpa(school_session, student.student_id) is None


def test_the_transcript_lists_courses_and_what_graduation_still_needs(
    school_session, school
):
    for subject, credits in (("mathematics", "1.00"), ("english", "1.00")):
        records.create(
            school_session,
            GraduationRequirement,
            ACTOR,
            subject=subject,
            credits_required=Decimal(credits),
        )
    records.create(
        school_session,
        GraduationRequirement,
        ACTOR,
        subject="science",
        credits_required=Decimal("2.00"),
    )
    english = english_section(school_session, school)
    student = rostered(school_session, school, "1001")
    rosters.place(
        school_session,
        ACTOR,
        section_id=english.section_id,
        student_id=student.student_id,
        entry_date=dt.date(2025, 9, 1),
    )
    post_final(school_session, school.section, student, 95)
    post_final(school_session, english, student, 75)

    transcript = grading.transcript(school_session, student.student_id)

    assert [
        (line.school_year, line.course_code, line.letter, line.credits_earned)
        for line in transcript.lines
    ] == [
        ("2025-2026", "ENG-101", "C", Decimal("0.50")),
        ("2025-2026", "MATH-101", "A", Decimal("1.00")),
    ]
    assert transcript.gpa == Decimal("3.33")
    assert transcript.credits_earned == Decimal("1.50")
    assert transcript.credits_by_subject == {
        "english": Decimal("0.50"),
        "mathematics": Decimal("1.00"),
    }
    # Mathematics is met exactly; English lacks half a credit; no science yet.
    assert transcript.credits_missing == {
        "english": Decimal("0.50"),
        "science": Decimal("2.00"),
    }


def test_bulk_post_marks_fills_in_letters_and_refuses_a_closed_period(
    school_session, school
):
    first, second = (rostered(school_session, school, n) for n in ("1001", "1002"))

    def row(student, percent, period) -> dict:
        return {
            "student_id": student.student_id,
            "section_id": school.section.section_id,
            "grading_period_id": period.grading_period_id,
            "percent": percent,
        }

    with refused(school_session, GradingPeriodClosed, "P1 is closed", Mark):
        grading.bulk_post_marks(
            school_session,
            [row(first, 90, school.open_period), row(second, 70, school.closed_period)],
            TEACHER,
        )
    n_rows = grading.bulk_post_marks(
        school_session,
        [row(first, 90, school.open_period), row(second, 69.99, school.open_period)],
        TEACHER,
    )

    assert n_rows == 2
    saved = school_session.execute(
        select(Mark.student_id, Mark.letter, Mark.posted_by).order_by(Mark.mark_id)
    ).all()
    assert saved == [
        (first.student_id, "A", TEACHER),
        (second.student_id, "D", TEACHER),
    ]


def test_bulk_post_final_grades_fills_in_the_credits(school_session, school):
    passing, failing = (rostered(school_session, school, n) for n in ("1001", "1002"))
    section_id = school.section.section_id
    rows = [
        {"student_id": passing.student_id, "section_id": section_id, "percent": 80},
        {"student_id": failing.student_id, "section_id": section_id, "percent": 20},
    ]

    assert grading.bulk_post_final_grades(school_session, rows, TEACHER) == 2

    saved = school_session.execute(
        select(FinalGrade.letter, FinalGrade.credits_earned).order_by(
            FinalGrade.final_grade_id
        )
    ).all()
    assert saved == [("B", Decimal("1.00")), ("F", Decimal("0.00"))]
