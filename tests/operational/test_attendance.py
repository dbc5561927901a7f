"""Attendance: daily and section records, corrections, and the bulk paths.

The test school is in session on weekdays from Monday September 1 to Friday
September 26 2025, except Friday September 12 (staff development); its
calendar ends on September 30. The school day is 360 minutes.
"""

import datetime as dt

import pytest
from sqlalchemy import select

from operational.errors import (
    Conflict,
    InvalidValue,
    NotEnrolled,
    NotFound,
    NotInstructionalDay,
    NotRostered,
)
from operational.models import (
    AttendanceCorrection,
    DailyAttendance,
    DeletedRecord,
    SectionAttendance,
)
from operational.services import attendance, enrollment, rosters
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

WEDNESDAY = dt.date(2025, 9, 3)
SATURDAY = dt.date(2025, 9, 6)
STAFF_DAY = dt.date(2025, 9, 12)


def record(session, school, student, day=WEDNESDAY, code="UA", **extra):
    return attendance.record_daily(
        session,
        ACTOR,
        student_id=student.student_id,
        school_id=school.school.school_id,
        attendance_date=day,
        code=code,
        **extra,
    )


def correct(session, school, student, code, reason, day=WEDNESDAY, **extra):
    return attendance.correct_daily(
        session,
        ACTOR,
        student_id=student.student_id,
        school_id=school.school.school_id,
        attendance_date=day,
        code=code,
        reason=reason,
        **extra,
    )


def daily_rows(session, student) -> list[tuple]:
    return session.execute(
        select(
            DailyAttendance.attendance_date,
            DailyAttendance.code,
            DailyAttendance.minutes_absent,
        )
        .where(DailyAttendance.student_id == student.student_id)
        .order_by(DailyAttendance.attendance_date)
    ).all()


def corrections_of(session, student) -> list[tuple]:
    return session.execute(
        select(
            AttendanceCorrection.attendance_date,
            AttendanceCorrection.previous_code,
            AttendanceCorrection.previous_minutes_absent,
            AttendanceCorrection.new_code,
            AttendanceCorrection.new_minutes_absent,
            AttendanceCorrection.reason,
            AttendanceCorrection.corrected_by,
        ).where(AttendanceCorrection.student_id == student.student_id)
    ).all()


def test_an_absence_on_an_instructional_day_is_recorded(school_session, school):
    student = school.enrolled(school_session, "1001")
    mark = audit_mark(school_session)

    saved = record(school_session, school, student, minutes_absent=90)

    assert daily_rows(school_session, student) == [(WEDNESDAY, "UA", 90)]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.table_name) == ("record_attendance", "daily_attendance")
    assert row.record_key == str(saved.daily_attendance_id)
    assert row.after_values["code"] == "UA"


@pytest.mark.parametrize(
    ("day", "why"),
    [(SATURDAY, "(weekend)"), (STAFF_DAY, "(staff development)")],
    ids=["weekend", "staff day"],
)
def test_a_closed_day_is_refused(school_session, school, day, why):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        NotInstructionalDay,
        f"{day} is not an instructional day at school {school.school.school_id} {why}",
        DailyAttendance,
    ):
        record(school_session, school, student, day=day)


def test_a_day_missing_from_the_calendar_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        NotInstructionalDay,
        "2025-10-01 is not on the calendar of school",
        DailyAttendance,
    ):
        record(school_session, school, student, day=dt.date(2025, 10, 1))


def test_a_day_before_the_entry_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001", entry_date=dt.date(2025, 9, 8))
    with refused(
        school_session,
        NotEnrolled,
        f"student {student.student_id} is not enrolled at school "
        f"{school.school.school_id} on 2025-09-05",
        DailyAttendance,
    ):
        record(school_session, school, student, day=dt.date(2025, 9, 5))
    record(school_session, school, student, day=dt.date(2025, 9, 8))
    assert daily_rows(school_session, student) == [(dt.date(2025, 9, 8), "UA", None)]


