"""Approvals: one mechanism for every change that needs a second person.

A staff member asks (a kind, the record it concerns, what is asked, why);
another staff member whose position may decide that kind approves or
rejects it, a rejection with a reason; the service that makes the change
then marks the approved request applied, so one approval allows one change.
Kinds: a grade change after its period closed, a leave, an admission
decision, a fee waiver.

Who may decide: user accounts come in a later issue, so a decider is named
by staff_id, and their role is their `StaffAssignment.position` at the
request's school in the school year under way on the decision date (the
latest year started by then). `approver_role` rows say which positions
decide which kind; `grant_default_approver_roles` writes the usual set.
"""

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational import vocabulary as v
from operational.audit import audit, snapshot
from operational.errors import (
    ApprovalRequired,
    InvalidValue,
    NotAnApprover,
    OwnRequest,
    WrongStatus,
)
from operational.models import (
    Application,
    ApprovalRequest,
    ApproverRole,
    Base,
    Invoice,
    Mark,
    School,
    SchoolYear,
    Staff,
    StaffAssignment,
    Student,
)
from operational.services._writes import savepoint
from operational.services.records import get

# The record each kind of request is about.
SUBJECTS: dict[str, type[Base]] = {
    "grade_change": Student,
    "leave": Staff,
    "admission": Application,
    "fee_waiver": Invoice,
}

DEFAULT_APPROVER_ROLES: dict[str, tuple[str, ...]] = {
    "grade_change": ("principal", "assistant_principal", "administrator"),
    "leave": ("principal", "assistant_principal", "administrator"),
    "admission": ("principal", "assistant_principal", "administrator"),
    "fee_waiver": ("principal", "finance_officer", "administrator"),
}

DECISION_ACTIONS = {"approved": "approve", "rejected": "reject"}

KIND_NAMES = {
    "grade_change": "grade-change",
    "leave": "leave",
    "admission": "admission",
    "fee_waiver": "fee-waiver",
}


