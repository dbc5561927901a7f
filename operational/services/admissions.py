"""Admissions: an application from submission to a decision, then admission.

An application is submitted, then reviewed. A decision (accept, reject,
waitlist; a waitlisted application is later accepted or rejected) is
proposed as an approval request of kind "admission" and takes effect when an
approver has approved it and `apply_decision` applies it. The family may
withdraw until the student is admitted. An accepted application becomes a
student and an enrollment through the enrollment service.
"""

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.audit import audit, snapshot
from operational.errors import InvalidValue, WrongStatus
from operational.models import (
    Application,
    ApprovalRequest,
    Enrollment,
    School,
    SchoolYear,
    Student,
)
from operational.services import approvals, enrollment, records
from operational.services._writes import savepoint
from operational.services.enrollment import grade_name
from operational.services.records import get

# The decisions open to an application at each step.
DECISIONS = {
    "under_review": ("accepted", "rejected", "waitlisted"),
    "waitlisted": ("accepted", "rejected"),
}
WITHDRAWABLE = ("submitted", "under_review", "waitlisted", "accepted")


def submit_application(
    session: Session,
    actor: str,
    *,
    school_id: int,
    school_year_id: int,
    grade_level: int,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    submitted_date: dt.date,
) -> Application:
    """Record an application for a place in a grade of a school."""
    school = get(session, School, school_id)
    year = get(session, SchoolYear, school_year_id)
    if not school.low_grade <= grade_level <= school.high_grade:
        raise InvalidValue(
            f"{school.name} teaches {grade_name(school.low_grade)} to "
            f"{grade_name(school.high_grade)}, not {grade_name(grade_level)}"
        )
    if not first_name.strip() or not last_name.strip():
        raise InvalidValue("an application needs the child's first and last name")
    if birth_date >= submitted_date:
        raise InvalidValue(
            f"the birth date {birth_date} is not before the application "
            f"({submitted_date})"
        )
    if submitted_date > year.end_date:
        raise InvalidValue(
            f"the {year.name} school year ended on {year.end_date}; apply for "
            "a later year"
        )

    application = Application(
        school_id=school_id,
        school_year_id=school_year_id,
        grade_level=grade_level,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        submitted_date=submitted_date,
        status="submitted",
    )
    with savepoint(session):
        session.add(application)
        audit(session, actor, "submit_application", application, before=None)
    return application


def _require_status(
    application: Application, allowed: tuple[str, ...], step: str
) -> None:
    if application.status not in allowed:
        raise WrongStatus(
            f"application {application.application_id} is {application.status}; "
            f"{step} needs it {' or '.join(allowed)}"
        )


def _set_status(
    session: Session,
    actor: str,
    application: Application,
    action: str,
    **values: Any,
) -> Application:
    before = snapshot(application)
    with savepoint(session):
        for name, value in values.items():
            setattr(application, name, value)
        audit(session, actor, action, application, before=before)
    return application


def start_review(session: Session, actor: str, application_id: int) -> Application:
    """Take a submitted application into review."""
    application = get(session, Application, application_id)
    _require_status(application, ("submitted",), "a review")
    return _set_status(
        session, actor, application, "review_application", status="under_review"
    )


def pending_decision(session: Session, application_id: int) -> ApprovalRequest | None:
    return session.scalars(
        select(ApprovalRequest).where(
            ApprovalRequest.kind == "admission",
            ApprovalRequest.subject_id == application_id,
            ApprovalRequest.status.in_(("pending", "approved")),
        )
    ).first()


