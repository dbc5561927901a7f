"""Section rosters: placements, capacity counted day by day, drops, bulk path.

The test section MATH-101-01 at Lincoln High has 2 seats. A seat is held from
the entry date to the exit date, both inclusive.
"""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from operational import migrate
from operational.db import make_engine, session_scope
from operational.errors import (
    AlreadyRostered,
    InvalidValue,
    NotEnrolled,
    NotFound,
    SectionFull,
)
from operational.models import SectionEnrollment
from operational.services import rosters
from tests.support.databases import fresh_postgres_database
from tests.support.school import ACTOR, build_school
from tests.support.writes import audit_mark, audit_since, refused

SEP_1 = dt.date(2025, 9, 1)
SEP_5 = dt.date(2025, 9, 5)
SEP_8 = dt.date(2025, 9, 8)


def place(session, school, student, entry_date=SEP_1) -> SectionEnrollment:
    return rosters.place(
        session,
        ACTOR,
        section_id=school.section.section_id,
        student_id=student.student_id,
        entry_date=entry_date,
    )


def drop(session, seat, exit_date) -> SectionEnrollment:
    return rosters.drop(session, ACTOR, seat.section_enrollment_id, exit_date=exit_date)


def roster(session, school) -> list[tuple]:
    return session.execute(
        select(
            SectionEnrollment.student_id,
            SectionEnrollment.entry_date,
            SectionEnrollment.exit_date,
        )
        .where(SectionEnrollment.section_id == school.section.section_id)
        .order_by(SectionEnrollment.section_enrollment_id)
    ).all()


def test_place_puts_the_student_on_the_roster(school_session, school):
    student = school.enrolled(school_session, "1001")
    mark = audit_mark(school_session)

    seat = place(school_session, school, student)

    assert roster(school_session, school) == [(student.student_id, SEP_1, None)]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.table_name) == ("place_in_section", "section_enrollment")
    assert row.record_key == str(seat.section_enrollment_id)
    assert row.after_values["entry_date"] == "2025-09-01"


def test_the_third_placement_in_two_seats_is_refused(school_session, school):
    first, second, third = (
        school.enrolled(school_session, n) for n in ("1001", "1002", "1003")
    )
    place(school_session, school, first)
    place(school_session, school, second)
    with refused(
        school_session,
        SectionFull,
        "section MATH-101-01 is full (2 seats); choose another section",
        SectionEnrollment,
    ):
        place(school_session, school, third)
    assert len(roster(school_session, school)) == 2


def test_a_student_already_on_the_roster_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    place(school_session, school, student)
    with refused(
        school_session,
        AlreadyRostered,
        f"student {student.student_id} is already on the roster of section MATH-101-01",
        SectionEnrollment,
    ):
        place(school_session, school, student, entry_date=SEP_8)


def test_a_student_of_another_school_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001", school=school.other_school)
    with refused(
        school_session,
        NotEnrolled,
        f"student {student.student_id} is not enrolled on 2025-09-01 at the "
        "school of section MATH-101-01; enroll the student first",
        SectionEnrollment,
    ):
        place(school_session, school, student)


def test_a_placement_before_the_school_entry_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001", entry_date=SEP_8)
    with refused(
        school_session, NotEnrolled, "is not enrolled on 2025-09-05", SectionEnrollment
    ):
        place(school_session, school, student, entry_date=SEP_5)


def test_an_unknown_section_is_not_found(school_session, school):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session, NotFound, "no section with id 999999", SectionEnrollment
    ):
        rosters.place(
            school_session,
            ACTOR,
            section_id=999_999,
            student_id=student.student_id,
            entry_date=SEP_1,
        )


def test_a_drop_frees_the_seat_from_the_day_after_the_exit(school_session, school):
    first, second, third = (
        school.enrolled(school_session, n) for n in ("1001", "1002", "1003")
    )
    leaving = place(school_session, school, first)
    place(school_session, school, second)
    drop(school_session, leaving, SEP_5)

    # On the exit day the leaving student still holds the seat.
    with refused(school_session, SectionFull, "is full", SectionEnrollment):
        place(school_session, school, third, entry_date=SEP_5)
    place(school_session, school, third, entry_date=SEP_8)

    assert roster(school_session, school) == [
        (first.student_id, SEP_1, SEP_5),
        (second.student_id, SEP_1, None),
        (third.student_id, SEP_8, None),
    ]


def test_seats_held_at_different_times_count_once(school_session, school):
    """A left on Sep 5 and B came on Sep 8: they never sat together, so they
    hold one seat between them and C, from Sep 1, takes the other."""
    a, b, c, d = (
        school.enrolled(school_session, n) for n in ("1001", "1002", "1003", "1004")
    )
    drop(school_session, place(school_session, school, a), SEP_5)
    place(school_session, school, b, entry_date=SEP_8)

    place(school_session, school, c, entry_date=SEP_1)

    # Now every day is full: A and C until Sep 5, B and C from Sep 8.
    for entry_date in (SEP_1, SEP_8):
        with refused(school_session, SectionFull, "is full", SectionEnrollment):
            place(school_session, school, d, entry_date=entry_date)
    assert len(roster(school_session, school)) == 3


