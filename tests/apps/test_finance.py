"""The fees page: invoices, payments, refunds, waiver requests, ledgers, aging.

Fay Ledger ("finance") keeps the fees of Lincoln High; Roosevelt's students
and invoices are outside her scope. Amounts are cents in the database and
typed as money on the page: 12000 is 120.00.
"""

import datetime as dt

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from apps import session as app_session
from operational.models import (
    ApprovalRequest,
    AuditLog,
    Invoice,
    InvoiceInstalment,
    LedgerEntry,
    Student,
)
from operational.services import approvals, fees
from tests.support.app_driver import ENTRY_FILE, new_app, texts

SETUP = "test:setup"
PAGE = "finance.py"
PAGE_FILE = ENTRY_FILE.parent / "views" / PAGE
SEP_1 = dt.date(2025, 9, 1)
SEP_15 = dt.date(2025, 9, 15)
SCRIPT = "<script>alert(1)</script>"
DROP_TABLE = "'; drop table student; --"
AGING_COLUMNS = (
    "Student",
    "Name",
    "Current",
    "1-30 days",
    "31-60 days",
    "61-90 days",
    "Over 90 days",
    "Credit",
    "Balance",
)
# Rows each save may write, counted before and after a refusal.
TABLES = (Invoice, InvoiceInstalment, LedgerEntry, ApprovalRequest, AuditLog)


@pytest.fixture
def lincoln_fee(app_database) -> int:
    """Lincoln's grade 9 activity fee, 120.00 due on September 15."""
    ids = app_database.ids
    with app_database.session() as session:
        schedule = fees.create_fee_schedule(
            session,
            SETUP,
            school_id=ids["lincoln"],
            school_year_id=ids["year"],
            name="Grade 9 activity fee",
            amount_cents=12_000,
            first_due_date=SEP_15,
            grade_level=9,
        )
        return schedule.fee_schedule_id


def issue(app_database, number: str, school: str = "lincoln", cents=12_000) -> int:
    """A one-off invoice of 120.00 to a student, issued Sep 1, due Sep 15."""
    ids = app_database.ids
    with app_database.session() as session:
        invoice = fees.issue_invoice(
            session,
            SETUP,
            student_id=ids[number],
            school_id=ids[school],
            school_year_id=ids["year"],
            description="Lab fee",
            amount_cents=cents,
            issued_date=SEP_1,
            due_dates=[SEP_15],
        )
        return invoice.invoice_id


def counts(app_database) -> dict[str, int]:
    with app_database.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in TABLES
        }


def balance(app_database, invoice_id: int) -> int:
    with app_database.session() as session:
        return session.scalar(
            select(func.sum(LedgerEntry.amount_cents)).where(
                LedgerEntry.invoice_id == invoice_id
            )
        )


def widget(app, kind: str, prefix: str):
    """The one widget of a kind whose key starts with `prefix`: form keys end
    with how many entries their record holds."""
    found = [w for w in getattr(app, kind) if w.key and w.key.startswith(prefix)]
    assert len(found) == 1, [w.key for w in getattr(app, kind)]
    return found[0]


def submit(app, label: str):
    button = next(b for b in app.form_submit_button if b.label == label)
    return button.click().run()


def frame(app, *columns: str):
    """The one table shown with exactly these columns."""
    found = [f.value for f in app.dataframe if list(f.value.columns) == list(columns)]
    assert len(found) == 1, [list(f.value.columns) for f in app.dataframe]
    return found[0]


