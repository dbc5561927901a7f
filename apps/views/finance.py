"""Fees: bill a student, record what is paid or given back, ask for a waiver,
and see what each account and the school are owed.

Amounts are typed as money ("45.50") and kept in whole cents. Every read and
write checks the user's schools, so an invoice or student id typed into the
address is refused like any other. The forms' keys carry how many entries
their record has, so a saved form comes back empty while a refused one keeps
what was typed.
"""

import datetime as dt

import streamlit as st

from apps import money, ui
from apps.choices import school_choices
from operational import vocabulary as v
from operational.errors import InvalidValue
from operational.models.fees import MAX_INSTALMENTS
from operational.services import access, approvals, fee_accounts, fees
from operational.services.fee_aging import balance_cents
from operational.services.fees import format_cents

principal = ui.require_page(__file__)
today = dt.date.today()
ONE_OFF = "One-off charge"
FROM_SCHEDULE = "From a fee schedule"

st.title("Fees")


def opened_from_address(session) -> tuple[int, int] | None:
    """The school and student that `?invoice=` or `?student=` names, checked."""
    invoice_id = ui.query_int("invoice")
    if invoice_id is not None:
        invoice = fee_accounts.require_invoice(session, principal, invoice_id)
        return invoice.school_id, invoice.student_id
    student_id = ui.query_int("student")
    if student_id is not None:
        school_ids = fee_accounts.student_school_ids(session, principal, student_id)
        return school_ids[0], student_id
    return None


def ledger_rows(lines, with_invoice: bool) -> list[dict]:
    return [
        {
            "Date": line.entry_date,
            **({"Invoice": line.invoice_id} if with_invoice else {}),
            "Entry": line.entry_type,
            "Amount": format_cents(line.amount_cents),
            "Method": line.method or "",
            "Reference": line.reference or "",
            "Memo": line.memo or "",
        }
        for line in lines
    ]


def method_name(method: str) -> str:
    return method.replace("_", " ")


schools = ui.read(principal, lambda s: school_choices(s, principal))
if not schools:
    st.info("Your account serves no school yet.")
    st.stop()
opened = ui.read(principal, opened_from_address)
opened_school, opened_student = opened or (None, None)

school_ids = list(schools)
school_id = st.selectbox(
    "School",
    school_ids,
    index=school_ids.index(opened_school) if opened_school in school_ids else 0,
    format_func=schools.get,
    key="fees_school",
)


def student_choices(session) -> dict[int, str]:
    access.require_school(session, principal, school_id)
    return fee_accounts.billable_students(session, school_id)


students = ui.read(principal, student_choices)
if not students:
    st.info("No student has been enrolled at this school yet.")
    st.stop()
student_ids = list(students)
student_id = st.selectbox(
    "Student",
    student_ids,
    index=student_ids.index(opened_student) if opened_student in student_ids else 0,
    format_func=students.get,
    key=f"fees_student_{school_id}",
)
st.query_params["student"] = str(student_id)
student_name = students[student_id]


def account(session):
    fee_accounts.require_billable(session, principal, student_id, school_id)
    invoices = fee_accounts.account_invoices(session, principal, student_id)
    entries = fee_accounts.ledger(session, [line.invoice_id for line in invoices])
    schedules = fee_accounts.fee_schedules(session, school_id)
    return invoices, entries, schedules


invoices, account_entries, schedules = ui.read(principal, account)


def issue_section() -> None:
    st.header("Issue an invoice")
    st.caption(
        "The invoice goes to the student's primary-contact guardian when there "
        "is one. A one-off charge belongs to the school year under way on its "
        "issue date, and is due in monthly instalments from its first due date."
    )
    sources = [FROM_SCHEDULE, ONE_OFF] if schedules else [ONE_OFF]
    source = st.radio(
        "Charge", sources, horizontal=True, key=f"invoice_source_{school_id}"
    )
    # The key changes once an invoice is issued, so the form comes back empty.
    form_id = f"{student_id}_{len(invoices)}"
    if source == FROM_SCHEDULE:
        schedule_form(form_id)
    else:
        one_off_form(form_id)


