"""Staff coordination: leave through approval, and the supervision rota.

September 2025: Monday the 1st, Wednesdays the 3rd, 10th, 17th and 24th.
Grace Hopper teaches at Lincoln; Mary Jackson is its principal and decides
leave (tests/support/approvals.py).
"""

import datetime as dt

import pytest

from operational.errors import (
    DoubleBooked,
    InvalidValue,
    NotFound,
    OnLeave,
    OverlappingLeave,
)
from operational.models import ApprovalRequest, Duty, StaffAssignment, StaffLeave
from operational.services import approvals, records, staff
from tests.support.approvals import DECIDED, REQUESTED, build_office
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since, refused

NOON, HALF_PAST, ONE = dt.time(12, 0), dt.time(12, 30), dt.time(13, 0)
WEDNESDAY = 3


@pytest.fixture
def office(school_session, school):
    return build_office(school_session, school)


def ask_leave(session, school, member, start, end, leave_type="personal"):
    return staff.request_leave(
        session,
        ACTOR,
        staff_id=member.staff_id,
        school_id=school.school.school_id,
        leave_type=leave_type,
        start_date=start,
        end_date=end,
        reason="family matters",
        requested_date=REQUESTED,
    )


def grant(session, office, leave):
    approvals.approve(
        session,
        ACTOR,
        leave.approval_request_id,
        decided_by_staff_id=office.principal.staff_id,
        decided_date=DECIDED,
    )


def duty(session, school, member, *, place="canteen", start=NOON, end=HALF_PAST, **on):
    return staff.assign_duty(
        session,
        ACTOR,
        staff_id=member.staff_id,
        school_id=school.school.school_id,
        place=place,
        start_time=start,
        end_time=end,
        **on,
    )


def weekly(weekday=WEDNESDAY, start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 26)):
    return {"weekday": weekday, "start_date": start, "end_date": end}


def test_leave_is_asked_for_and_granted_through_an_approval(
    school_session, school, office
):
    mark = audit_mark(school_session)
    leave = ask_leave(
        school_session,
        school,
        office.teacher,
        dt.date(2025, 9, 15),
        dt.date(2025, 9, 19),
    )
    request = school_session.get(ApprovalRequest, leave.approval_request_id)
    assert (request.kind, request.subject_table, request.subject_id) == (
        "leave",
        "staff",
        office.teacher.staff_id,
    )
    assert request.payload == {
        "leave_type": "personal",
        "start_date": "2025-09-15",
        "end_date": "2025-09-19",
    }
    assert staff.leave_status(school_session, leave.staff_leave_id) == "pending"
    assert not staff.is_on_leave(school_session, office.teacher.staff_id, DECIDED)

    grant(school_session, office, leave)
    assert staff.leave_status(school_session, leave.staff_leave_id) == "approved"
    on_leave = staff.is_on_leave
    assert on_leave(school_session, office.teacher.staff_id, dt.date(2025, 9, 17))
    assert not on_leave(school_session, office.teacher.staff_id, dt.date(2025, 9, 22))
    assert [(r.action, r.table_name) for r in audit_since(school_session, mark)] == [
        ("request_approval", "approval_request"),
        ("request_leave", "staff_leave"),
        ("approve", "approval_request"),
    ]