def _require_text(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise InvalidValue(f"{what} is required")
    return value.strip()


def _require_kind(kind: str) -> None:
    if kind not in v.APPROVAL_KINDS:
        raise InvalidValue(
            f"{kind!r} is not a kind of request; use one of: "
            + ", ".join(v.APPROVAL_KINDS)
        )


def grant_approver_role(
    session: Session, actor: str, *, kind: str, position: str
) -> ApproverRole:
    """Let staff in `position` decide requests of `kind`."""
    _require_kind(kind)
    if position not in v.STAFF_POSITIONS:
        raise InvalidValue(
            f"{position!r} is not a staff position; use one of: "
            + ", ".join(v.STAFF_POSITIONS)
        )
    role = ApproverRole(kind=kind, position=position)
    with savepoint(session):
        session.add(role)
        audit(session, actor, "grant_approver_role", role, before=None)
    return role


def grant_default_approver_roles(session: Session, actor: str) -> int:
    """Grant the roles of `DEFAULT_APPROVER_ROLES` not granted yet; how many."""
    granted = set(session.execute(select(ApproverRole.kind, ApproverRole.position)))
    missing = [
        (kind, position)
        for kind, positions in DEFAULT_APPROVER_ROLES.items()
        for position in positions
        if (kind, position) not in granted
    ]
    for kind, position in missing:
        grant_approver_role(session, actor, kind=kind, position=position)
    return len(missing)


def approver_positions(session: Session, kind: str) -> set[str]:
    return set(
        session.scalars(select(ApproverRole.position).where(ApproverRole.kind == kind))
    )


def school_year_as_of(session: Session, day: dt.date) -> int | None:
    """The school year under way on `day`: the latest one started by then."""
    return session.scalar(
        select(SchoolYear.school_year_id)
        .where(SchoolYear.start_date <= day)
        .order_by(SchoolYear.start_date.desc())
        .limit(1)
    )


def positions_at(
    session: Session, staff_id: int, school_id: int, day: dt.date
) -> set[str]:
    """The positions a staff member holds at a school on `day`."""
    year_id = school_year_as_of(session, day)
    return set(
        session.scalars(
            select(StaffAssignment.position).where(
                StaffAssignment.staff_id == staff_id,
                StaffAssignment.school_id == school_id,
                StaffAssignment.school_year_id == year_id,
            )
        )
    )


def request_approval(
    session: Session,
    actor: str,
    *,
    kind: str,
    school_id: int,
    subject_id: int,
    requested_by_staff_id: int,
    payload: dict[str, Any],
    reason: str,
    requested_date: dt.date | None = None,
) -> ApprovalRequest:
    """Open a request; the domain services call this with their payload."""
    _require_kind(kind)
    reason = _require_text(reason, "a reason for the decider")
    get(session, School, school_id)
    get(session, Staff, requested_by_staff_id)
    subject = SUBJECTS[kind]
    get(session, subject, subject_id)
    try:
        json.dumps(payload)
    except TypeError as error:
        raise InvalidValue(f"the details cannot be stored: {error}") from error

    request = ApprovalRequest(
        kind=kind,
        school_id=school_id,
        subject_table=subject.__tablename__,
        subject_id=subject_id,
        payload=payload,
        reason=reason,
        requested_by_staff_id=requested_by_staff_id,
        requested_date=requested_date or dt.date.today(),
        status="pending",
    )
    with savepoint(session):
        session.add(request)
        audit(session, actor, "request_approval", request, before=None)
    return request


def approve(
    session: Session,
    actor: str,
    approval_request_id: int,
    *,
    decided_by_staff_id: int,
    reason: str | None = None,
    decided_date: dt.date | None = None,
) -> ApprovalRequest:
    """Approve a pending request; the decider needs an approver's position."""
    return _decide(
        session,
        actor,
        approval_request_id,
        "approved",
        decided_by_staff_id,
        reason.strip() if reason and reason.strip() else None,
        decided_date or dt.date.today(),
    )


def reject(
    session: Session,
    actor: str,
    approval_request_id: int,
    *,
    decided_by_staff_id: int,
    reason: str,
    decided_date: dt.date | None = None,
) -> ApprovalRequest:
    """Reject a pending request, saying why (the requester reads it)."""
    reason = _require_text(reason, "a reason for the requester")
    return _decide(
        session,
        actor,
        approval_request_id,
        "rejected",
        decided_by_staff_id,
        reason,
        decided_date or dt.date.today(),
    )


def _decide(
    session: Session,
    actor: str,
    approval_request_id: int,
    status: str,
    decided_by_staff_id: int,
    reason: str | None,
    decided_date: dt.date,
) -> ApprovalRequest:
    request = get(session, ApprovalRequest, approval_request_id)
    _require_pending(request)
    get(session, Staff, decided_by_staff_id)
    if decided_by_staff_id == request.requested_by_staff_id:
        raise OwnRequest(
            f"staff member {decided_by_staff_id} made request "
            f"{approval_request_id}, so another approver has to decide it"
        )
    if decided_date < request.requested_date:
        raise InvalidValue(
            f"the decision date {decided_date} is before the request was made "
            f"({request.requested_date})"
        )
    _require_approver(session, request, decided_by_staff_id, decided_date)

    before = snapshot(request)
    with savepoint(session):
        request.status = status
        request.decided_by_staff_id = decided_by_staff_id
        request.decided_date = decided_date
        request.decision_reason = reason
        audit(session, actor, DECISION_ACTIONS[status], request, before=before)
    return request


def _require_pending(request: ApprovalRequest) -> None:
    if request.status == "pending":
        return
    when = request.applied_date or request.decided_date
    raise WrongStatus(
        f"{KIND_NAMES[request.kind]} request {request.approval_request_id} is "
        f"{request.status}{f' since {when}' if when else ''}; only a pending "
        "request can be decided or withdrawn"
    )


def _require_approver(
    session: Session, request: ApprovalRequest, staff_id: int, day: dt.date
) -> None:
    allowed = approver_positions(session, request.kind)
    held = positions_at(session, staff_id, request.school_id, day)
    if held & allowed:
        return
    school = get(session, School, request.school_id)
    raise NotAnApprover(
        f"{KIND_NAMES[request.kind]} requests at {school.name} are decided by: "
        f"{', '.join(sorted(allowed)) or 'no position yet (grant an approver role)'}"
        f"; staff member {staff_id} holds "
        f"{', '.join(sorted(held)) or 'no position'} there on {day}"
    )


def withdraw(session: Session, actor: str, approval_request_id: int) -> ApprovalRequest:
    """Withdraw a request that nobody has decided yet."""
    request = get(session, ApprovalRequest, approval_request_id)
    _require_pending(request)
    before = snapshot(request)
    with savepoint(session):
        request.status = "withdrawn"
        audit(session, actor, "withdraw_request", request, before=before)
    return request


def approved_request(
    session: Session,
    approval_request_id: int,
    *,
    kind: str,
    subject_id: int,
    payload: dict[str, Any],
) -> ApprovalRequest:
    """The request, if it is approved, unused and allows exactly this change:
    same kind, same subject, and the same value for every key of `payload`."""
    request = get(session, ApprovalRequest, approval_request_id)
    name = f"request {approval_request_id}"
    if request.kind != kind:
        raise ApprovalRequired(
            f"{name} is a {KIND_NAMES[request.kind]} request, not a "
            f"{KIND_NAMES[kind]} request"
        )
    if request.status == "applied":
        raise ApprovalRequired(
            f"{name} was used on {request.applied_date}; an approval allows one "
            "change, so ask for a new one"
        )
    if request.status != "approved":
        raise ApprovalRequired(
            f"{name} is {request.status}, not approved; the change waits for an "
            "approver's decision"
        )
    if request.subject_id != subject_id:
        raise ApprovalRequired(
            f"{name} is about {request.subject_table} {request.subject_id}, "
            f"not {request.subject_table} {subject_id}"
        )
    differences = [
        f"{key} {request.payload.get(key)!r} approved, {value!r} asked"
        for key, value in payload.items()
        if request.payload.get(key) != value
    ]
    if differences:
        raise ApprovalRequired(
            f"{name} approved a different change ({'; '.join(differences)})"
        )
    return request


def mark_applied(
    session: Session, actor: str, request: ApprovalRequest, applied_date: dt.date
) -> ApprovalRequest:
    """Record that the approved change was made; called inside the write that
    makes it, so both happen or neither does."""
    if request.status != "approved":
        raise ApprovalRequired(
            f"request {request.approval_request_id} is {request.status}, not approved"
        )
    before = snapshot(request)
    with savepoint(session):
        request.status = "applied"
        request.applied_date = applied_date
        audit(session, actor, "apply_request", request, before=before)
    return request


def pending_for(
    session: Session, staff_id: int, day: dt.date | None = None
) -> list[ApprovalRequest]:
    """The pending requests a staff member may decide, oldest first."""
    day = day or dt.date.today()
    year_id = school_year_as_of(session, day)
    held = session.execute(
        select(StaffAssignment.school_id, StaffAssignment.position).where(
            StaffAssignment.staff_id == staff_id,
            StaffAssignment.school_year_id == year_id,
        )
    ).all()
    roles = session.execute(select(ApproverRole.kind, ApproverRole.position)).all()
    decidable = {
        (school_id, kind)
        for school_id, position in held
        for kind, role_position in roles
        if role_position == position
    }
    pending = session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.status == "pending",
            ApprovalRequest.requested_by_staff_id != staff_id,
            ApprovalRequest.school_id.in_({school for school, _ in decidable}),
        )
        .order_by(ApprovalRequest.requested_date, ApprovalRequest.approval_request_id)
    )
    return [r for r in pending if (r.school_id, r.kind) in decidable]