def test_a_day_after_the_exit_is_refused(school_session, school):
    student = school.student(school_session, "1001")
    stay = enrollment.enroll(
        school_session,
        ACTOR,
        student_id=student.student_id,
        school_id=school.school.school_id,
        school_year_id=school.year.school_year_id,
        grade_level=9,
        entry_date=dt.date(2025, 9, 1),
    )
    enrollment.withdraw(
        school_session,
        ACTOR,
        stay.enrollment_id,
        exit_date=dt.date(2025, 9, 10),
        exit_code="transfer_out_district",
    )
    with refused(school_session, NotEnrolled, "on 2025-09-11", DailyAttendance):
        record(school_session, school, student, day=dt.date(2025, 9, 11))
    # The exit date is the last day in membership.
    record(school_session, school, student, day=dt.date(2025, 9, 10))
    assert len(daily_rows(school_session, student)) == 1


def test_a_student_of_another_school_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001", school=school.other_school)
    with refused(
        school_session,
        NotEnrolled,
        f"not enrolled at school {school.school.school_id} on 2025-09-03",
        DailyAttendance,
    ):
        record(school_session, school, student)


def test_an_unknown_code_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        InvalidValue,
        "'XX' is not an attendance code; use one of: EA, OSS, PR, T, UA",
        DailyAttendance,
    ):
        record(school_session, school, student, code="XX")


@pytest.mark.parametrize("minutes", [0, 361, -5])
def test_minutes_outside_the_school_day_are_refused(school_session, school, minutes):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        InvalidValue,
        "minutes absent must be between 1 and 360 (the school day)",
        DailyAttendance,
    ):
        record(school_session, school, student, code="T", minutes_absent=minutes)


def test_minutes_at_both_ends_of_the_school_day_are_accepted(school_session, school):
    student = school.enrolled(school_session, "1001")
    record(school_session, school, student, code="T", minutes_absent=1)
    record(
        school_session,
        school,
        student,
        day=dt.date(2025, 9, 4),
        code="EA",
        minutes_absent=360,
    )
    assert daily_rows(school_session, student) == [
        (WEDNESDAY, "T", 1),
        (dt.date(2025, 9, 4), "EA", 360),
    ]


def test_a_second_record_for_the_day_is_a_conflict(school_session, school):
    student = school.enrolled(school_session, "1001")
    record(school_session, school, student, code="UA")
    with refused(
        school_session,
        Conflict,
        f"attendance for student {student.student_id} on 2025-09-03 is already "
        "recorded; correct it, with a reason, instead",
        DailyAttendance,
    ):
        record(school_session, school, student, code="EA")
    assert daily_rows(school_session, student) == [(WEDNESDAY, "UA", None)]


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_a_correction_needs_a_reason(school_session, school, reason):
    student = school.enrolled(school_session, "1001")
    record(school_session, school, student, code="UA")
    with refused(
        school_session,
        InvalidValue,
        "a correction needs a reason",
        DailyAttendance,
        AttendanceCorrection,
    ):
        correct(school_session, school, student, "EA", reason)
    assert daily_rows(school_session, student) == [(WEDNESDAY, "UA", None)]


def test_a_correction_keeps_the_previous_code_and_the_reason(school_session, school):
    student = school.enrolled(school_session, "1001")
    record(school_session, school, student, code="UA", minutes_absent=120)
    mark = audit_mark(school_session)

    correct(school_session, school, student, "EA", "  note from a parent ")

    assert daily_rows(school_session, student) == [(WEDNESDAY, "EA", None)]
    assert corrections_of(school_session, student) == [
        (WEDNESDAY, "UA", 120, "EA", None, "note from a parent", ACTOR)
    ]
    [row] = audit_since(school_session, mark)
    assert row.action == "correct_attendance"
    assert (row.before_values["code"], row.before_values["minutes_absent"]) == (
        "UA",
        120,
    )
    assert (row.after_values["code"], row.after_values["minutes_absent"]) == (
        "EA",
        None,
    )