def request_decision(
    session: Session,
    actor: str,
    application_id: int,
    *,
    decision: str,
    requested_by_staff_id: int,
    reason: str,
    requested_date: dt.date | None = None,
) -> ApprovalRequest:
    """Propose accepting, rejecting or waitlisting; an approver decides."""
    application = get(session, Application, application_id)
    _require_status(application, tuple(DECISIONS), "a decision")
    allowed = DECISIONS[application.status]
    if decision not in allowed:
        raise InvalidValue(
            f"an application that is {application.status} can become "
            f"{' or '.join(allowed)}, not {decision!r}"
        )
    waiting = pending_decision(session, application_id)
    if waiting is not None:
        raise WrongStatus(
            f"a decision on application {application_id} is already "
            f"{waiting.status} (request {waiting.approval_request_id}); decide or "
            "apply that one first"
        )

    return approvals.request_approval(
        session,
        actor,
        kind="admission",
        school_id=application.school_id,
        subject_id=application_id,
        requested_by_staff_id=requested_by_staff_id,
        payload={"decision": decision, "from_status": application.status},
        reason=reason,
        requested_date=requested_date,
    )


def apply_decision(
    session: Session,
    actor: str,
    approval_request_id: int,
    *,
    applied_date: dt.date | None = None,
) -> Application:
    """Make an approved admission decision the application's status."""
    request = get(session, ApprovalRequest, approval_request_id)
    request = approvals.approved_request(
        session,
        approval_request_id,
        kind="admission",
        subject_id=request.subject_id,
        payload={},
    )
    application = get(session, Application, request.subject_id)
    if application.status != request.payload["from_status"]:
        raise WrongStatus(
            f"application {application.application_id} is now "
            f"{application.status}, not {request.payload['from_status']} as when "
            "the decision was asked for; ask for a new decision"
        )
    applied_date = applied_date or dt.date.today()

    with savepoint(session):
        _set_status(
            session,
            actor,
            application,
            "decide_application",
            status=request.payload["decision"],
            decided_date=request.decided_date,
            decision_reason=request.decision_reason or request.reason,
        )
        approvals.mark_applied(session, actor, request, applied_date)
    return application


def withdraw_application(
    session: Session, actor: str, application_id: int, *, reason: str
) -> Application:
    """The family withdraws; a decision still waiting is withdrawn with it."""
    application = get(session, Application, application_id)
    _require_status(application, WITHDRAWABLE, "a withdrawal")
    if application.student_id is not None:
        raise WrongStatus(
            f"application {application_id} was admitted as student "
            f"{application.student_id}; withdraw the enrollment instead"
        )
    if not reason or not reason.strip():
        raise InvalidValue("a withdrawal needs a reason, for the record")
    waiting = pending_decision(session, application_id)

    with savepoint(session):
        if waiting is not None and waiting.status == "pending":
            approvals.withdraw(session, actor, waiting.approval_request_id)
        return _set_status(
            session,
            actor,
            application,
            "withdraw_application",
            status="withdrawn",
            decision_reason=reason.strip(),
        )


def admit(
    session: Session,
    actor: str,
    application_id: int,
    *,
    student_number: str,
    sex: str,
    race_ethnicity: str,
    entry_date: dt.date,
    entry_code: str = "new",
    **student_values: Any,
) -> Enrollment:
    """Turn an accepted application into a student enrolled from
    `entry_date` in the school, year and grade applied for."""
    application = get(session, Application, application_id)
    _require_status(application, ("accepted",), "admission")
    if application.student_id is not None:
        raise WrongStatus(
            f"application {application_id} was already admitted as student "
            f"{application.student_id}"
        )

    with savepoint(session):
        student = records.create(
            session,
            Student,
            actor,
            student_number=student_number,
            first_name=application.first_name,
            last_name=application.last_name,
            birth_date=application.birth_date,
            sex=sex,
            race_ethnicity=race_ethnicity,
            **student_values,
        )
        stay = enrollment.enroll(
            session,
            actor,
            student_id=student.student_id,
            school_id=application.school_id,
            school_year_id=application.school_year_id,
            grade_level=application.grade_level,
            entry_date=entry_date,
            entry_code=entry_code,
        )
        _set_status(
            session,
            actor,
            application,
            "admit_application",
            student_id=student.student_id,
        )
    return stay
