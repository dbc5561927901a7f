"""Enrollment: enroll, withdraw, transfer and the bulk path, and every refusal.

Dates are those of the test school: the 2025-2026 year runs from Monday
August 25 2025 to Friday June 12 2026; Lincoln and Roosevelt High teach
grades 9 to 12.
"""

import datetime as dt

import pytest
from sqlalchemy import select

from operational.errors import (
    InvalidValue,
    NotEnrolled,
    NotFound,
    OverlappingEnrollment,
)
from operational.models import Enrollment
from operational.services import enrollment
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

SEP_1 = dt.date(2025, 9, 1)
SEP_15 = dt.date(2025, 9, 15)


def enroll(session, school, student, **overrides) -> Enrollment:
    values = {
        "student_id": student.student_id,
        "school_id": school.school.school_id,
        "school_year_id": school.year.school_year_id,
        "grade_level": 10,
        "entry_date": SEP_1,
    }
    return enrollment.enroll(session, ACTOR, **(values | overrides))


def enrollments_of(session, student) -> list[tuple]:
    """What the database holds, read past the session's identity map."""
    return session.execute(
        select(
            Enrollment.school_id,
            Enrollment.entry_date,
            Enrollment.entry_code,
            Enrollment.exit_date,
            Enrollment.exit_code,
        )
        .where(Enrollment.student_id == student.student_id)
        .order_by(Enrollment.entry_date)
    ).all()


def test_enroll_writes_the_enrollment_and_one_audit_row(school_session, school):
    student = school.student(school_session, "1001")
    mark = audit_mark(school_session)

    enrolled = enroll(school_session, school, student)

    assert enrollments_of(school_session, student) == [
        (school.school.school_id, SEP_1, "new", None, None)
    ]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.table_name) == ("enroll", "enrollment")
    assert row.record_key == str(enrolled.enrollment_id)
    assert row.before_values is None
    assert row.after_values["entry_date"] == "2025-09-01"
    assert row.after_values["grade_level"] == 10


@pytest.mark.parametrize(
    ("grade_level", "said"),
    [(8, "not grade 8"), (0, "not kindergarten"), (13, "not grade 13")],
)
def test_a_grade_outside_the_school_span_is_refused(
    school_session, school, grade_level, said
):
    student = school.student(school_session, "1001")
    with refused(
        school_session,
        InvalidValue,
        f"Lincoln High teaches grade 9 to grade 12, {said}",
        Enrollment,
    ):
        enroll(school_session, school, student, grade_level=grade_level)


@pytest.mark.parametrize(
    "entry_date", [dt.date(2025, 8, 24), dt.date(2026, 6, 13)], ids=str
)
def test_an_entry_outside_the_school_year_is_refused(
    school_session, school, entry_date
):
    student = school.student(school_session, "1001")
    with refused(
        school_session,
        InvalidValue,
        f"the entry date {entry_date} is outside the 2025-2026 school year "
        "(2025-08-25 to 2026-06-12)",
        Enrollment,
    ):
        enroll(school_session, school, student, entry_date=entry_date)


def test_the_first_and_last_days_of_the_year_are_inside_it(school_session, school):
    first = school.student(school_session, "1001")
    last = school.student(school_session, "1002")
    enroll(school_session, school, first, entry_date=dt.date(2025, 8, 25))
    enroll(school_session, school, last, entry_date=dt.date(2026, 6, 12))
    assert enrollments_of(school_session, first)[0][1] == dt.date(2025, 8, 25)
    assert enrollments_of(school_session, last)[0][1] == dt.date(2026, 6, 12)


def test_an_unknown_entry_code_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    with refused(
        school_session, InvalidValue, "'walk_in' is not an entry code", Enrollment
    ):
        enroll(school_session, school, student, entry_code="walk_in")


