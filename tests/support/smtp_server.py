"""A small SMTP server on 127.0.0.1 for tests: no network beyond this machine.

It speaks just enough of RFC 5321 for smtplib (EHLO, AUTH PLAIN, MAIL, RCPT,
DATA, RSET, NOOP, QUIT), keeps what it received, and can be told to want a
login, to refuse some addresses for good (550) or for now (451).
"""

import base64
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message


@dataclass
class MailboxRules:
    username: str | None = None
    password: str | None = None  # a login is required when set
    refuse: set[str] = field(default_factory=set)  # 550, permanent
    defer: set[str] = field(default_factory=set)  # 451, try again later
    received: list[Received] = field(default_factory=list)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, rules: MailboxRules) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.rules = rules


def _address(argument: str) -> str:
    return argument.split(":", 1)[1].strip().strip("<>")


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        rules = self.server.rules
        self.reply("220 127.0.0.1 test SMTP ready")
        logged_in, sender, recipients = False, None, []
        while line := self.rfile.readline():
            command = line.decode().rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                if rules.password:
                    self.reply("250-127.0.0.1")
                    self.reply("250 AUTH PLAIN")
                else:
                    self.reply("250 127.0.0.1")
            elif verb == "AUTH":
                logged_in = self.check_login(command, rules)
                self.reply("235 2.7.0 accepted" if logged_in else "535 5.7.8 refused")
            elif verb == "MAIL":
                if rules.password and not logged_in:
                    self.reply("530 5.7.0 authentication required")
                    continue
                sender, recipients = _address(command), []
                self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                self.recipient(_address(command), rules, recipients)
            elif verb == "DATA":
                self.reply("354 end with a dot")
                rules.received.append(Received(sender, recipients, self.read_data()))
                self.reply("250 2.0.0 queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 2.0.0 ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")

    def check_login(self, command: str, rules: MailboxRules) -> bool:
        parts = command.split(" ")
        if len(parts) != 3 or parts[1].upper() != "PLAIN":
            return False
        _, username, password = base64.b64decode(parts[2]).decode().split("\0")
        return (username, password) == (rules.username, rules.password)

    def recipient(self, address: str, rules: MailboxRules, recipients: list) -> None:
        if address in rules.refuse:
            self.reply("550 5.1.1 no such mailbox")
        elif address in rules.defer:
            self.reply("451 4.3.0 mailbox busy, try again later")
        else:
            recipients.append(address)
            self.reply("250 2.1.5 ok")

    def read_data(self) -> Message:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            # RFC 5321 4.5.2: a leading dot was doubled by the client. Lines
            # are kept with local line ends, as a mailbox stores them.
            line = line[1:] if line.startswith(b"..") else line
            lines.append(line.removesuffix(b"\r\n") + b"\n")
        return message_from_bytes(b"".join(lines))


@contextmanager
def smtp_server(rules: MailboxRules) -> Iterator[tuple[str, int]]:
    """Serve `rules` on a free port of 127.0.0.1; yields (host, port)."""
    server = _Server(rules)
    # A short poll interval lets the test end without waiting half a second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield server.server_address[:2]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
