"""Staff coordination: leave through an approval, and the supervision rota.

Leave is asked for by the staff member and decided like every exception,
through an approval request of kind "leave"; leave overlapping leave already
asked for or granted is refused. A duty is refused when its staff member is
on approved leave on one of its days, or already has a duty, at any school,
at an overlapping time on one of them.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational import vocabulary as v
from operational.audit import audit
from operational.errors import (
    DoubleBooked,
    InvalidValue,
    NotFound,
    OnLeave,
    OverlappingLeave,
)
from operational.models import (
    ApprovalRequest,
    Duty,
    School,
    SchoolYear,
    Staff,
    StaffAssignment,
    StaffLeave,
)
from operational.services import approvals
from operational.services._writes import insert_validated, savepoint
from operational.services.records import get

log = logging.getLogger(__name__)

# A leave request standing in the way of another: asked for, or granted.
OPEN_LEAVE = ("pending", "approved")
GRANTED_LEAVE = ("approved", "applied")

# ISO weekday numbers: 1 is Monday.
WEEKDAY_NAMES = {
    1: "Mondays",
    2: "Tuesdays",
    3: "Wednesdays",
    4: "Thursdays",
    5: "Fridays",
    6: "Saturdays",
    7: "Sundays",
}
CHUNK = 5_000


class Days(NamedTuple):
    """Dates from start to end, both inclusive, on one ISO weekday if set."""

    start: dt.date
    end: dt.date
    weekday: int | None = None

    def includes(self, day: dt.date) -> bool:
        return self.start <= day <= self.end and self.weekday in (
            None,
            day.isoweekday(),
        )

    def describe(self) -> str:
        if self.start == self.end:
            return str(self.start)
        every = WEEKDAY_NAMES[self.weekday] if self.weekday else "every day"
        return f"{every} from {self.start} to {self.end}"


def first_shared_day(first: Days, second: Days) -> dt.date | None:
    """The first date both include; weekdays repeat, so a week is enough."""
    day, end = max(first.start, second.start), min(first.end, second.end)
    for _ in range(7):
        if day > end:
            return None
        if first.includes(day) and second.includes(day):
            return day
        day += dt.timedelta(days=1)
    return None


def minute_of(time: dt.time) -> int:
    """Minutes after midnight, as the rota stores a time of day."""
    return time.hour * 60 + time.minute


def clock(minute: int) -> str:
    """`12:30` for 750."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


Slot = tuple[int, int]  # start and end minute


def times_overlap(first: Slot, second: Slot) -> bool:
    """Half-open slots: a duty ending at 12:30 and one at 12:30 do not clash."""
    return first[0] < second[1] and second[0] < first[1]


@dataclass
class StaffContext:
    """What validating leave and duties needs, loaded once per batch."""

    staff_ids: set[int]
    schools: dict[int, School]
    # (staff, school) -> the spans of the school years the staff works there
    assignments: dict[tuple[int, int], list[Days]]
    leaves: dict[int, list[tuple[Days, str]]]  # staff -> (days, request status)
    duties: dict[int, list[tuple[Days, Slot, str]]]  # staff -> (days, slot, place)


def load_context(session: Session, staff_ids: Iterable[int]) -> StaffContext:
    wanted = sorted(set(staff_ids))
    found: set[int] = set()
    assignments: dict[tuple[int, int], list[Days]] = defaultdict(list)
    leaves: dict[int, list[tuple[Days, str]]] = defaultdict(list)
    duties: dict[int, list[tuple[Days, Slot, str]]] = defaultdict(list)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            session.scalars(select(Staff.staff_id).where(Staff.staff_id.in_(chunk)))
        )
        for staff_id, school_id, first, last in session.execute(
            select(
                StaffAssignment.staff_id,
                StaffAssignment.school_id,
                SchoolYear.start_date,
                SchoolYear.end_date,
            )
            .join(
                SchoolYear, SchoolYear.school_year_id == StaffAssignment.school_year_id
            )
            .where(StaffAssignment.staff_id.in_(chunk))
        ):
            assignments[(staff_id, school_id)].append(Days(first, last))
        for leave, status in session.execute(
            select(StaffLeave, ApprovalRequest.status)
            .join(ApprovalRequest)
            .where(StaffLeave.staff_id.in_(chunk))
        ):
            leaves[leave.staff_id].append(
                (Days(leave.start_date, leave.end_date), status)
            )
        for duty in session.scalars(select(Duty).where(Duty.staff_id.in_(chunk))):
            duties[duty.staff_id].append(
                (
                    Days(duty.start_date, duty.end_date, duty.weekday),
                    (duty.start_minute, duty.end_minute),
                    duty.place,
                )
            )
    return StaffContext(
        staff_ids=found,
        schools={s.school_id: s for s in session.scalars(select(School))},
        assignments=assignments,
        leaves=leaves,
        duties=duties,
    )