def test_an_unknown_exit_code_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    with refused(
        school_session, InvalidValue, "'vanished' is not an exit code", Enrollment
    ):
        enrollment.withdraw(
            school_session,
            ACTOR,
            current.enrollment_id,
            exit_date=SEP_15,
            exit_code="vanished",
        )
    assert enrollments_of(school_session, student)[0][3:] == (None, None)


def test_an_unknown_school_or_student_is_not_found(school_session, school):
    student = school.student(school_session, "1001")
    with refused(school_session, NotFound, "no school with id 999999", Enrollment):
        enroll(school_session, school, student, school_id=999_999)
    with refused(school_session, NotFound, "no student with id 999999", Enrollment):
        enrollment.enroll(
            school_session,
            ACTOR,
            student_id=999_999,
            school_id=school.school.school_id,
            school_year_id=school.year.school_year_id,
            grade_level=9,
            entry_date=SEP_1,
        )


def test_an_exit_before_the_entry_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    with refused(
        school_session,
        InvalidValue,
        "the exit date 2025-08-31 is before the entry date 2025-09-01",
        Enrollment,
    ):
        enrollment.withdraw(
            school_session,
            ACTOR,
            current.enrollment_id,
            exit_date=dt.date(2025, 8, 31),
            exit_code="dropped_out",
        )


def test_an_exit_after_the_school_year_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    with refused(
        school_session,
        InvalidValue,
        "the exit date 2026-06-13 is after the end of the 2025-2026 school year",
        Enrollment,
    ):
        enrollment.withdraw(
            school_session,
            ACTOR,
            current.enrollment_id,
            exit_date=dt.date(2026, 6, 13),
            exit_code="end_of_year",
        )


@pytest.mark.parametrize("second_school", ["school", "other_school"])
def test_a_second_enrollment_over_an_open_one_is_refused(
    school_session, school, second_school
):
    student = school.student(school_session, "1001")
    first = enroll(school_session, school, student)
    with refused(
        school_session,
        OverlappingEnrollment,
        "the student is already enrolled from 2025-09-01 to now "
        f"(enrollment {first.enrollment_id})",
        Enrollment,
    ):
        enroll(
            school_session,
            school,
            student,
            school_id=getattr(school, second_school).school_id,
            entry_date=SEP_15,
        )


def test_an_enrollment_may_start_the_day_after_the_last_one_ended(
    school_session, school
):
    student = school.student(school_session, "1001")
    first = enroll(school_session, school, student)
    enrollment.withdraw(
        school_session,
        ACTOR,
        first.enrollment_id,
        exit_date=dt.date(2025, 9, 10),
        exit_code="transfer_out_district",
    )
    other = school.other_school.school_id

    # Both ends are days in membership, so the exit day itself is taken.
    with refused(
        school_session,
        OverlappingEnrollment,
        "already enrolled from 2025-09-01 to 2025-09-10",
        Enrollment,
    ):
        enroll(
            school_session,
            school,
            student,
            school_id=other,
            entry_date=dt.date(2025, 9, 10),
        )
    enroll(
        school_session,
        school,
        student,
        school_id=other,
        entry_date=dt.date(2025, 9, 11),
    )

    assert [row[:2] for row in enrollments_of(school_session, student)] == [
        (school.school.school_id, SEP_1),
        (other, dt.date(2025, 9, 11)),
    ]


def test_an_open_ended_enrollment_overlaps_a_later_one(school_session, school):
    student = school.student(school_session, "1001")
    later = enroll(school_session, school, student, entry_date=SEP_15)
    with refused(
        school_session,
        OverlappingEnrollment,
        f"already enrolled from 2025-09-15 to now (enrollment {later.enrollment_id})",
        Enrollment,
    ):
        enroll(school_session, school, student, entry_date=SEP_1)