def metric(app, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def fill_payment(app, amount: str, day=dt.date(2025, 9, 10), reference=""):
    widget(app, "text_input", "payment_amount_").input(amount)
    widget(app, "selectbox", "payment_method_").set_value("card")
    widget(app, "date_input", "payment_date_").set_value(day)
    widget(app, "text_input", "payment_reference_").input(reference)
    return submit(app, "Record payment")


def fill_refund(app, amount: str, reason="paid twice"):
    widget(app, "text_input", "refund_amount_").input(amount)
    widget(app, "selectbox", "refund_method_").set_value("bank_transfer")
    widget(app, "date_input", "refund_date_").set_value(dt.date(2025, 9, 20))
    widget(app, "text_input", "refund_reason_").input(reason)
    return submit(app, "Refund")


def fill_waiver(app, amount: str, reason="family hardship"):
    widget(app, "text_input", "waiver_amount_").input(amount)
    widget(app, "text_input", "waiver_reason_").input(reason)
    return submit(app, "Request waiver")


def fill_one_off(app, description: str, amount: str, instalments=1):
    widget(app, "radio", "invoice_source_").set_value("One-off charge").run()
    widget(app, "text_input", "invoice_description_").input(description)
    widget(app, "text_input", "invoice_amount_").input(amount)
    widget(app, "date_input", "invoice_issued_").set_value(SEP_1)
    widget(app, "date_input", "invoice_first_due_").set_value(SEP_15)
    widget(app, "number_input", "invoice_instalments_").set_value(instalments)
    return submit(app, "Issue invoice")


def test_the_page_needs_a_sign_in(app_database):
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        entry = new_app()
        entry.query_params["invoice"] = "1"
        entry.run()
        page = AppTest.from_file(str(PAGE_FILE), default_timeout=30)
        page.query_params["invoice"] = "1"
        page.run()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    # The menu of a visitor holds only the sign-in page.
    assert entry.text_input(key="sign_in_name").value == ""
    assert "Fees" not in texts(entry, "title")
    assert not page.exception
    assert texts(page, "warning") == ["Sign in to use Quad."]
    assert not page.title
    assert statements == []


@pytest.mark.parametrize("username", ["teacher", "registrar", "counselor", "leader"])
def test_other_roles_are_refused_even_opening_the_file(signed_in, username):
    # The menu leaves the page out; the page's own guard is what refuses.
    menu = signed_in(username)
    assert not menu.exception
    page = AppTest.from_file(str(PAGE_FILE), default_timeout=30)
    page.session_state[app_session.PRINCIPAL] = menu.session_state[
        app_session.PRINCIPAL
    ]
    page.run()

    assert not page.exception
    assert not page.title
    role = menu.session_state[app_session.PRINCIPAL].role_name
    assert texts(page, "error") == [
        f"your role ({role}) does not reach the page finance.py"
    ]
    assert not page.form_submit_button


def test_a_fee_schedule_bills_the_student_once(signed_in, app_database, lincoln_fee):
    ids = app_database.ids
    app = signed_in("finance", PAGE, {"student": str(ids["S1"])})
    assert app.selectbox(key=f"fees_student_{ids['lincoln']}").value == ids["S1"]
    submit(app, "Issue invoice")

    assert not app.exception
    assert texts(app, "success") == [
        "Invoiced Grade 9 activity fee \\(2025\\-2026\\): 120\\.00 in 1 to "
        "Lovelace, Ada \\(S1\\)."
    ]
    with app_database.session() as session:
        invoice = session.scalar(
            select(Invoice).where(Invoice.fee_schedule_id == lincoln_fee)
        )
        assert (invoice.student_id, invoice.amount_cents) == (ids["S1"], 12_000)
        # Ada's mother is her primary contact, so the bill goes to her.
        assert invoice.guardian_id is not None
    assert metric(app, "Balance of the account") == "120.00"

    # A second bill for the same schedule is refused, and writes nothing.
    before = counts(app_database)
    submit(app, "Issue invoice")
    assert texts(app, "error") == [
        f"student {ids['S1']} is already invoiced for 'Grade 9 activity fee'; "
        "a schedule bills each student once"
    ]
    assert counts(app_database) == before


def test_a_one_off_charge_is_issued_in_instalments(signed_in, app_database):
    ids = app_database.ids
    app = signed_in("finance", PAGE, {"student": str(ids["S1"])})
    fill_one_off(app, SCRIPT, "120.00", instalments=3)

    assert not app.exception
    with app_database.session() as session:
        invoice = session.scalar(select(Invoice).where(Invoice.student_id == ids["S1"]))
        assert (invoice.description, invoice.amount_cents) == (SCRIPT, 12_000)
        assert invoice.fee_schedule_id is None
        parts = session.execute(
            select(InvoiceInstalment.due_date, InvoiceInstalment.amount_cents)
            .where(InvoiceInstalment.invoice_id == invoice.invoice_id)
            .order_by(InvoiceInstalment.sequence)
        ).all()
    # 120.00 in 3 monthly parts of 40.00 from September 15.
    assert parts == [
        (dt.date(2025, 9, 15), 4_000),
        (dt.date(2025, 10, 15), 4_000),
        (dt.date(2025, 11, 15), 4_000),
    ]
    # The form comes back empty for the next invoice.
    assert widget(app, "text_input", "invoice_amount_").value == ""
    assert_shown_escaped(app, SCRIPT)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "12.345",
            "the invoice amount has more than two decimals (12.345); amounts are "
            "in cents, such as 45.50",
        ),
        ("-5", "the invoice amount cannot be negative (-5); type it without a sign"),
        ("ten", "the invoice amount must be an amount such as 45.50, not 'ten'"),
        ("", "enter the invoice amount, such as 45.50"),
        ("0.00", "the invoice amount must be more than 0.00"),
    ],
)
def test_a_mistyped_invoice_amount_is_refused(signed_in, app_database, typed, message):
    app = signed_in("finance", PAGE)
    before = counts(app_database)
    fill_one_off(app, "Lab fee", typed)

    assert texts(app, "error") == [message]
    assert counts(app_database) == before
    assert widget(app, "text_input", "invoice_amount_").value == typed
    assert widget(app, "text_input", "invoice_description_").value == "Lab fee"