def test_correcting_to_present_deletes_the_record_and_notes_the_deletion(
    school_session, school
):
    student = school.enrolled(school_session, "1001")
    saved = record(school_session, school, student, code="UA")
    key = saved.daily_attendance_id
    mark = audit_mark(school_session)

    result = correct(school_session, school, student, None, "was in the library")

    assert result is None
    assert daily_rows(school_session, student) == []
    assert corrections_of(school_session, student) == [
        (WEDNESDAY, "UA", None, None, None, "was in the library", ACTOR)
    ]
    deleted = school_session.scalars(
        select(DeletedRecord.record_key).where(
            DeletedRecord.table_name == "daily_attendance"
        )
    ).all()
    assert deleted == [{"daily_attendance_id": key}]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.record_key) == ("correct_attendance_delete", str(key))
    assert row.before_values["code"] == "UA"
    assert row.after_values is None


def test_correcting_a_present_day_to_an_absence_creates_the_record(
    school_session, school
):
    student = school.enrolled(school_session, "1001")
    correct(school_session, school, student, "EA", "call logged late")
    assert daily_rows(school_session, student) == [(WEDNESDAY, "EA", None)]
    assert corrections_of(school_session, student) == [
        (WEDNESDAY, None, None, "EA", None, "call logged late", ACTOR)
    ]


def test_correcting_a_present_day_to_present_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        InvalidValue,
        f"student {student.student_id} is already present on 2025-09-03; "
        "there is nothing to correct",
        DailyAttendance,
        AttendanceCorrection,
    ):
        correct(school_session, school, student, None, "double entry")


def test_a_correction_runs_the_rules_of_a_record(school_session, school):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        NotInstructionalDay,
        "(weekend)",
        DailyAttendance,
        AttendanceCorrection,
    ):
        correct(school_session, school, student, "EA", "late note", day=SATURDAY)


def place(session, school, student, entry_date=dt.date(2025, 9, 1)):
    return rosters.place(
        session,
        ACTOR,
        section_id=school.section.section_id,
        student_id=student.student_id,
        entry_date=entry_date,
    )


def record_section(session, school, student, day=WEDNESDAY, code="T"):
    return attendance.record_section(
        session,
        ACTOR,
        section_id=school.section.section_id,
        student_id=student.student_id,
        attendance_date=day,
        code=code,
    )


def section_codes(session, student) -> list[tuple]:
    return session.execute(
        select(SectionAttendance.attendance_date, SectionAttendance.code).where(
            SectionAttendance.student_id == student.student_id
        )
    ).all()


def test_section_attendance_is_recorded_for_a_rostered_student(school_session, school):
    student = school.enrolled(school_session, "1001")
    place(school_session, school, student)
    mark = audit_mark(school_session)

    record_section(school_session, school, student)

    assert section_codes(school_session, student) == [(WEDNESDAY, "T")]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.table_name) == (
        "record_section_attendance",
        "section_attendance",
    )


def test_section_attendance_for_a_student_off_the_roster_is_refused(
    school_session, school
):
    student = school.enrolled(school_session, "1001")
    with refused(
        school_session,
        NotRostered,
        f"student {student.student_id} is not on the roster of section "
        "MATH-101-01 on 2025-09-03",
        SectionAttendance,
    ):
        record_section(school_session, school, student)


def test_section_attendance_after_a_drop_is_refused(school_session, school):
    student = school.enrolled(school_session, "1001")
    seat = place(school_session, school, student)
    rosters.drop(
        school_session,
        ACTOR,
        seat.section_enrollment_id,
        exit_date=dt.date(2025, 9, 2),
    )
    with refused(school_session, NotRostered, "on 2025-09-03", SectionAttendance):
        record_section(school_session, school, student)
    record_section(school_session, school, student, day=dt.date(2025, 9, 2))
    assert section_codes(school_session, student) == [(dt.date(2025, 9, 2), "T")]


def test_a_second_section_record_for_the_day_is_a_conflict(school_session, school):
    student = school.enrolled(school_session, "1001")
    place(school_session, school, student)
    record_section(school_session, school, student)
    with refused(school_session, Conflict, "is already recorded", SectionAttendance):
        record_section(school_session, school, student, code="UA")


