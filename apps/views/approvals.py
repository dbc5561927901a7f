"""Approvals: the requests waiting for the user's decision, and their own.

The inbox holds only the pending requests the user's position may decide;
a request id typed into the address (`?request=12`) that is not in it is
refused. Approve and reject go through the approvals service, which checks
the decider again inside the transaction: a request decided meanwhile, or
a position changed meanwhile, is refused with its message.

A click is remembered with the request it was for by the button's callback,
which runs before the page does: by then the request may have left the
inbox, and the click must neither vanish nor land on the next request.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from apps import ui
from operational.services import approval_inbox, approvals

principal = ui.require_page(__file__)
today = dt.date.today()
DECISION = "approval_decision"
DONE = {"approve": "approved", "reject": "rejected"}

st.title("Approvals")

if principal.staff_id is None:
    st.info(
        "Your account is not linked to a staff record, so no request waits "
        "for your decision and you have made none."
    )
    st.stop()


def table(lines, decided: bool) -> pd.DataFrame:
    columns = {
        "Request": [line.approval_request_id for line in lines],
        "Kind": [line.kind for line in lines],
        "School": [line.school for line in lines],
        "Asked on": [line.requested_date for line in lines],
        "About": [line.about for line in lines],
        "Asked for": [line.details for line in lines],
    }
    if decided:
        columns |= {
            "Status": [line.status for line in lines],
            "Decided on": [line.decided_date for line in lines],
            "Decision reason": [line.decision_reason or "" for line in lines],
        }
    else:
        columns |= {"Requested by": [line.requested_by for line in lines]}
    return pd.DataFrame(columns)


def decide(request_id: int, decision: str, reason: str):
    def action(session):
        staff_id = approval_inbox.require_staff(principal)
        if decision == "approve":
            request = approvals.approve(
                session,
                principal.actor,
                request_id,
                decided_by_staff_id=staff_id,
                reason=reason,
                decided_date=today,
            )
        else:
            request = approvals.reject(
                session,
                principal.actor,
                request_id,
                decided_by_staff_id=staff_id,
                reason=reason,
                decided_date=today,
            )
        # The request has left the inbox; a link to it would now be refused.
        st.query_params.pop("request", None)
        return request

    return action


def remember(request_id: int, decision: str) -> None:
    reason = st.session_state.get(f"approval_reason_{request_id}", "")
    st.session_state[DECISION] = (request_id, decision, reason)


inbox = ui.read(principal, lambda s: approval_inbox.inbox(s, principal, today))
by_id = {line.approval_request_id: line for line in inbox}
wanted = ui.query_int("request")
if wanted is not None and wanted not in by_id:
    ui.read(
        principal,
        lambda s: approval_inbox.require_in_inbox(s, principal, wanted, today),
    )

st.subheader("Waiting for your decision")
if not inbox:
    st.text("No request is waiting for your decision.")
else:
    st.dataframe(table(inbox, decided=False), hide_index=True)
    request_ids = list(by_id)
    picked = st.selectbox(
        "Request to decide",
        request_ids,
        index=request_ids.index(wanted) if wanted in by_id else 0,
        format_func=lambda key: f"{key}: {by_id[key].kind}, {by_id[key].requested_by}",
        key="approval_request",
    )
    line = by_id[picked]
    st.text(f"{line.kind} request {picked} from {line.requested_by}, {line.school}")
    st.text(f"About: {line.about}")
    st.text(f"Asked for: {line.details}")
    st.text(f"Reason: {line.reason}")
    with st.form(f"approval_form_{picked}"):
        reason = st.text_input(
            "Reason for the decision (needed to reject)",
            key=f"approval_reason_{picked}",
        )
        approve_column, reject_column = st.columns(2)
        approve_column.form_submit_button(
            "Approve",
            type="primary",
            key=f"approval_approve_{picked}",
            on_click=remember,
            args=(picked, "approve"),
        )
        reject_column.form_submit_button(
            "Reject",
            key=f"approval_reject_{picked}",
            on_click=remember,
            args=(picked, "reject"),
        )

clicked = st.session_state.pop(DECISION, None)
if clicked is not None:
    request_id, decision, reason = clicked
    ui.save(
        decide(request_id, decision, reason), f"Request {request_id} {DONE[decision]}."
    )

st.subheader("Your requests")
own = ui.read(principal, lambda s: approval_inbox.own_requests(s, principal))
if not own:
    st.text("You have made no request.")
else:
    st.dataframe(table(own, decided=True), hide_index=True)
