"""The test district's coursework (Algebra, ALG-25) and Lincoln's fees of
2025-2026; `test_coursework_completion.py` and `test_fees.py` list them.
"""

import datetime as dt

from sqlalchemy.orm import Session

from operational.services import approvals, assignments, fees, submissions
from tests.support.approvals import build_office
from tests.support.school import ACTOR
from tests.warehouse.district import AS_OF, TEACHER, District

CASHIER = "test:cashier"


def add_coursework(session: Session, district: District) -> None:
    section_id = district.sections["ALG-25"].section_id
    homework = assignments.add_category(
        session, TEACHER, section_id=section_id, name="Homework", weight_percent=100
    )

    def work(title: str, due: dt.date, points: int, publish: bool = True) -> int:
        added = assignments.add_assignment(
            session,
            TEACHER,
            section_id=section_id,
            grading_category_id=homework.grading_category_id,
            title=title,
            points_possible=points,
            due_date=due,
            late_penalty_percent_per_day=10,
            max_late_penalty_percent=50,
        )
        if publish:
            assignments.publish_assignment(session, TEACHER, added.assignment_id)
        return added.assignment_id

    first = work("A1", dt.date(2025, 9, 10), 10)
    second = work("A2", dt.date(2025, 9, 24), 20)
    due_today = work("A3", AS_OF, 10)
    work("A4 draft", dt.date(2025, 9, 5), 10, publish=False)

    def hand_in(number: str, assignment_id: int, day: dt.date, points=None) -> None:
        key = {"assignment_id": assignment_id, "student_id": district.students[number]}
        submissions.submit(session, ACTOR, submitted_date=day, **key)
        if points is not None:
            submissions.record_score(session, TEACHER, points_earned=points, **key)

    hand_in("W1", first, dt.date(2025, 9, 9), 8)
    hand_in("W2", first, dt.date(2025, 9, 12), 10)
    submissions.excuse(
        session, TEACHER, assignment_id=first, student_id=district.students["W3"]
    )
    hand_in("W1", second, dt.date(2025, 9, 24))
    submissions.record_score(
        session,
        TEACHER,
        assignment_id=second,
        student_id=district.students["W2"],
        points_earned=0,
    )
    hand_in("W3", second, dt.date(2025, 9, 20), 15)
    hand_in("W5", second, dt.date(2025, 9, 30), 20)
    hand_in("W1", due_today, dt.date(2025, 10, 14), 10)


def add_fees(session: Session, district: District) -> None:
    lincoln, year = district.lincoln, district.years[2025]
    office = build_office(session, district.school)

    def invoice(number: str, cents: int, issued: dt.date, dues: list) -> int:
        return fees.issue_invoice(
            session,
            ACTOR,
            student_id=district.students[number],
            school_id=lincoln.school_id,
            school_year_id=year.school_year_id,
            description=f"Fees of {number}",
            amount_cents=cents,
            issued_date=issued,
            due_dates=dues,
        ).invoice_id

    def pay(invoice_id: int, cents: int, day: dt.date) -> None:
        fees.record_payment(
            session,
            CASHIER,
            invoice_id=invoice_id,
            amount_cents=cents,
            paid_date=day,
            method="card",
        )

    tuition = invoice(
        "W1",
        30_000,
        dt.date(2025, 8, 25),
        [dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1)],
    )
    pay(tuition, 15_000, dt.date(2025, 9, 5))
    pay(tuition, 1_000, dt.date(2025, 10, 20))
    invoice("W2", 5_000, dt.date(2025, 7, 1), [dt.date(2025, 7, 15)])

    waived = invoice("W3", 8_000, dt.date(2025, 9, 1), [dt.date(2025, 9, 10)])
    request = fees.request_waiver(
        session,
        ACTOR,
        invoice_id=waived,
        amount_cents=3_000,
        requested_by_staff_id=office.registrar.staff_id,
        reason="family hardship, documented",
        requested_date=dt.date(2025, 9, 18),
    )
    approvals.approve(
        session,
        ACTOR,
        request.approval_request_id,
        decided_by_staff_id=office.finance_officer.staff_id,
        decided_date=dt.date(2025, 9, 20),
    )
    fees.apply_waiver(
        session, ACTOR, request.approval_request_id, waiver_date=dt.date(2025, 9, 20)
    )

    overpaid = invoice("W5", 4_000, dt.date(2025, 9, 1), [dt.date(2025, 9, 15)])
    pay(overpaid, 5_000, dt.date(2025, 9, 20))
    fees.refund(
        session,
        CASHIER,
        invoice_id=overpaid,
        amount_cents=500,
        refund_date=dt.date(2025, 10, 1),
        method="card",
        reason="paid twice by mistake",
    )

    adjusted = invoice("W4", 2_000, dt.date(2025, 7, 20), [dt.date(2025, 8, 1)])
    fees.adjust(
        session,
        ACTOR,
        invoice_id=adjusted,
        amount_cents=1_000,
        adjustment_date=dt.date(2025, 10, 10),
        reason="lab materials added",
    )
    invoice("W6", 1_000, dt.date(2025, 10, 20), [dt.date(2025, 11, 1)])