def test_a_dropped_student_may_come_back(school_session, school):
    student = school.enrolled(school_session, "1001")
    drop(school_session, place(school_session, school, student), SEP_5)
    place(school_session, school, student, entry_date=SEP_8)
    assert roster(school_session, school) == [
        (student.student_id, SEP_1, SEP_5),
        (student.student_id, SEP_8, None),
    ]


def test_drop_records_the_exit_and_audits_before_and_after(school_session, school):
    student = school.enrolled(school_session, "1001")
    seat = place(school_session, school, student)
    mark = audit_mark(school_session)

    drop(school_session, seat, SEP_5)

    [row] = audit_since(school_session, mark)
    assert row.action == "drop_from_section"
    assert row.before_values["exit_date"] is None
    assert row.after_values["exit_date"] == "2025-09-05"


def test_dropping_twice_or_before_the_entry_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    seat = place(school_session, school, student, entry_date=SEP_8)
    with refused(
        school_session,
        InvalidValue,
        "the exit date 2025-09-05 is before the entry date 2025-09-08",
        SectionEnrollment,
    ):
        drop(school_session, seat, SEP_5)

    drop(school_session, seat, dt.date(2025, 9, 10))
    with refused(
        school_session,
        InvalidValue,
        "the student already left this section on 2025-09-10",
        SectionEnrollment,
    ):
        drop(school_session, seat, dt.date(2025, 9, 12))
    with refused(
        school_session,
        NotFound,
        "no section enrollment with key 999999",
        SectionEnrollment,
    ):
        rosters.drop(school_session, ACTOR, 999_999, exit_date=SEP_5)


def bulk_row(school, student, entry_date=SEP_1) -> dict:
    return {
        "section_id": school.section.section_id,
        "student_id": student.student_id,
        "entry_date": entry_date,
    }


def test_bulk_place_fills_the_seats_with_one_audit_row(school_session, school):
    students = [school.enrolled(school_session, n) for n in ("1001", "1002")]
    mark = audit_mark(school_session)

    n_rows = rosters.bulk_place(
        school_session, [bulk_row(school, s) for s in students], ACTOR
    )

    assert n_rows == 2
    assert roster(school_session, school) == [
        (s.student_id, SEP_1, None) for s in students
    ]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.record_key) == ("bulk_place", "2 rows")


def test_bulk_place_counts_the_seats_taken_earlier_in_the_batch(school_session, school):
    students = [school.enrolled(school_session, n) for n in ("1001", "1002", "1003")]
    with refused(school_session, SectionFull, "is full (2 seats)", SectionEnrollment):
        rosters.bulk_place(
            school_session, [bulk_row(school, s) for s in students], ACTOR
        )
    assert roster(school_session, school) == []


def test_bulk_place_refuses_the_same_student_twice_in_the_batch(school_session, school):
    student = school.enrolled(school_session, "1001")
    rows = [bulk_row(school, student), bulk_row(school, student, SEP_8)]
    with refused(
        school_session, AlreadyRostered, "already on the roster", SectionEnrollment
    ):
        rosters.bulk_place(school_session, rows, ACTOR)


@pytest.mark.postgres
def test_concurrent_placements_never_overfill_a_section():
    """Eight registrars ask for the two seats at once, each in a transaction
    of their own: the section row lock lets exactly two through."""
    n_students = 8
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            with session_scope(engine) as session:
                school = build_school(session)
                students = [
                    school.enrolled(session, f"20{n:02d}") for n in range(n_students)
                ]
            section_id = school.section.section_id
            barrier = threading.Barrier(n_students)
            outcomes: list[str] = []

            def register(student_id: int) -> None:
                try:
                    barrier.wait(timeout=30)
                    with session_scope(engine) as session:
                        rosters.place(
                            session,
                            ACTOR,
                            section_id=section_id,
                            student_id=student_id,
                            entry_date=SEP_1,
                        )
                    outcomes.append("placed")
                except SectionFull:
                    outcomes.append("full")
                except Exception as error:  # reported by the assertion below
                    outcomes.append(repr(error))

            threads = [
                threading.Thread(target=register, args=(s.student_id,))
                for s in students
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

            assert sorted(outcomes) == ["full"] * 6 + ["placed"] * 2
            with session_scope(engine) as session:
                seats = session.scalar(
                    select(func.count())
                    .select_from(SectionEnrollment)
                    .where(SectionEnrollment.section_id == section_id)
                )
            assert seats == 2
        finally:
            engine.dispose()