def test_payment_and_refund_leave_the_balance_computed_by_hand(signed_in, app_database):
    invoice_id = issue(app_database, "S1")
    app = signed_in("finance", PAGE, {"invoice": str(invoice_id)})
    assert metric(app, f"Balance of invoice {invoice_id}") == "120.00"

    fill_payment(app, "45.50", reference="R-1001")
    assert texts(app, "success") == [
        f"Payment of 45.50 recorded on invoice {invoice_id}."
    ]
    # 120.00 billed - 45.50 paid = 74.50.
    assert balance(app_database, invoice_id) == 7_450
    assert metric(app, f"Balance of invoice {invoice_id}") == "74.50"

    fill_refund(app, "10.00")
    # 74.50 + 10.00 given back = 84.50 outstanding.
    assert balance(app_database, invoice_id) == 8_450
    assert metric(app, f"Balance of invoice {invoice_id}") == "84.50"
    assert metric(app, "Balance of the account") == "84.50"

    with app_database.session() as session:
        entries = session.execute(
            select(
                LedgerEntry.entry_type,
                LedgerEntry.amount_cents,
                LedgerEntry.method,
                LedgerEntry.reference,
                LedgerEntry.memo,
                LedgerEntry.recorded_by,
            )
            .where(LedgerEntry.invoice_id == invoice_id)
            .order_by(LedgerEntry.ledger_entry_id)
        ).all()
    assert entries == [
        ("charge", 12_000, None, None, "Lab fee", SETUP),
        ("payment", -4_550, "card", "R-1001", None, "finance"),
        ("refund", 1_000, "bank_transfer", None, "paid twice", "finance"),
    ]
    ledger = frame(app, "Date", "Entry", "Amount", "Method", "Reference", "Memo")
    assert list(ledger["Amount"]) == ["120.00", "-45.50", "10.00"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "12.345",
            "the payment has more than two decimals (12.345); amounts are in "
            "cents, such as 45.50",
        ),
        ("-45.50", "the payment cannot be negative (-45.50); type it without a sign"),
        ("45,50", "the payment must be an amount such as 45.50, not '45,50'"),
        ("abc", "the payment must be an amount such as 45.50, not 'abc'"),
    ],
)
def test_a_mistyped_payment_is_refused(signed_in, app_database, typed, message):
    invoice_id = issue(app_database, "S1")
    app = signed_in("finance", PAGE, {"invoice": str(invoice_id)})
    before = counts(app_database)
    fill_payment(app, typed, reference="R-7")

    assert texts(app, "error") == [message]
    assert counts(app_database) == before
    assert widget(app, "text_input", "payment_amount_").value == typed
    assert widget(app, "text_input", "payment_reference_").value == "R-7"


def test_a_payment_before_the_invoice_shows_the_services_message(
    signed_in, app_database
):
    invoice_id = issue(app_database, "S1")
    app = signed_in("finance", PAGE, {"invoice": str(invoice_id)})
    before = counts(app_database)
    fill_payment(app, "45.50", day=dt.date(2025, 8, 31))

    assert texts(app, "error") == [
        f"2025-08-31 is before invoice {invoice_id} was issued (2025-09-01)"
    ]
    assert counts(app_database) == before
    assert widget(app, "date_input", "payment_date_").value == dt.date(2025, 8, 31)


