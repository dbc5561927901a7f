"""The outbox: queued messages handed to a sender, and what became of each.

A message is tried once a run. A failure the sender calls permanent (an
address the server refuses) fails it at once; any other failure leaves it
queued for the next run until it has been tried `MAX_ATTEMPTS` times. A
sender that holds messages (outbox only) leaves them queued, marked with the
reason, and counts no attempt.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.audit import audit_bulk
from operational.errors import InvalidValue
from operational.messaging import (
    MessageHeld,
    MessageSender,
    OutgoingMessage,
    SendFailed,
)
from operational.models import Message, utc_now
from operational.services._writes import savepoint

log = logging.getLogger(__name__)

OUTBOX_ACTOR = "system:outbox"
# A message that failed this many times is given up on and marked failed.
MAX_ATTEMPTS = 5
HOLD_REASON_LENGTH = 200


@dataclass(frozen=True)
class DeliveryReport:
    n_sent: int
    n_failed: int  # given up on in this run
    n_retrying: int  # failed this time, queued for another attempt
    n_held: int  # kept in the outbox by the sender


def deliver_outbox(
    session: Session,
    sender: MessageSender,
    limit: int = 100,
    *,
    actor: str = OUTBOX_ACTOR,
    max_attempts: int = MAX_ATTEMPTS,
) -> DeliveryReport:
    """Hand up to `limit` queued messages, oldest first, to `sender` and
    record what became of each.

    Commit after each call: a message sent but not yet committed is sent
    again after a crash (delivery is at least once). On PostgreSQL, workers
    running side by side skip each other's locked messages.
    """
    if limit <= 0 or max_attempts <= 0:
        raise InvalidValue("the limit and the number of attempts must be positive")
    messages = session.scalars(
        select(Message)
        .where(Message.status == "queued")
        .order_by(Message.message_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()

    counts = {"sent": 0, "failed": 0, "retrying": 0, "held": 0}
    with savepoint(session):
        for message in messages:
            counts[attempt(sender, message, max_attempts)] += 1
        # A message held again for the same reason has not changed.
        n_changed = sum(session.is_modified(message) for message in messages)
        if n_changed:
            audit_bulk(session, actor, "deliver_outbox", "message", n_changed)
    report = DeliveryReport(
        counts["sent"], counts["failed"], counts["retrying"], counts["held"]
    )
    log.info(
        "outbox: %d sent, %d failed, %d to retry, %d held",
        report.n_sent,
        report.n_failed,
        report.n_retrying,
        report.n_held,
    )
    return report


def attempt(sender: MessageSender, message: Message, max_attempts: int) -> str:
    """Send one message and record the outcome on it."""
    outgoing = OutgoingMessage(
        message.message_id, message.to_address, message.subject, message.body
    )
    now = utc_now()
    try:
        sender.send(outgoing)
    except MessageHeld as held:
        message.hold_reason = str(held)[:HOLD_REASON_LENGTH]
        return "held"
    except SendFailed as failure:
        message.n_attempts += 1
        message.last_attempt_at = now
        message.last_error = failure.reason
        message.hold_reason = None
        if failure.permanent or message.n_attempts >= max_attempts:
            message.status = "failed"
            return "failed"
        return "retrying"
    message.n_attempts += 1
    message.last_attempt_at = message.sent_at = now
    message.status = "sent"
    message.last_error = message.hold_reason = None
    return "sent"


def counts_by_status(session: Session) -> dict[str, int]:
    """Messages by status, for the operator."""
    rows = session.execute(
        select(Message.status, func.count()).group_by(Message.status)
    )
    return dict(rows.all())