def grade_change_payload(
    section_id: int, grading_period_id: int, percent: Decimal
) -> dict[str, Any]:
    """What a grade-change approval allows, in the form both sides compare."""
    return {
        "section_id": section_id,
        "grading_period_id": grading_period_id,
        "percent": str(percent),
    }


def request_grade_change(
    session: Session,
    actor: str,
    *,
    student_id: int,
    section_id: int,
    grading_period_id: int,
    percent: Any,
    requested_by_staff_id: int,
    reason: str,
    requested_date: dt.date | None = None,
) -> ApprovalRequest:
    """Ask to change a mark of a closed grading period to `percent`."""
    # Imported here: grading imports this module for its late-change hook.
    from operational.services import grading

    row = {
        "student_id": student_id,
        "section_id": section_id,
        "grading_period_id": grading_period_id,
        "percent": percent,
    }
    context = grading.load_context(session, [section_id])
    grading.validate_mark(row, context, is_approved_late_change=True)
    period = context.periods[grading_period_id]
    if not period.is_closed:
        raise InvalidValue(
            f"the grading period {period.name} is open; post the mark directly, "
            "no approval is needed"
        )
    current = session.scalars(
        select(Mark.percent).where(
            Mark.student_id == student_id,
            Mark.section_id == section_id,
            Mark.grading_period_id == grading_period_id,
        )
    ).one_or_none()

    payload = grade_change_payload(section_id, grading_period_id, row["percent"])
    payload["previous_percent"] = None if current is None else str(current)
    return request_approval(
        session,
        actor,
        kind="grade_change",
        school_id=context.sections[section_id].school_id,
        subject_id=student_id,
        requested_by_staff_id=requested_by_staff_id,
        payload=payload,
        reason=reason,
        requested_date=requested_date,
    )