def test_a_refund_larger_than_what_was_paid_is_refused(signed_in, app_database):
    invoice_id = issue(app_database, "S1")
    app = signed_in("finance", PAGE, {"invoice": str(invoice_id)})
    fill_payment(app, "45.50")
    before = counts(app_database)
    fill_refund(app, "50.00")

    assert texts(app, "error") == [
        f"invoice {invoice_id} has 45.50 paid and not refunded, so 50.00 cannot "
        "be refunded"
    ]
    assert counts(app_database) == before
    assert widget(app, "text_input", "refund_amount_").value == "50.00"
    assert widget(app, "text_input", "refund_reason_").value == "paid twice"
    assert balance(app_database, invoice_id) == 7_450

    fill_refund(app, "5.00", reason=" ")
    assert texts(app, "error") == ["a refund needs a reason, for the account's history"]
    assert counts(app_database) == before


def test_a_waiver_is_requested_approved_and_applied(signed_in, app_database):
    ids = app_database.ids
    invoice_id = issue(app_database, "S1")
    app = signed_in("finance", PAGE, {"invoice": str(invoice_id)})
    fill_waiver(app, "20.00")

    assert not app.exception
    with app_database.session() as session:
        request = session.scalar(select(ApprovalRequest))
        assert (request.kind, request.subject_id, request.status) == (
            "fee_waiver",
            invoice_id,
            "pending",
        )
        assert request.payload == {"amount_cents": 2_000}
        assert request.requested_by_staff_id == ids["staff_finance"]
        # The principal decides it; nobody decides their own request.
        approvals.approve(
            session,
            SETUP,
            request.approval_request_id,
            decided_by_staff_id=ids["staff_leader"],
            decided_date=dt.date.today(),
        )
        request_id = request.approval_request_id
    # A waiver is not money moved: nothing changes until it is applied.
    assert balance(app_database, invoice_id) == 12_000

    app.run()
    app.button(key=f"apply_waiver_{request_id}").click().run()
    assert texts(app, "success") == [f"Waived 20.00 of invoice {invoice_id}."]
    # 120.00 - 20.00 waived = 100.00.
    assert balance(app_database, invoice_id) == 10_000
    with app_database.session() as session:
        assert session.get(ApprovalRequest, request_id).status == "applied"


def test_a_waiver_larger_than_the_charge_is_refused(signed_in, app_database):
    invoice_id = issue(app_database, "S1")
    app = signed_in("finance", PAGE, {"invoice": str(invoice_id)})
    before = counts(app_database)
    fill_waiver(app, "200.00")

    assert texts(app, "error") == [
        f"invoice {invoice_id} has 120.00 charged and not waived, so 200.00 "
        "cannot be waived"
    ]
    assert counts(app_database) == before
    assert widget(app, "text_input", "waiver_amount_").value == "200.00"
    assert widget(app, "text_input", "waiver_reason_").value == "family hardship"


def test_an_account_without_a_staff_member_cannot_ask_for_a_waiver(
    signed_in, app_database
):
    invoice_id = issue(app_database, "S1")
    app = signed_in("admin", PAGE, {"invoice": str(invoice_id)})
    before = counts(app_database)
    fill_waiver(app, "20.00")

    assert texts(app, "error") == [
        "a waiver request names the staff member who asks, and your account is "
        "linked to none; ask an administrator to link it"
    ]
    assert counts(app_database) == before


def test_a_finance_officer_sees_only_their_schools(signed_in, app_database):
    ids = app_database.ids
    app = signed_in("finance", PAGE)
    assert app.selectbox(key="fees_school").options == ["Lincoln High"]
    students = app.selectbox(key=f"fees_student_{ids['lincoln']}").options
    # Lincoln's students by last name; Dana Diaz is at Roosevelt.
    assert students == [
        "Babbage, Bob (S2)",
        "Cruz, Carla (S3)",
        "Lovelace, Ada (S1)",
    ]