def test_section_attendance_on_a_closed_day_or_unknown_section_is_refused(
    school_session, school
):
    student = school.enrolled(school_session, "1001")
    place(school_session, school, student)
    with refused(school_session, NotInstructionalDay, "(weekend)", SectionAttendance):
        record_section(school_session, school, student, day=SATURDAY)
    with refused(
        school_session, NotFound, "no section with id 999999", SectionAttendance
    ):
        attendance.record_section(
            school_session,
            ACTOR,
            section_id=999_999,
            student_id=student.student_id,
            attendance_date=WEDNESDAY,
            code="T",
        )


def bulk_row(school, student, day, code="UA") -> dict:
    return {
        "student_id": student.student_id,
        "school_id": school.school.school_id,
        "attendance_date": day,
        "code": code,
    }


def test_bulk_record_daily_inserts_the_batch_with_one_audit_row(school_session, school):
    first, second = (school.enrolled(school_session, n) for n in ("1001", "1002"))
    mark = audit_mark(school_session)

    n_rows = attendance.bulk_record_daily(
        school_session,
        [bulk_row(school, first, WEDNESDAY), bulk_row(school, second, WEDNESDAY)],
        ACTOR,
    )

    assert n_rows == 2
    assert daily_rows(school_session, first) == [(WEDNESDAY, "UA", None)]
    assert daily_rows(school_session, second) == [(WEDNESDAY, "UA", None)]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.record_key) == ("bulk_create", "2 rows")


@pytest.mark.parametrize(
    ("bad_day", "bad_code", "error", "message"),
    [
        (SATURDAY, "UA", NotInstructionalDay, "(weekend)"),
        (STAFF_DAY, "UA", NotInstructionalDay, "(staff development)"),
        (dt.date(2025, 9, 5), "UA", NotEnrolled, "on 2025-09-05"),
        (dt.date(2025, 9, 9), "XX", InvalidValue, "'XX' is not an attendance code"),
    ],
    ids=["weekend", "staff day", "before entry", "unknown code"],
)
def test_bulk_record_daily_refuses_the_whole_batch(
    school_session, school, bad_day, bad_code, error, message
):
    early = school.enrolled(school_session, "1001")
    late = school.enrolled(school_session, "1002", entry_date=dt.date(2025, 9, 8))
    rows = [
        bulk_row(school, early, WEDNESDAY),
        bulk_row(school, late, bad_day, bad_code),
    ]
    with refused(school_session, error, message, DailyAttendance):
        attendance.bulk_record_daily(school_session, rows, ACTOR)
    assert daily_rows(school_session, early) == []


def test_bulk_record_daily_over_an_existing_record_is_a_conflict(
    school_session, school
):
    student = school.enrolled(school_session, "1001")
    record(school_session, school, student, code="T")
    rows = [
        bulk_row(school, student, dt.date(2025, 9, 4)),
        bulk_row(school, student, WEDNESDAY),
    ]
    with refused(
        school_session, Conflict, "breaks a rule of the database", DailyAttendance
    ):
        attendance.bulk_record_daily(school_session, rows, ACTOR)
    assert daily_rows(school_session, student) == [(WEDNESDAY, "T", None)]


def test_bulk_record_section_refuses_a_student_off_the_roster(school_session, school):
    rostered = school.enrolled(school_session, "1001")
    other = school.enrolled(school_session, "1002")
    place(school_session, school, rostered)
    rows = [
        {
            "section_id": school.section.section_id,
            "student_id": student.student_id,
            "attendance_date": WEDNESDAY,
            "code": "T",
        }
        for student in (rostered, other)
    ]
    with refused(
        school_session,
        NotRostered,
        f"student {other.student_id} is not on the roster",
        SectionAttendance,
    ):
        attendance.bulk_record_section(school_session, rows, ACTOR)

    assert attendance.bulk_record_section(school_session, rows[:1], ACTOR) == 1
    assert section_codes(school_session, rostered) == [(WEDNESDAY, "T")]