def _require_staff_at_school(
    staff_id: int, school_id: int, days: Days, context: StaffContext
) -> None:
    if staff_id not in context.staff_ids:
        raise NotFound(f"no staff member with id {staff_id}")
    school = context.schools.get(school_id)
    if school is None:
        raise NotFound(f"no school with id {school_id}")
    spans = context.assignments.get((staff_id, school_id), [])
    if not any(first_shared_day(span, days) for span in spans):
        raise InvalidValue(
            f"staff member {staff_id} has no assignment at {school.name} in a "
            f"school year covering {days.describe()}; assign them there first"
        )


def validate_leave(row: dict[str, Any], context: StaffContext) -> None:
    """Every rule a leave request must meet."""
    if row["leave_type"] not in v.LEAVE_TYPES:
        raise InvalidValue(
            f"{row['leave_type']!r} is not a type of leave; use one of: "
            + ", ".join(v.LEAVE_TYPES)
        )
    if row["start_date"] > row["end_date"]:
        raise InvalidValue(
            f"the leave ends ({row['end_date']}) before it starts ({row['start_date']})"
        )
    days = Days(row["start_date"], row["end_date"])
    _require_staff_at_school(row["staff_id"], row["school_id"], days, context)
    for other, status in context.leaves.get(row["staff_id"], []):
        if status in OPEN_LEAVE and first_shared_day(days, other):
            raise OverlappingLeave(
                f"staff member {row['staff_id']} already has leave {status} from "
                f"{other.start} to {other.end}; change or withdraw that request "
                "instead"
            )


def request_leave(
    session: Session,
    actor: str,
    *,
    staff_id: int,
    school_id: int,
    leave_type: str,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    requested_date: dt.date | None = None,
) -> StaffLeave:
    """A staff member asks for leave; an approver at the school decides
    through `approvals.approve` or `approvals.reject` on its request."""
    row = {
        "staff_id": staff_id,
        "school_id": school_id,
        "leave_type": leave_type,
        "start_date": start_date,
        "end_date": end_date,
    }
    validate_leave(row, load_context(session, [staff_id]))

    with savepoint(session):
        request = approvals.request_approval(
            session,
            actor,
            kind="leave",
            school_id=school_id,
            subject_id=staff_id,
            requested_by_staff_id=staff_id,
            payload={
                "leave_type": leave_type,
                "start_date": start_date.isoformat(),
                "end_date": end_date.isoformat(),
            },
            reason=reason,
            requested_date=requested_date,
        )
        leave = StaffLeave(**row, approval_request_id=request.approval_request_id)
        session.add(leave)
        audit(session, actor, "request_leave", leave, before=None)
    return leave


def leave_status(session: Session, staff_leave_id: int) -> str:
    """pending, approved, rejected or withdrawn: its request's status."""
    leave = get(session, StaffLeave, staff_leave_id)
    return get(session, ApprovalRequest, leave.approval_request_id).status


def is_on_leave(session: Session, staff_id: int, day: dt.date) -> bool:
    """Whether the staff member has approved leave on `day`."""
    return (
        session.scalar(
            select(StaffLeave.staff_leave_id)
            .join(ApprovalRequest)
            .where(
                StaffLeave.staff_id == staff_id,
                StaffLeave.start_date <= day,
                StaffLeave.end_date >= day,
                ApprovalRequest.status.in_(GRANTED_LEAVE),
            )
            .limit(1)
        )
        is not None
    )


