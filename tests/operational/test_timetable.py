"""The timetable: bell schedules, section meetings and the clash check.

The hand-made timetable of Lincoln High (2025-2026), built by `timetable`:

    period 1      08:00-08:50  Monday to Friday
    period 2      09:00-09:50  Monday to Friday
    period Block  08:00-09:50  Wednesday only (overlaps periods 1 and 2)

    rooms: 101 (30 seats), Lab (3 seats), Seminar (1 seat)

    MATH-101-01  Grace Hopper, no room of its own
                 period 1 Monday and Wednesday in room 101,
                 period 1 Tuesday in Seminar
                 roster: 1001, 1002 (both all year)
    MATH-101-02  Grace Hopper, room 101; period 1 Monday; roster empty
    SCI-201-01   Ada Lovelace, Lab; period 2 Monday and Tuesday, Block
                 Wednesday; roster: 1001 and 1003 all year, 1004 from
                 September 1 to 5, 1005 from September 8

The clashes built in, and nothing else:
- Hopper teaches MATH-101-01 and MATH-101-02 in period 1 on Monday;
- room 101 holds both of them then too;
- 1001 is in MATH-101-01 (period 1, 08:00) and SCI-201-01 (Block, 08:00)
  on Wednesday;
- Seminar seats 1 and MATH-101-01 has 2 students on Tuesday.
SCI-201-01 has four roster rows over the year but never more than three
students on one day (1004 leaves before 1005 arrives), so the Lab's three
seats are enough.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from operational.errors import (
    AlreadyScheduled,
    Conflict,
    InvalidValue,
    NotFound,
)
from operational.models import (
    Course,
    DeletedRecord,
    Period,
    Room,
    Section,
    SectionMeeting,
    Staff,
)
from operational.services import records, rosters, timetable, timetable_clashes
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

FIVE_DAYS = ("mon", "tue", "wed", "thu", "fri")
SEP_1, SEP_5, SEP_8 = dt.date(2025, 9, 1), dt.date(2025, 9, 5), dt.date(2025, 9, 8)


def at(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


def add_period(session, school, name, start, end, days=FIVE_DAYS, building=None):
    return timetable.add_period(
        session,
        ACTOR,
        school_id=(building or school.school).school_id,
        school_year_id=school.year.school_year_id,
        name=name,
        sequence=1,
        start_time=start,
        end_time=end,
        days=days,
    )


def add_room(session, school, name, capacity, building=None):
    return records.create(
        session,
        Room,
        ACTOR,
        school_id=(building or school.school).school_id,
        name=name,
        capacity=capacity,
    )


def add_teacher(session, number, first, last):
    return records.create(
        session, Staff, ACTOR, staff_number=number, first_name=first, last_name=last
    )


def add_section(session, school, code, teacher, room=None, building=None, course=None):
    return records.create(
        session,
        Section,
        ACTOR,
        course_id=(course or school.course).course_id,
        school_id=(building or school.school).school_id,
        school_year_id=school.year.school_year_id,
        section_code=code,
        teacher_id=teacher.staff_id,
        room_id=room.room_id if room else None,
        capacity=30,
    )


def schedule(session, section, period, days, **extra):
    return timetable.schedule_section(
        session,
        ACTOR,
        section_id=section.section_id,
        period_name=period,
        days=days,
        **extra,
    )


def place(session, section, student, entry=SEP_1, exit_=None):
    seat = rosters.place(
        session,
        ACTOR,
        section_id=section.section_id,
        student_id=student.student_id,
        entry_date=entry,
    )
    if exit_ is not None:
        rosters.drop(session, ACTOR, seat.section_enrollment_id, exit_date=exit_)


def clashes(session, school, school_ids=None) -> list[tuple[str, str]]:
    found = timetable_clashes.find_clashes(
        session, school.year.school_year_id, school_ids
    )
    return [(clash.kind, clash.description) for clash in found]


@dataclass
class Timetable:
    math1: Section
    math2: Section
    science: Section
    room_101: Room
    lab: Room
    seminar: Room
    lovelace: Staff


def build_timetable(session, school) -> Timetable:
    add_period(session, school, "1", at(8), at(8, 50))
    add_period(session, school, "2", at(9), at(9, 50))
    add_period(session, school, "Block", at(8), at(9, 50), days=["wed"])
    room_101 = add_room(session, school, "101", 30)
    lab = add_room(session, school, "Lab", 3)
    seminar = add_room(session, school, "Seminar", 1)
    lovelace = add_teacher(session, "T2", "Ada", "Lovelace")
    chemistry = records.create(
        session,
        Course,
        ACTOR,
        course_code="SCI-201",
        title="Chemistry",
        subject="science",
        credits=Decimal("1.00"),
        low_grade=9,
        high_grade=12,
    )
    math1 = school.section
    math2 = add_section(session, school, "MATH-101-02", school.teacher, room_101)
    science = add_section(
        session, school, "SCI-201-01", lovelace, lab, course=chemistry
    )

    schedule(session, math1, "1", ["mon", "wed"], room_id=room_101.room_id)
    schedule(session, math1, "1", ["tue"], room_id=seminar.room_id)
    schedule(session, math2, "1", ["mon"])
    schedule(session, science, "2", ["mon", "tue"])
    schedule(session, science, "Block", ["wed"])

    s1, s2, s3, s4, s5 = (
        school.enrolled(session, number)
        for number in ("1001", "1002", "1003", "1004", "1005")
    )
    place(session, math1, s1)
    place(session, math1, s2)
    place(session, science, s1)
    place(session, science, s3)
    place(session, science, s4, exit_=SEP_5)
    place(session, science, s5, entry=SEP_8)
    return Timetable(math1, math2, science, room_101, lab, seminar, lovelace)


def test_the_clash_check_finds_exactly_the_clashes_built_in(school_session, school):
    build_timetable(school_session, school)

    assert clashes(school_session, school) == [
        (
            "teacher",
            "Grace Hopper teaches MATH-101-01 and MATH-101-02 in period 1 on Monday",
        ),
        ("room", "room 101 holds MATH-101-01 and MATH-101-02 in period 1 on Monday"),
        (
            "student",
            "Ada Student1001 (1001) is on the rosters of MATH-101-01 in period 1 "
            "and SCI-201-01 in period Block on Wednesday",
        ),
        (
            "room_capacity",
            "room Seminar seats 1 but MATH-101-01 has 2 students in period 1 on "
            "Tuesday",
        ),
    ]


def test_a_clash_names_its_meetings_and_subject(school_session, school):
    built = build_timetable(school_session, school)
    meetings = {
        (m.section_id, m.period_id): m.section_meeting_id
        for m in school_session.scalars(select(SectionMeeting))
    }
    monday_1 = school_session.scalars(
        select(Period.period_id).where(Period.name == "1", Period.day == "mon")
    ).one()

    teacher, room, student, capacity = timetable_clashes.find_clashes(
        school_session, school.year.school_year_id
    )

    pair = (
        meetings[(built.math1.section_id, monday_1)],
        meetings[(built.math2.section_id, monday_1)],
    )
    assert (teacher.meeting_ids, teacher.subject_id) == (pair, school.teacher.staff_id)
    assert (room.meeting_ids, room.subject_id) == (pair, built.room_101.room_id)
    assert (student.day, capacity.day) == ("wed", "tue")
    assert capacity.subject_id == built.seminar.room_id


def test_the_check_runs_in_a_fixed_number_of_queries(school_session, school):
    build_timetable(school_session, school)
    statements = []

    def count(*_args):
        statements.append(1)

    engine = school_session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        timetable_clashes.find_clashes(school_session, school.year.school_year_id)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # teacher, room and student pairs, capacity candidates, their rosters
    assert len(statements) == 5


def test_reassigning_a_meeting_resolves_its_clashes(school_session, school):
    built = build_timetable(school_session, school)
    [monday] = school_session.scalars(
        select(SectionMeeting).where(
            SectionMeeting.section_id == built.math2.section_id
        )
    ).all()
    mark = audit_mark(school_session)

    timetable.reassign(
        school_session,
        ACTOR,
        monday.section_meeting_id,
        teacher_id=built.lovelace.staff_id,
        room_id=built.seminar.room_id,
    )

    kinds = [kind for kind, _ in clashes(school_session, school)]
    assert kinds == ["student", "room_capacity"]
    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values["teacher_id"]) == (
        "reassign_meeting",
        built.lovelace.staff_id,
    )


def test_a_new_section_teacher_moves_the_meetings_without_their_own(
    school_session, school
):
    built = build_timetable(school_session, school)

    records.update(
        school_session, built.math2, ACTOR, teacher_id=built.lovelace.staff_id
    )

    kinds = [kind for kind, _ in clashes(school_session, school)]
    assert kinds == ["room", "student", "room_capacity"]


def test_meetings_on_separate_dates_do_not_clash(school_session, school):
    add_period(school_session, school, "2", at(9), at(9, 50))
    math2 = add_section(school_session, school, "MATH-101-02", school.teacher)
    # MATH-101-02 meets on Thursdays until Friday 12 September.
    schedule(school_session, math2, "2", ["thu"], end_date=dt.date(2025, 9, 12))
    [later] = schedule(
        school_session,
        school.section,
        "2",
        ["thu"],
        start_date=dt.date(2025, 9, 15),
    )
    assert clashes(school_session, school) == []

    # Sharing only Friday 12 September, they never meet on the same Thursday.
    later.start_date = dt.date(2025, 9, 12)
    assert clashes(school_session, school) == []

    # Sharing Thursday 11 September, they clash.
    later.start_date = dt.date(2025, 9, 11)
    assert clashes(school_session, school) == [
        (
            "teacher",
            "Grace Hopper teaches MATH-101-02 and MATH-101-01 in period 2 on Thursday",
        )
    ]


def test_periods_that_touch_do_not_clash(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50), ["mon"])
    add_period(school_session, school, "2", at(8, 50), at(9, 40), ["mon"])
    math2 = add_section(school_session, school, "MATH-101-02", school.teacher)
    schedule(school_session, school.section, "1", ["mon"])
    schedule(school_session, math2, "2", ["mon"])

    assert clashes(school_session, school) == []


@pytest.mark.parametrize(
    ("day", "start", "end", "falls"),
    [
        ("thu", dt.date(2025, 9, 12), dt.date(2025, 9, 17), False),  # Fri to Wed
        ("thu", dt.date(2025, 9, 12), dt.date(2025, 9, 18), True),  # Fri to Thu
        ("mon", dt.date(2025, 9, 1), dt.date(2025, 9, 1), True),  # a Monday
        ("sun", dt.date(2025, 9, 1), dt.date(2025, 9, 7), True),  # seven days
        ("mon", dt.date(2025, 9, 2), dt.date(2025, 9, 1), False),  # no dates
        ("day_4", dt.date(2025, 9, 2), dt.date(2025, 9, 2), True),  # rotation
    ],
)
def test_a_cycle_day_falls_in_dates(day, start, end, falls):
    assert timetable_clashes.falls_on(day, start, end) is falls


def test_a_student_off_one_roster_before_the_other_does_not_clash(
    school_session, school
):
    add_period(school_session, school, "1", at(8), at(8, 50))
    other = add_teacher(school_session, "T2", "Ada", "Lovelace")
    math2 = add_section(school_session, school, "MATH-101-02", other)
    schedule(school_session, school.section, "1", ["mon"])
    schedule(school_session, math2, "1", ["mon"])
    student = school.enrolled(school_session, "1001")
    place(school_session, school.section, student, exit_=SEP_5)
    place(school_session, math2, student, entry=SEP_8)
    assert clashes(school_session, school) == []

    place(school_session, math2, school.enrolled(school_session, "1002"))
    place(school_session, school.section, school.enrolled(school_session, "1003"))
    assert clashes(school_session, school) == []


def test_a_teacher_at_two_schools_clashes_across_them(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50))
    roosevelt = school.other_school
    add_period(
        school_session, school, "A", at(8, 30), at(9, 20), ["mon"], building=roosevelt
    )
    at_roosevelt = add_section(
        school_session, school, "MATH-101-09", school.teacher, building=roosevelt
    )
    schedule(school_session, school.section, "1", ["mon"])
    schedule(school_session, at_roosevelt, "A", ["mon"])

    assert clashes(school_session, school) == [
        (
            "teacher",
            "Grace Hopper teaches MATH-101-01 at Lincoln High in period 1 and "
            "MATH-101-09 at Roosevelt High in period A on Monday",
        )
    ]
    # Checking one school looks at its own meetings only.
    assert clashes(school_session, school, [school.school.school_id]) == []


def test_rotation_days_are_compared_within_a_school_only(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50), ["day_1"])
    roosevelt = school.other_school
    add_period(
        school_session, school, "1", at(8), at(8, 50), ["day_1"], building=roosevelt
    )
    at_roosevelt = add_section(
        school_session, school, "MATH-101-09", school.teacher, building=roosevelt
    )
    math2 = add_section(school_session, school, "MATH-101-02", school.teacher)
    schedule(school_session, school.section, "1", ["day_1"])
    schedule(school_session, at_roosevelt, "1", ["day_1"])
    assert clashes(school_session, school) == []

    schedule(school_session, math2, "1", ["day_1"])
    assert clashes(school_session, school) == [
        (
            "teacher",
            "Grace Hopper teaches MATH-101-01 and MATH-101-02 in period 1 on Day 1",
        )
    ]


def test_scheduling_writes_one_audited_meeting_a_day(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50))
    mark = audit_mark(school_session)

    meetings = schedule(school_session, school.section, "1", ["mon", "wed", "fri"])

    assert [(m.start_date, m.end_date) for m in meetings] == [
        (school.year.start_date, school.year.end_date)
    ] * 3
    assert [(m.teacher_id, m.room_id) for m in meetings] == [(None, None)] * 3
    rows = audit_since(school_session, mark)
    assert [row.action for row in rows] == ["schedule_section"] * 3


def test_unscheduling_deletes_the_meeting_with_a_record(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50))
    [meeting] = schedule(school_session, school.section, "1", ["mon"])
    key = meeting.section_meeting_id
    mark = audit_mark(school_session)

    timetable.unschedule(school_session, ACTOR, key)

    assert school_session.get(SectionMeeting, key) is None
    [row] = audit_since(school_session, mark)
    assert (row.action, row.before_values["section_meeting_id"]) == (
        "unschedule_delete",
        key,
    )
    deleted = school_session.scalars(
        select(DeletedRecord.record_key).where(
            DeletedRecord.table_name == "section_meeting"
        )
    ).all()
    assert {"section_meeting_id": key} in deleted


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"school_id": 0}, NotFound, "no school with id 0"),
        ({"name": "  "}, InvalidValue, "a period needs a name"),
        ({"days": ["monday"]}, InvalidValue, "'monday' is not a day of a bell"),
        ({"days": []}, InvalidValue, "period 1 needs at least one day"),
        (
            {"end_time": at(8)},
            InvalidValue,
            "period 1 on Monday must end after it starts, within the day (08:00 "
            "to 08:00)",
        ),
    ],
    ids=["school", "name", "day", "no days", "times"],
)
def test_a_wrong_period_is_refused(school_session, school, changes, error, message):
    values = {
        "school_id": school.school.school_id,
        "school_year_id": school.year.school_year_id,
        "name": "1",
        "sequence": 1,
        "start_time": at(8),
        "end_time": at(8, 50),
        "days": ["mon"],
    } | changes
    with refused(school_session, error, message, Period):
        timetable.add_period(school_session, ACTOR, **values)


def test_a_period_twice_on_one_day_is_refused(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50), ["mon"])
    with refused(
        school_session,
        Conflict,
        "Lincoln High already has a period 1 on Monday in 2025-2026",
        Period,
    ):
        add_period(school_session, school, "1", at(8), at(8, 50), ["tue", "mon"])


def test_weekdays_and_rotation_days_do_not_mix(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50), ["mon"])
    with refused(
        school_session,
        InvalidValue,
        "the 2025-2026 bell schedule of Lincoln High runs on weekdays; day_1 does "
        "not belong to it",
        Period,
    ):
        add_period(school_session, school, "2", at(9), at(9, 50), ["day_1"])


def test_bulk_periods_are_validated_and_audited_once(school_session, school):
    rows = [
        {
            "school_id": school.school.school_id,
            "school_year_id": school.year.school_year_id,
            "name": name,
            "sequence": sequence,
            "day": day,
            "start_minute": start,
            "end_minute": end,
        }
        # 08:00-08:50 and 09:00-09:50 in minutes after midnight
        for sequence, (name, start, end) in enumerate(
            [("1", 480, 530), ("2", 540, 590)], start=1
        )
        for day in FIVE_DAYS
    ]
    mark = audit_mark(school_session)

    # 2 periods x 5 days
    assert timetable.bulk_add_periods(school_session, rows, ACTOR) == 10

    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values) == ("bulk_add_periods", {"n_rows": 10})
    duplicate = dict(rows[0])
    with refused(school_session, Conflict, "already has a period 1 on Monday", Period):
        timetable.bulk_add_periods(
            school_session, [rows[0] | {"name": "3"}, duplicate], ACTOR
        )


def test_a_period_of_the_wrong_day_is_not_found(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50), ["mon"])
    with refused(
        school_session,
        NotFound,
        "the bell schedule of section MATH-101-01's school has no period 1 on "
        "Tuesday; add it first",
        SectionMeeting,
    ):
        schedule(school_session, school.section, "1", ["mon", "tue"])


def test_a_room_of_another_school_is_refused(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50), ["mon"])
    elsewhere = add_room(school_session, school, "R1", 20, school.other_school)
    with refused(
        school_session,
        InvalidValue,
        f"room {elsewhere.room_id} is not a room of the school of section MATH-101-01",
        SectionMeeting,
    ):
        schedule(
            school_session, school.section, "1", ["mon"], room_id=elsewhere.room_id
        )


@pytest.mark.parametrize(
    ("extra", "error", "message"),
    [
        ({"teacher_id": 0}, NotFound, "no staff member with id 0"),
        (
            {"start_date": dt.date(2025, 9, 20), "end_date": dt.date(2025, 9, 19)},
            InvalidValue,
            "the meeting ends on 2025-09-19, before it starts on 2025-09-20",
        ),
        (
            {"end_date": dt.date(2026, 7, 1)},
            InvalidValue,
            "must fall within the 2025-2026 school year (2025-08-25 to 2026-06-12)",
        ),
    ],
    ids=["teacher", "dates", "outside the year"],
)
def test_a_wrong_meeting_is_refused(school_session, school, extra, error, message):
    add_period(school_session, school, "1", at(8), at(8, 50), ["mon"])
    with refused(school_session, error, message, SectionMeeting):
        schedule(school_session, school.section, "1", ["mon"], **extra)


def test_a_section_meets_once_in_a_period(school_session, school):
    add_period(school_session, school, "1", at(8), at(8, 50), ["mon"])
    schedule(school_session, school.section, "1", ["mon"], end_date=SEP_8)
    with refused(
        school_session,
        AlreadyScheduled,
        "section MATH-101-01 already meets in period 1 on Monday from 2025-08-25 "
        "to 2025-09-08",
        SectionMeeting,
    ):
        schedule(school_session, school.section, "1", ["mon"], start_date=SEP_8)

    # From the day after, the same period is free again.
    schedule(
        school_session, school.section, "1", ["mon"], start_date=dt.date(2025, 9, 9)
    )


def test_bulk_meetings_refuse_a_duplicate_inside_the_batch(school_session, school):
    [monday] = add_period(school_session, school, "1", at(8), at(8, 50), ["mon"])
    row = {"section_id": school.section.section_id, "period_id": monday.period_id}
    with refused(school_session, AlreadyScheduled, "already meets", SectionMeeting):
        timetable.bulk_schedule(school_session, [dict(row), dict(row)], ACTOR)

    assert timetable.bulk_schedule(school_session, [dict(row)], ACTOR) == 1


def test_a_period_of_another_school_is_refused_in_bulk(school_session, school):
    [monday] = add_period(
        school_session, school, "1", at(8), at(8, 50), ["mon"], school.other_school
    )
    row = {"section_id": school.section.section_id, "period_id": monday.period_id}
    with refused(
        school_session,
        InvalidValue,
        f"period {monday.period_id} is not on the bell schedule of the school and "
        "year of section MATH-101-01",
        SectionMeeting,
    ):
        timetable.bulk_schedule(school_session, [row], ACTOR)


def test_largest_roster_counts_one_day_at_a_time():
    spans = [
        (dt.date(2025, 9, 1), None),
        (dt.date(2025, 9, 1), dt.date(2025, 9, 5)),
        (dt.date(2025, 9, 8), None),
        (dt.date(2025, 9, 5), dt.date(2025, 9, 8)),
    ]
    whole_month = (dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    # Sep 5: rows 1, 2 and 4 (3); Sep 8: rows 1, 3 and 4 (3); never all four.
    assert timetable_clashes.largest_roster(spans, *whole_month) == 3
    # From Sep 9 only rows 1 and 3 remain.
    assert (
        timetable_clashes.largest_roster(spans, dt.date(2025, 9, 9), whole_month[1])
        == 2
    )
    assert timetable_clashes.largest_roster([], *whole_month) == 0