def schedule_form(form_id: str) -> None:
    with st.form(f"invoice_schedule_{form_id}"):
        schedule_id = st.selectbox(
            "Fee schedule",
            list(schedules),
            format_func=schedules.get,
            key=f"invoice_schedule_id_{form_id}",
        )
        issued_on = st.date_input(
            "Issue date",
            value=today,
            key=f"invoice_schedule_issued_{form_id}",
            format="YYYY-MM-DD",
        )
        submitted = st.form_submit_button("Issue invoice", type="primary")
    if not submitted:
        return

    def bill(session) -> int:
        schedule = fee_accounts.require_fee_schedule(session, principal, schedule_id)
        fee_accounts.require_billable(
            session, principal, student_id, schedule.school_id
        )
        return fees.invoice_schedule(
            session,
            principal.actor,
            schedule_id,
            issued_date=issued_on,
            student_ids=[student_id],
        )

    ui.save(
        bill,
        f"Invoiced {ui.escape_markdown(schedules[schedule_id])} to "
        f"{ui.escape_markdown(student_name)}.",
    )


def one_off_form(form_id: str) -> None:
    with st.form(f"invoice_one_off_{form_id}"):
        description = st.text_input(
            "Description, as the family will see it",
            key=f"invoice_description_{form_id}",
        )
        amount_typed = st.text_input(
            "Amount", placeholder="120.00", key=f"invoice_amount_{form_id}"
        )
        issued_on = st.date_input(
            "Issue date",
            value=today,
            key=f"invoice_issued_{form_id}",
            format="YYYY-MM-DD",
        )
        first_due = st.date_input(
            "First due date",
            value=today,
            key=f"invoice_first_due_{form_id}",
            format="YYYY-MM-DD",
        )
        n_instalments = st.number_input(
            "Monthly instalments",
            min_value=1,
            max_value=MAX_INSTALMENTS,
            value=1,
            step=1,
            key=f"invoice_instalments_{form_id}",
        )
        submitted = st.form_submit_button("Issue invoice", type="primary")
    if not submitted:
        return

    def bill(session):
        fee_accounts.require_billable(session, principal, student_id, school_id)
        cents = money.parse_cents(amount_typed, "the invoice amount")
        school_year_id = approvals.school_year_as_of(session, issued_on)
        if school_year_id is None:
            raise InvalidValue(f"no school year has started by {issued_on}")
        guardians = fees.primary_guardians(session, [student_id])
        return fees.issue_invoice(
            session,
            principal.actor,
            student_id=student_id,
            school_id=school_id,
            school_year_id=school_year_id,
            description=description,
            amount_cents=cents,
            issued_date=issued_on,
            due_dates=fees.monthly_due_dates(first_due, int(n_instalments)),
            guardian_id=guardians.get(student_id),
        )

    ui.save(
        bill,
        lambda invoice: (
            f"Invoice {invoice.invoice_id} issued: "
            f"{format_cents(invoice.amount_cents)} for "
            f"{ui.escape_markdown(invoice.description)}."
        ),
    )


def account_section() -> None:
    st.header("Account")
    st.text(student_name)
    balance = sum(line.balance_cents for line in invoices)
    st.metric("Balance of the account", format_cents(balance))
    if not invoices:
        st.info("No invoice has been issued to this student yet.")
        return
    st.dataframe(
        [
            {
                "Invoice": line.invoice_id,
                "Issued": line.issued_date,
                "Description": line.description,
                "Amount": format_cents(line.amount_cents),
                "Balance": format_cents(line.balance_cents),
            }
            for line in invoices
        ],
        hide_index=True,
    )
    with st.expander("Every entry on the account"):
        st.dataframe(ledger_rows(account_entries, with_invoice=True), hide_index=True)