def test_another_schools_invoice_is_refused_through_the_address(
    signed_in, app_database
):
    roosevelt_invoice = issue(app_database, "S4", school="roosevelt")
    app = signed_in("finance", PAGE, {"invoice": str(roosevelt_invoice)})

    assert texts(app, "error") == [
        f"your role (finance officer) does not reach invoice {roosevelt_invoice}"
    ]
    assert not app.form_submit_button
    assert not app.dataframe


def test_another_schools_student_is_refused_through_the_address(
    signed_in, app_database
):
    ids = app_database.ids
    issue(app_database, "S4", school="roosevelt")
    app = signed_in("finance", PAGE, {"student": str(ids["S4"])})

    assert texts(app, "error") == [
        f"your role (finance officer) does not reach student {ids['S4']}"
    ]
    assert not app.form_submit_button
    assert not app.dataframe


def test_an_unknown_invoice_in_the_address_is_said_so(signed_in):
    app = signed_in("finance", PAGE, {"invoice": "999999"})
    assert texts(app, "error") == ["no invoice with id 999999"]
    assert not app.form_submit_button


def test_an_administrator_reaches_every_school(signed_in, app_database):
    ids = app_database.ids
    roosevelt_invoice = issue(app_database, "S4", school="roosevelt")
    app = signed_in("admin", PAGE, {"invoice": str(roosevelt_invoice)})

    assert app.selectbox(key="fees_school").value == ids["roosevelt"]
    fill_payment(app, "120.00")
    assert balance(app_database, roosevelt_invoice) == 0


def test_the_schools_aging_puts_what_is_owed_in_buckets(signed_in, app_database):
    ada_invoice = issue(app_database, "S1")
    issue(app_database, "S2", cents=5_000)
    issue(app_database, "S4", school="roosevelt")
    app = signed_in("finance", PAGE, {"invoice": str(ada_invoice)})
    fill_payment(app, "45.50")
    app.date_input(key="aging_as_of").set_value(dt.date(2025, 10, 20)).run()

    aging = frame(app, *AGING_COLUMNS)
    # Due Sep 15, so 35 days late on Oct 20 (15 + 20): Ada owes 120.00 -
    # 45.50 = 74.50, Bob 50.00; Dana's Roosevelt invoice is not Lincoln's.
    assert aging.to_dict("records") == [
        {
            "Student": "S2",
            "Name": "Babbage, Bob",
            "Current": "0.00",
            "1-30 days": "0.00",
            "31-60 days": "50.00",
            "61-90 days": "0.00",
            "Over 90 days": "0.00",
            "Credit": "0.00",
            "Balance": "50.00",
        },
        {
            "Student": "S1",
            "Name": "Lovelace, Ada",
            "Current": "0.00",
            "1-30 days": "0.00",
            "31-60 days": "74.50",
            "61-90 days": "0.00",
            "Over 90 days": "0.00",
            "Credit": "0.00",
            "Balance": "74.50",
        },
    ]
    assert metric(app, "Balance owed to the school as of 2025-10-20") == "124.50"


def test_hostile_text_is_saved_verbatim_and_shown_escaped(signed_in, app_database):
    invoice_id = issue(app_database, "S1")
    app = signed_in("finance", PAGE, {"invoice": str(invoice_id)})
    fill_payment(app, "45.50", reference=DROP_TABLE)
    fill_refund(app, "10.00", reason=SCRIPT)

    with app_database.session() as session:
        saved = session.execute(
            select(LedgerEntry.reference, LedgerEntry.memo)
            .where(LedgerEntry.invoice_id == invoice_id)
            .order_by(LedgerEntry.ledger_entry_id)
        ).all()
        assert session.scalar(select(func.count()).select_from(Student)) == 4
    assert saved[1:] == [(DROP_TABLE, None), (None, SCRIPT)]
    ledger = frame(app, "Date", "Entry", "Amount", "Method", "Reference", "Memo")
    assert list(ledger["Reference"]) == ["", DROP_TABLE, ""]
    assert_shown_escaped(app, SCRIPT)


def assert_shown_escaped(app, text: str) -> None:
    """The text is in a dataframe cell, and in no markdown or HTML element."""
    cells = {
        str(cell)
        for frame in app.dataframe
        for column in frame.value.columns
        for cell in frame.value[column]
    }
    assert text in cells
    assert not app.get("html")
    for element in app.markdown:
        assert text not in element.value
