"""The approvals inbox of a signed-in user: what they may decide, and what
they asked for themselves.

Deciding is `approvals.approve` and `approvals.reject`, whose rule is the
scope: a staff member whose position at the request's school holds an
approver role for its kind, never the requester. The account's `staff_id`
names that staff member, so an account without one decides nothing. A
request is shown in detail only to those who may decide it or who made it.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.models import (
    Application,
    ApprovalRequest,
    Invoice,
    School,
    Staff,
    Student,
)
from operational.services import access, approvals
from operational.services.access import Principal
from operational.services.fees import format_cents
from operational.services.records import get

KIND_LABELS = {
    "grade_change": "Grade change",
    "leave": "Leave",
    "admission": "Admission",
    "fee_waiver": "Fee waiver",
}


@dataclass(frozen=True)
class RequestLine:
    approval_request_id: int
    kind: str  # its label, e.g. "Fee waiver"
    school: str
    requested_by: str
    requested_date: dt.date
    about: str  # the record the request concerns
    details: str  # what is asked, in words
    reason: str
    status: str
    decided_date: dt.date | None
    decision_reason: str | None


def require_staff(principal: Principal) -> int:
    """The staff member deciding for this account, or a refusal."""
    if principal.staff_id is None:
        access.deny(principal, "approval decisions, which a staff member makes")
    return principal.staff_id


def inbox(session: Session, principal: Principal, day: dt.date) -> list[RequestLine]:
    """The pending requests the user may decide on `day`, oldest first."""
    if principal.staff_id is None:
        return []
    pending = approvals.pending_for(session, principal.staff_id, day)
    return [describe(session, request) for request in pending]


def require_in_inbox(
    session: Session, principal: Principal, approval_request_id: int, day: dt.date
) -> RequestLine:
    """A request the user may decide now, or a refusal: an id typed into the
    address reaches no request outside the inbox."""
    get(session, ApprovalRequest, approval_request_id)
    for line in inbox(session, principal, day):
        if line.approval_request_id == approval_request_id:
            return line
    access.deny(principal, f"approval request {approval_request_id}")


def own_requests(session: Session, principal: Principal) -> list[RequestLine]:
    """The requests the user made, newest first."""
    if principal.staff_id is None:
        return []
    made = session.scalars(
        select(ApprovalRequest)
        .where(ApprovalRequest.requested_by_staff_id == principal.staff_id)
        .order_by(ApprovalRequest.approval_request_id.desc())
    )
    return [describe(session, request) for request in made]


def describe(session: Session, request: ApprovalRequest) -> RequestLine:
    requester = get(session, Staff, request.requested_by_staff_id)
    return RequestLine(
        request.approval_request_id,
        KIND_LABELS[request.kind],
        get(session, School, request.school_id).name,
        f"{requester.first_name} {requester.last_name}",
        request.requested_date,
        _about(session, request),
        _details(request),
        request.reason,
        request.status,
        request.decided_date,
        request.decision_reason,
    )


def _about(session: Session, request: ApprovalRequest) -> str:
    subject = get(session, approvals.SUBJECTS[request.kind], request.subject_id)
    if isinstance(subject, Staff | Student):
        return f"{subject.first_name} {subject.last_name}"
    if isinstance(subject, Invoice):
        student = get(session, Student, subject.student_id)
        return (
            f"invoice {subject.invoice_id} of {student.first_name} "
            f"{student.last_name}: {subject.description}"
        )
    if isinstance(subject, Application):
        return f"application {subject.application_id}"
    return f"{request.subject_table} {request.subject_id}"


def _details(request: ApprovalRequest) -> str:
    asked = request.payload
    if request.kind == "leave":
        kind = str(asked.get("leave_type", "")).replace("_", " ")
        return f"{kind} leave from {asked.get('start_date')} to {asked.get('end_date')}"
    if request.kind == "fee_waiver":
        return f"waive {format_cents(asked['amount_cents'])}"
    if request.kind == "grade_change":
        was = asked.get("previous_percent")
        return f"mark to {asked['percent']}%" + (f" (now {was}%)" if was else "")
    return "; ".join(f"{key}: {value}" for key, value in sorted(asked.items()))