def test_overlapping_leave_is_refused_until_the_first_is_turned_down(
    school_session, school, office
):
    teacher = office.teacher
    first = ask_leave(
        school_session, school, teacher, dt.date(2025, 9, 15), dt.date(2025, 9, 19)
    )
    with refused(
        school_session,
        OverlappingLeave,
        f"staff member {teacher.staff_id} already has leave pending from "
        "2025-09-15 to 2025-09-19",
        StaffLeave,
        ApprovalRequest,
    ):
        ask_leave(
            school_session, school, teacher, dt.date(2025, 9, 19), dt.date(2025, 9, 23)
        )
    # The day after is free.
    ask_leave(
        school_session, school, teacher, dt.date(2025, 9, 20), dt.date(2025, 9, 20)
    )

    approvals.reject(
        school_session,
        ACTOR,
        first.approval_request_id,
        decided_by_staff_id=office.principal.staff_id,
        reason="exam week",
        decided_date=DECIDED,
    )
    again = ask_leave(
        school_session, school, teacher, dt.date(2025, 9, 16), dt.date(2025, 9, 17)
    )
    assert staff.leave_status(school_session, again.staff_leave_id) == "pending"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"leave_type": "holiday"}, InvalidValue, "'holiday' is not a type of leave"),
        (
            {"end_date": dt.date(2025, 9, 14)},
            InvalidValue,
            "the leave ends (2025-09-14) before it starts (2025-09-15)",
        ),
        ({"staff_id": 999_999}, NotFound, "no staff member with id 999999"),
        ({"reason": " "}, InvalidValue, "a reason for the decider is required"),
    ],
)
def test_invalid_leave_is_refused(
    school_session, school, office, changes, error, message
):
    values = {
        "staff_id": office.teacher.staff_id,
        "school_id": school.school.school_id,
        "leave_type": "sick",
        "start_date": dt.date(2025, 9, 15),
        "end_date": dt.date(2025, 9, 16),
        "reason": "flu",
        "requested_date": REQUESTED,
    }
    with refused(school_session, error, message, StaffLeave, ApprovalRequest):
        staff.request_leave(school_session, ACTOR, **(values | changes))


def test_leave_needs_an_assignment_at_the_school(school_session, school, office):
    with refused(
        school_session,
        InvalidValue,
        f"staff member {office.teacher.staff_id} has no assignment at Roosevelt "
        "High in a school year covering every day from 2025-09-15 to 2025-09-16",
        StaffLeave,
    ):
        staff.request_leave(
            school_session,
            ACTOR,
            staff_id=office.teacher.staff_id,
            school_id=school.other_school.school_id,
            leave_type="sick",
            start_date=dt.date(2025, 9, 15),
            end_date=dt.date(2025, 9, 16),
            reason="flu",
        )


def test_a_weekly_duty_runs_from_its_first_to_its_last_weekday(
    school_session, school, office
):
    mark = audit_mark(school_session)
    canteen = duty(school_session, school, office.teacher, **weekly())
    # Sep 1 is a Monday: the first Wednesday is the 3rd; Sep 26 a Friday, the
    # last Wednesday the 24th.
    assert (canteen.start_date, canteen.end_date, canteen.weekday) == (
        dt.date(2025, 9, 3),
        dt.date(2025, 9, 24),
        WEDNESDAY,
    )
    assert [r.action for r in audit_since(school_session, mark)] == ["assign_duty"]
    rota = staff.duties_on(
        school_session, school.school.school_id, dt.date(2025, 9, 10)
    )
    assert [d.duty_id for d in rota] == [canteen.duty_id]
    assert (
        staff.duties_on(school_session, school.school.school_id, dt.date(2025, 9, 11))
        == []
    )


def test_nobody_is_double_booked(school_session, school, office):
    teacher = office.teacher
    duty(school_session, school, teacher, **weekly())
    with refused(
        school_session,
        DoubleBooked,
        f"staff member {teacher.staff_id} already supervises canteen from 12:00 "
        "to 12:30 on 2025-09-10 (Wednesdays from 2025-09-03 to 2025-09-24)",
        Duty,
    ):
        duty(
            school_session,
            school,
            teacher,
            place="gate",
            start=dt.time(12, 15),
            end=dt.time(12, 45),
            duty_date=dt.date(2025, 9, 10),
        )

    # A Thursday, and a slot starting as the canteen ends, are both free.
    duty(school_session, school, teacher, place="gate", duty_date=dt.date(2025, 9, 11))
    duty(
        school_session,
        school,
        teacher,
        place="yard",
        start=HALF_PAST,
        end=ONE,
        **weekly(),
    )


def test_a_double_booking_counts_across_schools(school_session, school, office):
    teacher = office.teacher
    records.create(
        school_session,
        StaffAssignment,
        ACTOR,
        staff_id=teacher.staff_id,
        school_id=school.other_school.school_id,
        school_year_id=school.year.school_year_id,
        position="teacher",
    )
    duty(school_session, school, teacher, duty_date=dt.date(2025, 9, 10))
    with refused(school_session, DoubleBooked, "on 2025-09-10", Duty):
        staff.assign_duty(
            school_session,
            ACTOR,
            staff_id=teacher.staff_id,
            school_id=school.other_school.school_id,
            place="bus bay",
            start_time=dt.time(11, 45),
            end_time=dt.time(12, 5),
            **weekly(),
        )


