"""Sending messages to families: one interface, an SMTP sender, an outbox-only
default.

`communication.deliver_outbox` hands each queued message to a
`MessageSender`. A sender either returns (the message left), raises
`MessageHeld` (it was deliberately not sent and stays queued) or raises
`SendFailed` (the attempt failed; `permanent` when retrying cannot help,
such as an address the server refuses).
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from operational.errors import MessagingNotReady
from operational.settings import Settings, get_settings

log = logging.getLogger(__name__)

# RFC 4954: 530 is the reply of a server that wants a login before MAIL.
AUTHENTICATION_REQUIRED = 530


@dataclass(frozen=True)
class OutgoingMessage:
    """What a sender needs of an outbox message."""

    message_id: int
    to_address: str
    subject: str
    body: str


class MessageHeld(Exception):
    """The sender keeps messages in the outbox on purpose."""


class SendFailed(Exception):
    """One attempt to send one message failed."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class MessageSender(Protocol):
    def send(self, message: OutgoingMessage) -> None: ...


class OutboxOnlySender:
    """The default: nothing leaves the machine; every message stays queued.

    A context manager like `SmtpSender`, so `with sender_from_settings() as
    sender:` reads the same whichever the settings give.
    """

    reason = "outbox only: no mail server is configured (QUAD_SMTP_HOST)"

    def __enter__(self) -> "OutboxOnlySender":
        return self

    def __exit__(self, *_exception) -> None:
        return None

    def send(self, message: OutgoingMessage) -> None:
        raise MessageHeld(self.reason)


class SmtpSender:
    """Sends over SMTP with one connection for a run; use it as a context
    manager, which checks the server and the login when it starts."""

    def __init__(
        self,
        *,
        host: str,
        from_address: str,
        port: int = 587,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout_seconds: float = 30.0,
    ) -> None:
        if username and not password:
            raise MessagingNotReady(
                "QUAD_SMTP_USERNAME is set but QUAD_SMTP_PASSWORD is not; set the "
                "password of the mail account, or unset the username"
            )
        self.host, self.port = host, port
        self.from_address = from_address
        self.username, self._password = username, password
        self.starttls = starttls
        self.timeout_seconds = timeout_seconds
        self._connection: smtplib.SMTP | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmtpSender":
        if not settings.smtp_host:
            raise MessagingNotReady("QUAD_SMTP_HOST is not set")
        if not settings.smtp_from:
            raise MessagingNotReady(
                "QUAD_SMTP_FROM is not set; give the address families see the "
                "school's messages come from"
            )
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            from_address=settings.smtp_from,
            username=settings.smtp_username,
            password=password.get_secret_value() if password else None,
            starttls=settings.smtp_starttls,
        )

    def __enter__(self) -> "SmtpSender":
        self.start()
        return self

    def __exit__(self, *_exception) -> None:
        self.close()

    def start(self) -> None:
        """Connect, log in, and make sure the server accepts mail from us."""
        self._connection = self._connect()
        if self._password:
            return
        # Without a login, ask the server now whether it would take mail,
        # instead of failing every message of the run one by one.
        code, reply = self._connection.mail(self.from_address)
        self._connection.rset()
        if code == AUTHENTICATION_REQUIRED:
            self.close()
            raise MessagingNotReady(
                f"the mail server {self.host}:{self.port} needs a login; set "
                "QUAD_SMTP_USERNAME and QUAD_SMTP_PASSWORD"
            )
        if code >= 400:
            self.close()
            raise MessagingNotReady(
                f"the mail server {self.host}:{self.port} refuses mail from "
                f"{self.from_address}: {code} {reply.decode(errors='replace')}"
            )

    def _connect(self) -> smtplib.SMTP:
        where = f"{self.host}:{self.port}"
        try:
            connection = smtplib.SMTP(
                self.host, self.port, timeout=self.timeout_seconds
            )
        except OSError as error:
            raise MessagingNotReady(
                f"cannot reach the mail server {where}: {error}"
            ) from error
        try:
            connection.ehlo()
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self._password:
                connection.login(self.username or self.from_address, self._password)
        except smtplib.SMTPNotSupportedError as error:
            connection.close()
            raise MessagingNotReady(
                f"the mail server {where} does not offer STARTTLS; set "
                "QUAD_SMTP_STARTTLS=false only for a server on this machine"
            ) from error
        except smtplib.SMTPAuthenticationError as error:
            connection.close()
            raise MessagingNotReady(
                f"the mail server {where} refused the login of "
                f"{self.username}; check QUAD_SMTP_USERNAME and QUAD_SMTP_PASSWORD"
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            connection.close()
            raise MessagingNotReady(
                f"cannot start a session with the mail server {where}: {error}"
            ) from error
        return connection

    def send(self, message: OutgoingMessage) -> None:
        email = EmailMessage()
        email["From"] = self.from_address
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        # The outbox key in the Message-ID lets a resent message be recognised.
        email["Message-ID"] = make_msgid(idstring=f"quad-{message.message_id}")
        email.set_content(message.body)
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(email)
        except MessagingNotReady as error:
            raise SendFailed(error.message) from error
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = error.recipients[message.to_address]
            raise SendFailed(
                f"the server refused {message.to_address}: {code} "
                f"{reply.decode(errors='replace')}",
                permanent=code >= 500,
            ) from error
        except smtplib.SMTPResponseException as error:
            text = error.smtp_error
            if isinstance(text, bytes):
                text = text.decode(errors="replace")
            raise SendFailed(
                f"the server answered {error.smtp_code} {text}",
                permanent=error.smtp_code >= 500,
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            # The connection is gone or unusable; the next message reconnects.
            self._drop_connection()
            raise SendFailed(
                f"the connection to the mail server failed: {error}"
            ) from error

    def close(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.quit()
        except (smtplib.SMTPException, OSError):
            log.warning("the mail server %s closed the session uncleanly", self.host)
        self._drop_connection()

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None


def sender_from_settings(
    settings: Settings | None = None,
) -> OutboxOnlySender | SmtpSender:
    """The SMTP sender when a mail server is configured, else outbox only;
    use it in a `with` block, which starts and checks the SMTP sender."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        log.info("no mail server configured: messages stay in the outbox")
        return OutboxOnlySender()
    return SmtpSender.from_settings(settings)