def test_a_bounded_enrollment_fits_before_a_later_one(school_session, school):
    student = school.student(school_session, "1001")
    enroll(school_session, school, student, entry_date=SEP_15)
    row = {
        "student_id": student.student_id,
        "school_id": school.other_school.school_id,
        "school_year_id": school.year.school_year_id,
        "grade_level": 10,
        "entry_date": SEP_1,
        "exit_date": dt.date(2025, 9, 12),
        "exit_code": "transfer_in_district",
    }

    assert enrollment.bulk_enroll(school_session, [row], ACTOR) == 1

    assert [row[1] for row in enrollments_of(school_session, student)] == [
        SEP_1,
        SEP_15,
    ]


def test_withdraw_ends_the_enrollment_and_audits_before_and_after(
    school_session, school
):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    mark = audit_mark(school_session)

    enrollment.withdraw(
        school_session,
        ACTOR,
        current.enrollment_id,
        exit_date=dt.date(2025, 9, 19),
        exit_code="dropped_out",
    )

    assert enrollments_of(school_session, student)[0][3:] == (
        dt.date(2025, 9, 19),
        "dropped_out",
    )
    [row] = audit_since(school_session, mark)
    assert row.action == "withdraw"
    assert row.before_values["exit_date"] is None
    assert row.before_values["exit_code"] is None
    assert row.after_values["exit_date"] == "2025-09-19"
    assert row.after_values["exit_code"] == "dropped_out"


def test_withdrawing_twice_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    enrollment.withdraw(
        school_session,
        ACTOR,
        current.enrollment_id,
        exit_date=dt.date(2025, 9, 19),
        exit_code="dropped_out",
    )
    with refused(
        school_session,
        InvalidValue,
        f"enrollment {current.enrollment_id} already ended on 2025-09-19 (dropped_out)",
        Enrollment,
    ):
        enrollment.withdraw(
            school_session,
            ACTOR,
            current.enrollment_id,
            exit_date=dt.date(2025, 9, 26),
            exit_code="end_of_year",
        )
    assert enrollments_of(school_session, student)[0][3] == dt.date(2025, 9, 19)


def test_transfer_ends_the_old_enrollment_the_day_before_the_new_one(
    school_session, school
):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    mark = audit_mark(school_session)

    new = enrollment.transfer(
        school_session,
        ACTOR,
        current.enrollment_id,
        to_school_id=school.other_school.school_id,
        first_day=SEP_15,
    )

    lincoln, roosevelt = school.school.school_id, school.other_school.school_id
    moved = "transfer_in_district"
    assert enrollments_of(school_session, student) == [
        (lincoln, SEP_1, "new", dt.date(2025, 9, 14), moved),
        (roosevelt, SEP_15, moved, None, None),
    ]
    assert new.grade_level == 10
    actions = [row.action for row in audit_since(school_session, mark)]
    assert actions == ["withdraw", "enroll"]