def duty_row(
    *,
    staff_id: int,
    school_id: int,
    place: str,
    start_time: dt.time,
    end_time: dt.time,
    duty_date: dt.date | None = None,
    weekday: int | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> dict[str, Any]:
    """A duty on one date, or on an ISO weekday (1 Monday) from start to end."""
    if (duty_date is None) == (weekday is None):
        raise InvalidValue("a duty is on one date or on a weekday, one of the two")
    if duty_date is not None:
        start_date = end_date = duty_date
    elif start_date is None or end_date is None:
        raise InvalidValue("a weekly duty needs the first and last date of its run")
    return {
        "staff_id": staff_id,
        "school_id": school_id,
        "place": place,
        "start_date": start_date,
        "end_date": end_date,
        "weekday": weekday,
        "start_minute": minute_of(start_time),
        "end_minute": minute_of(end_time),
    }


def validate_duty(row: dict[str, Any], context: StaffContext) -> None:
    """Every rule a duty must meet; moves a weekly duty's start and end to
    the first and last day it runs."""
    if not row.get("place") or not row["place"].strip():
        raise InvalidValue("a duty needs a place (the yard, the gate, the canteen)")
    slot = (row["start_minute"], row["end_minute"])
    if not slot[0] < slot[1]:
        raise InvalidValue(
            f"a duty ends after it starts, not {clock(slot[0])} to {clock(slot[1])}"
        )
    _align_to_weekday(row)
    days = Days(row["start_date"], row["end_date"], row["weekday"])
    staff_id = row["staff_id"]
    _require_staff_at_school(staff_id, row["school_id"], days, context)

    for leave, status in context.leaves.get(staff_id, []):
        day = first_shared_day(days, leave)
        if status in GRANTED_LEAVE and day:
            raise OnLeave(
                f"staff member {staff_id} is on approved leave on {day} (leave "
                f"from {leave.start} to {leave.end}); give the duty to someone "
                "else or end it before the leave"
            )
    for other, other_slot, place in context.duties.get(staff_id, []):
        day = first_shared_day(days, other)
        if day and times_overlap(slot, other_slot):
            raise DoubleBooked(
                f"staff member {staff_id} already supervises {place} from "
                f"{clock(other_slot[0])} to {clock(other_slot[1])} on {day} "
                f"({other.describe()})"
            )


def _align_to_weekday(row: dict[str, Any]) -> None:
    start, end, weekday = row["start_date"], row["end_date"], row["weekday"]
    if start > end:
        raise InvalidValue(f"the duty's run ends ({end}) before it starts ({start})")
    if weekday is None:
        return
    if weekday not in range(1, 8):
        raise InvalidValue(f"a weekday is 1 (Monday) to 7 (Sunday), not {weekday}")
    start += dt.timedelta(days=(weekday - start.isoweekday()) % 7)
    end -= dt.timedelta(days=(end.isoweekday() - weekday) % 7)
    if start > end:
        raise InvalidValue(
            f"there is no {WEEKDAY_NAMES[weekday][:-1]} from {row['start_date']} "
            f"to {row['end_date']}"
        )
    row["start_date"], row["end_date"] = start, end


def assign_duty(session: Session, actor: str, **values: Any) -> Duty:
    """Put a staff member on the rota; takes `duty_row`'s arguments."""
    row = duty_row(**values)
    validate_duty(row, load_context(session, [row["staff_id"]]))
    duty = Duty(**row)
    with savepoint(session):
        session.add(duty)
        audit(session, actor, "assign_duty", duty, before=None)
    return duty


def bulk_assign_duties(
    session: Session, rows: Iterable[dict[str, Any]], actor: str
) -> int:
    """Many duties with `assign_duty`'s rules; rows in `duty_row`'s form.
    Each duty must also fit around the ones before it in the batch."""
    rows = list(rows)
    context = load_context(session, {row["staff_id"] for row in rows})

    def validate(row: dict[str, Any]) -> None:
        validate_duty(row, context)
        days = Days(row["start_date"], row["end_date"], row["weekday"])
        context.duties[row["staff_id"]].append(
            (days, (row["start_minute"], row["end_minute"]), row["place"])
        )

    n_rows = insert_validated(session, Duty, rows, validate, actor, "bulk_duties")
    log.debug("assigned %d duties", n_rows)
    return n_rows


def duties_on(session: Session, school_id: int, day: dt.date) -> list[Duty]:
    """The rota of a school for one day, earliest first."""
    candidates = session.scalars(
        select(Duty)
        .where(
            Duty.school_id == school_id,
            Duty.start_date <= day,
            Duty.end_date >= day,
        )
        .order_by(Duty.start_minute, Duty.place)
    )
    return [
        duty
        for duty in candidates
        if Days(duty.start_date, duty.end_date, duty.weekday).includes(day)
    ]


def duties_needing_cover(session: Session, school_id: int, day: dt.date) -> list[Duty]:
    """The day's duties whose staff member is on approved leave that day,
    as leave granted after the rota was made leaves them uncovered."""
    return [
        duty
        for duty in duties_on(session, school_id, day)
        if is_on_leave(session, duty.staff_id, day)
    ]