def test_nobody_on_approved_leave_is_given_a_duty(school_session, school, office):
    teacher = office.teacher
    leave = ask_leave(
        school_session, school, teacher, dt.date(2025, 9, 15), dt.date(2025, 9, 19)
    )
    # Pending leave does not block the rota yet.
    duty(school_session, school, teacher, duty_date=dt.date(2025, 9, 16))

    grant(school_session, office, leave)
    with refused(
        school_session,
        OnLeave,
        f"staff member {teacher.staff_id} is on approved leave on 2025-09-17 "
        "(leave from 2025-09-15 to 2025-09-19)",
        Duty,
    ):
        duty(school_session, school, teacher, place="yard", **weekly())
    # A weekly duty ending before the leave fits.
    duty(
        school_session,
        school,
        teacher,
        place="yard",
        **weekly(end=dt.date(2025, 9, 14)),
    )
    # The duty given before the leave was granted now needs cover.
    uncovered = staff.duties_needing_cover(
        school_session, school.school.school_id, dt.date(2025, 9, 16)
    )
    assert [(d.place, d.staff_id) for d in uncovered] == [("canteen", teacher.staff_id)]


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ({}, "a duty is on one date or on a weekday"),
        ({"weekday": WEDNESDAY}, "a weekly duty needs the first and last date"),
        (
            {
                "weekday": 8,
                "start_date": dt.date(2025, 9, 1),
                "end_date": dt.date(2025, 9, 5),
            },
            "a weekday is 1 (Monday) to 7",
        ),
        (
            {
                "weekday": 6,
                "start_date": dt.date(2025, 9, 1),
                "end_date": dt.date(2025, 9, 5),
            },
            "there is no Saturday from 2025-09-01 to 2025-09-05",
        ),
    ],
)
def test_a_duty_has_a_date_or_a_weekly_run(school_session, school, office, on, message):
    with refused(school_session, InvalidValue, message, Duty):
        duty(school_session, school, office.teacher, **on)


def test_a_duty_needs_a_place_a_slot_and_an_assignment(school_session, school, office):
    day = {"duty_date": dt.date(2025, 9, 10)}
    with refused(school_session, InvalidValue, "a duty needs a place", Duty):
        duty(school_session, school, office.teacher, place=" ", **day)
    with refused(school_session, InvalidValue, "not 12:30 to 12:00", Duty):
        duty(school_session, school, office.teacher, start=HALF_PAST, end=NOON, **day)
    with refused(school_session, InvalidValue, "has no assignment at Roosevelt", Duty):
        staff.assign_duty(
            school_session,
            ACTOR,
            staff_id=office.teacher.staff_id,
            school_id=school.other_school.school_id,
            place="gate",
            start_time=NOON,
            end_time=HALF_PAST,
            **day,
        )


def test_bulk_duties_check_each_row_against_the_ones_before(
    school_session, school, office
):
    def row(member, place, **on):
        return staff.duty_row(
            staff_id=member.staff_id,
            school_id=school.school.school_id,
            place=place,
            start_time=NOON,
            end_time=HALF_PAST,
            **on,
        )

    clash = [
        row(office.teacher, "canteen", **weekly()),
        row(office.teacher, "gate", duty_date=dt.date(2025, 9, 24)),
    ]
    with refused(school_session, DoubleBooked, "on 2025-09-24", Duty):
        staff.bulk_assign_duties(school_session, clash, ACTOR)

    rows = [
        row(office.teacher, "canteen", **weekly()),
        row(office.principal, "canteen", **weekly(weekday=4)),
        row(office.registrar, "gate", duty_date=dt.date(2025, 9, 24)),
    ]
    mark = audit_mark(school_session)
    assert staff.bulk_assign_duties(school_session, rows, ACTOR) == 3
    assert [r.action for r in audit_since(school_session, mark)] == ["bulk_duties"]
    rota = staff.duties_on(
        school_session, school.school.school_id, dt.date(2025, 9, 24)
    )
    assert sorted(d.place for d in rota) == ["canteen", "gate"]