def test_transfer_may_change_the_grade(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    new = enrollment.transfer(
        school_session,
        ACTOR,
        current.enrollment_id,
        to_school_id=school.other_school.school_id,
        first_day=SEP_15,
        grade_level=11,
    )
    assert new.grade_level == 11


def test_transfer_to_the_same_school_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    with refused(
        school_session,
        InvalidValue,
        "the student is already enrolled in that school",
        Enrollment,
    ):
        enrollment.transfer(
            school_session,
            ACTOR,
            current.enrollment_id,
            to_school_id=school.school.school_id,
            first_day=SEP_15,
        )


def test_transfer_starting_on_the_entry_day_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    with refused(
        school_session,
        InvalidValue,
        "a transfer starting 2025-09-01 would end the current enrollment "
        "before its entry date 2025-09-01",
        Enrollment,
    ):
        enrollment.transfer(
            school_session,
            ACTOR,
            current.enrollment_id,
            to_school_id=school.other_school.school_id,
            first_day=SEP_1,
        )
    assert enrollments_of(school_session, student) == [
        (school.school.school_id, SEP_1, "new", None, None)
    ]


def test_transfer_refused_by_the_new_school_leaves_the_old_enrollment_open(
    school_session, school
):
    """The withdrawal is written first; the refused enrollment must undo it."""
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    with refused(
        school_session,
        InvalidValue,
        "Roosevelt High teaches grade 9 to grade 12, not grade 8",
        Enrollment,
    ):
        enrollment.transfer(
            school_session,
            ACTOR,
            current.enrollment_id,
            to_school_id=school.other_school.school_id,
            first_day=SEP_15,
            grade_level=8,
        )
    assert enrollments_of(school_session, student) == [
        (school.school.school_id, SEP_1, "new", None, None)
    ]
    assert (current.exit_date, current.exit_code) == (None, None)


def test_transfer_of_an_ended_enrollment_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    enrollment.withdraw(
        school_session,
        ACTOR,
        current.enrollment_id,
        exit_date=dt.date(2025, 9, 5),
        exit_code="transfer_out_district",
    )
    with refused(school_session, NotEnrolled, "ended on 2025-09-05", Enrollment):
        enrollment.transfer(
            school_session,
            ACTOR,
            current.enrollment_id,
            to_school_id=school.other_school.school_id,
            first_day=SEP_15,
        )


def test_enrollment_on_finds_the_stay_through_its_exit_day(school_session, school):
    student = school.student(school_session, "1001")
    current = enroll(school_session, school, student)
    enrollment.withdraw(
        school_session,
        ACTOR,
        current.enrollment_id,
        exit_date=dt.date(2025, 9, 19),
        exit_code="dropped_out",
    )
    ids = (student.student_id, school.school.school_id)

    found = enrollment.enrollment_on(school_session, *ids, dt.date(2025, 9, 19))

    assert found.enrollment_id == current.enrollment_id
    with pytest.raises(NotEnrolled, match="not enrolled at school"):
        enrollment.enrollment_on(school_session, *ids, dt.date(2025, 9, 22))


def bulk_row(school, student, entry_date, school_id=None) -> dict:
    return {
        "student_id": student.student_id,
        "school_id": school_id or school.school.school_id,
        "school_year_id": school.year.school_year_id,
        "grade_level": 9,
        "entry_date": entry_date,
    }


def test_bulk_enroll_inserts_the_batch_with_one_audit_row(school_session, school):
    students = [school.student(school_session, f"100{n}") for n in range(3)]
    mark = audit_mark(school_session)

    n_rows = enrollment.bulk_enroll(
        school_session, [bulk_row(school, s, SEP_1) for s in students], ACTOR
    )

    assert n_rows == 3
    for student in students:
        assert enrollments_of(school_session, student) == [
            (school.school.school_id, SEP_1, "new", None, None)
        ]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.table_name, row.record_key) == (
        "bulk_enroll",
        "enrollment",
        "3 rows",
    )
    assert row.after_values == {"n_rows": 3}


def test_bulk_enroll_with_an_overlap_inside_the_batch_inserts_nothing(
    school_session, school
):
    first, second = (school.student(school_session, n) for n in ("1001", "1002"))
    rows = [
        bulk_row(school, first, SEP_1),
        bulk_row(school, second, SEP_1),
        bulk_row(school, first, SEP_15, school.other_school.school_id),
    ]
    with refused(
        school_session,
        OverlappingEnrollment,
        "the student is already enrolled from 2025-09-01 to now",
        Enrollment,
    ):
        enrollment.bulk_enroll(school_session, rows, ACTOR)
    assert enrollments_of(school_session, first) == []
    assert enrollments_of(school_session, second) == []


def test_bulk_enroll_runs_the_single_enrollment_rules(school_session, school):
    student = school.student(school_session, "1001")
    row = bulk_row(school, student, SEP_1) | {
        "exit_date": dt.date(2025, 8, 29),
        "exit_code": "other",
    }
    with refused(
        school_session,
        InvalidValue,
        "the exit date 2025-08-29 is before the entry date 2025-09-01",
        Enrollment,
    ):
        enrollment.bulk_enroll(school_session, [row], ACTOR)