def invoice_section() -> None:
    by_invoice = {line.invoice_id: line for line in invoices}
    invoice_ids = list(by_invoice)
    wanted = ui.query_int("invoice")
    invoice_id = st.selectbox(
        "Invoice",
        invoice_ids,
        index=invoice_ids.index(wanted) if wanted in by_invoice else 0,
        format_func=lambda i: (
            f"{i}: {by_invoice[i].description} ({by_invoice[i].issued_date}), "
            f"balance {format_cents(by_invoice[i].balance_cents)}"
        ),
        key=f"fees_invoice_{student_id}",
    )
    st.query_params["invoice"] = str(invoice_id)

    def load(session):
        fee_accounts.require_invoice(session, principal, invoice_id)
        return (
            balance_cents(session, invoice_id),
            fee_accounts.ledger(session, [invoice_id]),
            fee_accounts.waiver_requests(session, invoice_id),
        )

    balance, entries, waivers = ui.read(principal, load)
    st.metric(f"Balance of invoice {invoice_id}", format_cents(balance))
    st.dataframe(ledger_rows(entries, with_invoice=False), hide_index=True)
    if waivers:
        st.dataframe(
            [
                {
                    "Request": request.approval_request_id,
                    "Asked": request.requested_date,
                    "Amount": format_cents(request.payload["amount_cents"]),
                    "Status": request.status,
                    "Reason": request.reason,
                }
                for request in waivers
            ],
            hide_index=True,
        )

    # The keys change once a form has saved something on this invoice.
    form_id = f"{invoice_id}_{len(entries)}_{len(waivers)}"
    payment_tab, refund_tab, waiver_tab = st.tabs(
        ["Record a payment", "Refund", "Request a waiver"]
    )
    with payment_tab:
        payment_form(invoice_id, form_id)
    with refund_tab:
        refund_form(invoice_id, form_id)
    with waiver_tab:
        waiver_form(invoice_id, form_id)
        apply_buttons(invoice_id, waivers)


def payment_form(invoice_id: int, form_id: str) -> None:
    with st.form(f"payment_{form_id}"):
        typed = st.text_input(
            "Amount paid", placeholder="45.50", key=f"payment_amount_{form_id}"
        )
        method = st.selectbox(
            "Method",
            v.PAYMENT_METHODS,
            format_func=method_name,
            key=f"payment_method_{form_id}",
        )
        paid_on = st.date_input(
            "Paid on", value=today, key=f"payment_date_{form_id}", format="YYYY-MM-DD"
        )
        reference = st.text_input(
            "Reference (receipt or check number)", key=f"payment_reference_{form_id}"
        )
        submitted = st.form_submit_button("Record payment", type="primary")
    if not submitted:
        return

    def pay(session):
        fee_accounts.require_invoice(session, principal, invoice_id)
        return fees.record_payment(
            session,
            principal.actor,
            invoice_id=invoice_id,
            amount_cents=money.parse_cents(typed, "the payment"),
            paid_date=paid_on,
            method=method,
            reference=reference.strip() or None,
        )

    ui.save(
        pay,
        lambda entry: (
            f"Payment of {format_cents(-entry.amount_cents)} recorded on "
            f"invoice {invoice_id}."
        ),
    )


def refund_form(invoice_id: int, form_id: str) -> None:
    with st.form(f"refund_{form_id}"):
        typed = st.text_input(
            "Amount refunded", placeholder="10.00", key=f"refund_amount_{form_id}"
        )
        method = st.selectbox(
            "Method",
            v.PAYMENT_METHODS,
            format_func=method_name,
            key=f"refund_method_{form_id}",
        )
        refunded_on = st.date_input(
            "Refunded on",
            value=today,
            key=f"refund_date_{form_id}",
            format="YYYY-MM-DD",
        )
        reason = st.text_input("Reason", key=f"refund_reason_{form_id}")
        reference = st.text_input("Reference", key=f"refund_reference_{form_id}")
        submitted = st.form_submit_button("Refund", type="primary")
    if not submitted:
        return

    def give_back(session):
        fee_accounts.require_invoice(session, principal, invoice_id)
        return fees.refund(
            session,
            principal.actor,
            invoice_id=invoice_id,
            amount_cents=money.parse_cents(typed, "the refund"),
            refund_date=refunded_on,
            method=method,
            reason=reason,
            reference=reference.strip() or None,
        )

    ui.save(
        give_back,
        lambda entry: (
            f"Refund of {format_cents(entry.amount_cents)} recorded on "
            f"invoice {invoice_id}."
        ),
    )


def waiver_form(invoice_id: int, form_id: str) -> None:
    st.caption(
        "A waiver is asked for here and decided by an approver; once approved, "
        "it is applied to the invoice from this tab."
    )
    with st.form(f"waiver_{form_id}"):
        typed = st.text_input(
            "Amount to waive", placeholder="20.00", key=f"waiver_amount_{form_id}"
        )
        reason = st.text_input(
            "Reason, for the approver", key=f"waiver_reason_{form_id}"
        )
        submitted = st.form_submit_button("Request waiver", type="primary")
    if not submitted:
        return

    def ask(session):
        fee_accounts.require_invoice(session, principal, invoice_id)
        cents = money.parse_cents(typed, "the waiver")
        if principal.staff_id is None:
            raise InvalidValue(
                "a waiver request names the staff member who asks, and your "
                "account is linked to none; ask an administrator to link it"
            )
        return fees.request_waiver(
            session,
            principal.actor,
            invoice_id=invoice_id,
            amount_cents=cents,
            requested_by_staff_id=principal.staff_id,
            reason=reason,
            requested_date=today,
        )

    ui.save(
        ask,
        lambda request: (
            f"Waiver request {request.approval_request_id} sent for "
            f"{format_cents(request.payload['amount_cents'])}; an approver "
            "decides it under Approvals."
        ),
    )


def apply_buttons(invoice_id: int, waivers) -> None:
    """One button per approved waiver not applied yet."""
    for request in waivers:
        if request.status != "approved":
            continue
        request_id = request.approval_request_id
        cents = request.payload["amount_cents"]
        label = f"Apply approved waiver {request_id} of {format_cents(cents)}"
        if not st.button(label, key=f"apply_waiver_{request_id}"):
            continue

        def waive(session, request_id=request_id):
            fee_accounts.require_invoice(session, principal, invoice_id)
            return fees.apply_waiver(
                session, principal.actor, request_id, waiver_date=today
            )

        ui.save(waive, f"Waived {format_cents(cents)} of invoice {invoice_id}.")


def aging_section() -> None:
    st.header("Aging")
    as_of = st.date_input("As of", value=today, key="aging_as_of", format="YYYY-MM-DD")

    def load(session):
        access.require_school(session, principal, school_id)
        return fee_accounts.school_aging(session, school_id, as_of)

    accounts = ui.read(principal, load)
    if not accounts:
        school_name = ui.escape_markdown(schools[school_id])
        st.info(ui.plain(f"Nothing is owed to {school_name} as of {as_of}."))
        return
    st.dataframe(
        [
            {
                "Student": line.student_number,
                "Name": line.name,
                "Current": format_cents(line.aging.current_cents),
                "1-30 days": format_cents(line.aging.days_1_30_cents),
                "31-60 days": format_cents(line.aging.days_31_60_cents),
                "61-90 days": format_cents(line.aging.days_61_90_cents),
                "Over 90 days": format_cents(line.aging.days_over_90_cents),
                "Credit": format_cents(line.aging.credit_cents),
                "Balance": format_cents(line.aging.balance_cents),
            }
            for line in accounts
        ],
        hide_index=True,
    )
    total = sum(line.aging.balance_cents for line in accounts)
    st.metric(f"Balance owed to the school as of {as_of}", format_cents(total))


issue_section()
account_section()
if invoices:
    invoice_section()
else:
    st.query_params.pop("invoice", None)
aging_section()
