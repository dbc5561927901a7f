"""Announcements, the absence notice, the outbox and the SMTP sender.

The families built by `families`, all students enrolled from September 1:

    1001  grade 9 at Lincoln   guardians Pat Rivera (email), Lee Rivera (none)
    1002  grade 9 at Lincoln   guardian Pat Rivera (a sibling of 1001)
    1003  grade 10 at Lincoln  guardian Sam Okafor (email)
    1004  grade 9 at Roosevelt guardian Kim Tanaka (email)
    1005  grade 9 at Lincoln   no guardian on file

MATH-101-01 at Lincoln has 1001 and 1003 on its roster.
"""

import datetime as dt
import socket
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from operational.errors import (
    EmptyAudience,
    InvalidValue,
    MessagingNotReady,
    NotEnrolled,
    NotFound,
)
from operational.messaging import (
    MessageHeld,
    OutboxOnlySender,
    OutgoingMessage,
    SendFailed,
    SmtpSender,
    sender_from_settings,
)
from operational.models import (
    Announcement,
    DailyAttendance,
    Guardian,
    Message,
    Student,
    StudentGuardian,
)
from operational.services import (
    attendance,
    communication,
    enrollment,
    outbox,
    records,
    rosters,
)
from operational.settings import Settings
from tests.support.school import ACTOR
from tests.support.smtp_server import MailboxRules, smtp_server
from tests.support.writes import audit_mark, audit_since, refused

WEDNESDAY = dt.date(2025, 9, 3)
SEP_10 = dt.date(2025, 9, 10)
PAT, SAM = "pat.rivera@example.org", "sam.okafor@example.org"


@dataclass
class Families:
    s1: Student
    s2: Student
    s3: Student
    s4: Student
    s5: Student
    pat: Guardian
    lee: Guardian
    sam: Guardian


def families(session, school) -> Families:
    def student(number, grade=9, building=None):
        created = school.student(session, number)
        enrollment.enroll(
            session,
            ACTOR,
            student_id=created.student_id,
            school_id=(building or school.school).school_id,
            school_year_id=school.year.school_year_id,
            grade_level=grade,
            entry_date=dt.date(2025, 9, 1),
        )
        return created

    def guardian(first, last, email=None):
        return records.create(
            session, Guardian, ACTOR, first_name=first, last_name=last, email=email
        )

    def link(student_, guardian_):
        records.create(
            session,
            StudentGuardian,
            ACTOR,
            student_id=student_.student_id,
            guardian_id=guardian_.guardian_id,
            relationship="mother",
        )

    s1, s2, s3 = student("1001"), student("1002"), student("1003", grade=10)
    s4, s5 = student("1004", building=school.other_school), student("1005")
    pat, lee = guardian("Pat", "Rivera", PAT), guardian("Lee", "Rivera")
    sam, kim = guardian("Sam", "Okafor", SAM), guardian("Kim", "Tanaka", "kim@x.org")
    for child, parent in [(s1, pat), (s1, lee), (s2, pat), (s3, sam), (s4, kim)]:
        link(child, parent)
    for child in (s1, s3):
        rosters.place(
            session,
            ACTOR,
            section_id=school.section.section_id,
            student_id=child.student_id,
            entry_date=dt.date(2025, 9, 1),
        )
    return Families(s1, s2, s3, s4, s5, pat, lee, sam)


def announce(session, school, audience="school", **values):
    fields = {
        "school_id": school.school.school_id,
        "audience": audience,
        "subject": "Picture day",
        "body": "Photos are taken on Friday.",
        "audience_date": SEP_10,
    }
    return communication.announce(session, ACTOR, **(fields | values))


def outbox_rows(session, announcement=None) -> list[tuple]:
    query = select(Message.to_address, Message.status, Message.n_attempts)
    if announcement is not None:
        query = query.where(Message.announcement_id == announcement.announcement_id)
    return session.execute(query.order_by(Message.message_id)).all()


def test_a_school_announcement_reaches_each_guardian_once(school_session, school):
    built = families(school_session, school)
    mark = audit_mark(school_session)

    sent = announce(school_session, school)

    # Lincoln on Sep 10: 1001, 1002, 1003, 1005 -> Pat, Lee, Sam (1005 has
    # none); Pat once for two children; Lee has no email.
    assert (sent.n_recipients, sent.n_unreachable) == (2, 1)
    assert outbox_rows(school_session, sent) == [(PAT, "queued", 0), (SAM, "queued", 0)]
    message = school_session.scalars(
        select(Message).where(Message.guardian_id == built.pat.guardian_id)
    ).one()
    assert (message.subject, message.body) == (
        "Picture day",
        "Dear Pat Rivera,\n\nPhotos are taken on Friday.",
    )
    rows = audit_since(school_session, mark)
    assert [(row.action, row.table_name) for row in rows] == [
        ("announce", "announcement"),
        ("queue_messages", "message"),
    ]
    assert rows[1].after_values == {"n_rows": 2}


@pytest.mark.parametrize(
    ("audience", "target", "counts", "addresses"),
    [
        # 1001, 1002, 1005 -> Pat, Lee
        ("grade", {"grade_level": 9}, (1, 1), [PAT]),
        # 1003 -> Sam
        ("grade", {"grade_level": 10}, (1, 0), [SAM]),
        # 1001 and 1003 -> Pat, Lee, Sam
        ("section", "section", (2, 1), [PAT, SAM]),
        # 1002 -> Pat
        ("student", "s2", (1, 0), [PAT]),
    ],
    ids=["grade 9", "grade 10", "section", "student"],
)
def test_audiences_expand_to_their_guardians(
    school_session, school, audience, target, counts, addresses
):
    built = families(school_session, school)
    if target == "section":
        target = {"section_id": school.section.section_id}
    elif target == "s2":
        target = {"student_id": built.s2.student_id}

    sent = announce(school_session, school, audience, **target)

    assert (sent.n_recipients, sent.n_unreachable) == counts
    assert [address for address, _, _ in outbox_rows(school_session, sent)] == addresses


def test_the_audience_is_who_is_enrolled_on_its_date(school_session, school):
    families(school_session, school)
    late = school.enrolled(school_session, "1006", entry_date=dt.date(2025, 9, 15))
    guardian = records.create(
        school_session,
        Guardian,
        ACTOR,
        first_name="Jo",
        last_name="Late",
        email="jo@x.org",
    )
    records.create(
        school_session,
        StudentGuardian,
        ACTOR,
        student_id=late.student_id,
        guardian_id=guardian.guardian_id,
        relationship="father",
    )

    before = announce(school_session, school, audience_date=SEP_10)
    after = announce(school_session, school, audience_date=dt.date(2025, 9, 15))

    # Jo's child enters on Sep 15: Pat and Sam on Sep 10, Pat, Sam, Jo after.
    assert (before.n_recipients, after.n_recipients) == (2, 3)


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"audience": "town"}, InvalidValue, "'town' is not an audience"),
        ({"category": "gossip"}, InvalidValue, "'gossip' is not a message category"),
        ({"school_id": 0}, NotFound, "no school with id 0"),
        ({"subject": "  "}, InvalidValue, "an announcement needs a subject"),
        ({"body": ""}, InvalidValue, "an announcement needs a text to send"),
        (
            {"audience": "grade"},
            InvalidValue,
            "an announcement to a grade needs a grade level",
        ),
        (
            {"grade_level": 9},
            InvalidValue,
            "an announcement to a school has no grade level",
        ),
        (
            {"audience": "grade", "grade_level": 5},
            InvalidValue,
            "Lincoln High has no grade 5",
        ),
        ({"audience": "section", "section_id": 0}, NotFound, "no section with id 0"),
        ({"audience": "student", "student_id": 0}, NotFound, "no student with id 0"),
        (
            {"audience": "grade", "grade_level": 11},
            EmptyAudience,
            "no student is in the audience (grade) at Lincoln High on 2025-09-10",
        ),
    ],
    ids=[
        "audience",
        "category",
        "school",
        "subject",
        "body",
        "no grade",
        "stray grade",
        "grade span",
        "section",
        "student",
        "nobody",
    ],
)
def test_a_wrong_announcement_is_refused(
    school_session, school, values, error, message
):
    families(school_session, school)
    with refused(school_session, error, message, Announcement, Message):
        announce(school_session, school, **values)


def test_a_section_of_another_school_is_refused(school_session, school):
    families(school_session, school)
    with refused(
        school_session,
        InvalidValue,
        "section MATH-101-01 is not a section of Roosevelt High",
        Announcement,
        Message,
    ):
        announce(
            school_session,
            school,
            "section",
            school_id=school.other_school.school_id,
            section_id=school.section.section_id,
        )


def test_a_student_of_another_school_is_refused(school_session, school):
    built = families(school_session, school)
    with refused(
        school_session,
        NotEnrolled,
        f"student {built.s4.student_id} is not enrolled at Lincoln High on "
        "2025-09-10; a school writes to the families of its own students",
        Announcement,
        Message,
    ):
        announce(school_session, school, "student", student_id=built.s4.student_id)


def test_an_audience_without_guardians_is_refused(school_session, school):
    built = families(school_session, school)
    with refused(
        school_session,
        EmptyAudience,
        "no student of the audience at Lincoln High has a guardian on file",
        Announcement,
        Message,
    ):
        announce(school_session, school, "student", student_id=built.s5.student_id)


def test_bulk_announcements_queue_every_message(school_session, school):
    built = families(school_session, school)
    base = {
        "school_id": school.school.school_id,
        "subject": "Term dates",
        "body": "The term ends on December 19.",
        "audience_date": SEP_10,
    }
    rows = [
        base | {"audience": "school"},
        base | {"audience": "student", "student_id": built.s3.student_id},
    ]
    mark = audit_mark(school_session)

    # Pat and Sam for the school, Sam for 1003
    assert communication.bulk_announce(school_session, rows, ACTOR) == 3

    counts = school_session.execute(
        select(Announcement.n_recipients, Announcement.n_unreachable).order_by(
            Announcement.announcement_id
        )
    ).all()
    assert counts == [(2, 1), (1, 0)]
    assert [row.action for row in audit_since(school_session, mark)] == [
        "bulk_announce",
        "queue_messages",
    ]
    nobody = base | {"audience": "grade", "grade_level": 12}
    with refused(school_session, EmptyAudience, "no student is in", Announcement):
        communication.bulk_announce(school_session, [rows[0] | {}, nobody], ACTOR)


def record(session, school, student, code="UA", day=WEDNESDAY, **extra):
    return attendance.record_daily(
        session,
        ACTOR,
        student_id=student.student_id,
        school_id=school.school.school_id,
        attendance_date=day,
        code=code,
        **extra,
    )


def correct(session, school, student, code, day=WEDNESDAY, **extra):
    return attendance.correct_daily(
        session,
        ACTOR,
        student_id=student.student_id,
        school_id=school.school.school_id,
        attendance_date=day,
        code=code,
        reason="the office called home",
        **extra,
    )


def notices(session, student) -> list[Announcement]:
    return list(
        session.scalars(
            select(Announcement)
            .where(
                Announcement.student_id == student.student_id,
                Announcement.category == "unexcused_absence",
            )
            .order_by(Announcement.announcement_id)
        )
    )


def test_an_unexcused_absence_queues_a_notice_to_the_guardians(school_session, school):
    built = families(school_session, school)
    mark = audit_mark(school_session)

    record(school_session, school, built.s1)

    [notice] = notices(school_session, built.s1)
    assert (notice.audience, notice.audience_date) == ("student", WEDNESDAY)
    assert (notice.n_recipients, notice.n_unreachable) == (1, 1)
    [message] = school_session.scalars(
        select(Message).where(Message.announcement_id == notice.announcement_id)
    ).all()
    assert (message.to_address, message.status) == (PAT, "queued")
    assert message.subject == (
        "Unexcused absence: Ada Student1001, Wednesday 3 September 2025"
    )
    assert message.body == (
        "Dear Pat Rivera,\n\nAda Student1001 was absent from Lincoln High all day "
        "on Wednesday 3 September 2025, and the school has no excuse on file. If "
        "you know the reason, please tell the school office so the absence can be "
        "excused."
    )
    assert [row.action for row in audit_since(school_session, mark)] == [
        "record_attendance",
        "announce",
        "queue_messages",
    ]


def test_a_partial_unexcused_absence_says_how_long(school_session, school):
    built = families(school_session, school)

    record(school_session, school, built.s1, minutes_absent=90)

    [notice] = notices(school_session, built.s1)
    assert "from Lincoln High for 90 minutes on Wednesday" in notice.body


@pytest.mark.parametrize("code", ["EA", "T", "OSS"])
def test_other_codes_send_no_notice(school_session, school, code):
    built = families(school_session, school)

    record(school_session, school, built.s1, code=code)

    assert notices(school_session, built.s1) == []


def test_a_student_without_guardians_gets_no_notice(school_session, school):
    built = families(school_session, school)
    mark = audit_mark(school_session)

    record(school_session, school, built.s5)

    assert [row.action for row in audit_since(school_session, mark)] == [
        "record_attendance"
    ]


def test_a_refused_absence_queues_nothing(school_session, school):
    built = families(school_session, school)
    with refused(
        school_session,
        InvalidValue,
        "'XX' is not an attendance code",
        DailyAttendance,
        Announcement,
        Message,
    ):
        record(school_session, school, built.s1, code="XX")


def test_a_correction_to_unexcused_queues_a_notice(school_session, school):
    built = families(school_session, school)
    record(school_session, school, built.s1, code="EA")
    record(school_session, school, built.s2, code="UA", day=dt.date(2025, 9, 4))

    correct(school_session, school, built.s1, "UA")
    # Already unexcused: a change of minutes is no new absence.
    correct(
        school_session, school, built.s2, "UA", dt.date(2025, 9, 4), minutes_absent=60
    )
    # A plain present day (no record) corrected to unexcused.
    correct(school_session, school, built.s2, "UA", dt.date(2025, 9, 5))
    # From unexcused to excused: nothing to tell.
    correct(school_session, school, built.s1, "EA")

    assert [n.audience_date for n in notices(school_session, built.s1)] == [WEDNESDAY]
    assert [n.audience_date for n in notices(school_session, built.s2)] == [
        dt.date(2025, 9, 4),
        dt.date(2025, 9, 5),
    ]


def test_bulk_attendance_sends_no_notices(school_session, school):
    built = families(school_session, school)
    row = {
        "student_id": built.s1.student_id,
        "school_id": school.school.school_id,
        "attendance_date": WEDNESDAY,
        "code": "UA",
    }

    attendance.bulk_record_daily(school_session, [row], ACTOR)

    assert notices(school_session, built.s1) == []


class RecordingSender:
    def __init__(self, *outcomes: Exception | None) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> None:
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        self.sent.append(message)


def queued(session, school) -> Announcement:
    """Two messages in the outbox: Pat's, then Sam's."""
    families(session, school)
    return announce(session, school)


def test_delivery_sends_and_records_each_message(school_session, school):
    queued(school_session, school)
    sender = RecordingSender()
    mark = audit_mark(school_session)

    report = outbox.deliver_outbox(school_session, sender, limit=10)

    assert report == outbox.DeliveryReport(2, 0, 0, 0)
    assert [m.to_address for m in sender.sent] == [PAT, SAM]
    assert outbox_rows(school_session) == [(PAT, "sent", 1), (SAM, "sent", 1)]
    sent_at = school_session.scalars(select(Message.sent_at)).all()
    assert None not in sent_at
    [row] = audit_since(school_session, mark)
    assert (row.action, row.after_values) == ("deliver_outbox", {"n_rows": 2})
    # Nothing is left to send.
    assert outbox.deliver_outbox(school_session, sender) == (
        outbox.DeliveryReport(0, 0, 0, 0)
    )


def test_delivery_takes_the_oldest_messages_up_to_the_limit(school_session, school):
    queued(school_session, school)

    outbox.deliver_outbox(school_session, RecordingSender(), limit=1)

    assert outbox_rows(school_session) == [(PAT, "sent", 1), (SAM, "queued", 0)]


def test_the_outbox_only_sender_keeps_messages_queued(school_session, school):
    queued(school_session, school)
    mark = audit_mark(school_session)

    report = outbox.deliver_outbox(school_session, OutboxOnlySender())

    assert report == outbox.DeliveryReport(0, 0, 0, 2)
    assert outbox_rows(school_session) == [(PAT, "queued", 0), (SAM, "queued", 0)]
    reasons = set(school_session.scalars(select(Message.hold_reason)))
    assert reasons == {"outbox only: no mail server is configured (QUAD_SMTP_HOST)"}
    assert len(audit_since(school_session, mark)) == 1
    # Held again for the same reason: nothing changed, nothing audited.
    outbox.deliver_outbox(school_session, OutboxOnlySender())
    assert len(audit_since(school_session, mark)) == 1


def test_a_failing_address_is_retried_a_bounded_number_of_times(school_session, school):
    queued(school_session, school)
    busy = SendFailed("451 mailbox busy")

    first = outbox.deliver_outbox(
        school_session, RecordingSender(busy, None), max_attempts=2
    )
    second = outbox.deliver_outbox(
        school_session, RecordingSender(busy), max_attempts=2
    )

    # Run 1: Pat fails (attempt 1 of 2), Sam is sent; run 2: Pat fails again.
    assert (first.n_sent, first.n_retrying, second.n_failed) == (1, 1, 1)
    assert outbox_rows(school_session) == [(PAT, "failed", 2), (SAM, "sent", 1)]
    error = school_session.scalars(
        select(Message.last_error).where(Message.to_address == PAT)
    ).one()
    assert error == "451 mailbox busy"


def test_a_permanent_failure_is_not_retried(school_session, school):
    queued(school_session, school)
    refused_address = SendFailed("550 no such mailbox", permanent=True)

    report = outbox.deliver_outbox(school_session, RecordingSender(refused_address))

    assert (report.n_failed, report.n_sent) == (1, 1)
    assert outbox_rows(school_session) == [(PAT, "failed", 1), (SAM, "sent", 1)]


def test_a_held_message_is_sent_later_by_a_real_sender(school_session, school):
    queued(school_session, school)
    outbox.deliver_outbox(school_session, OutboxOnlySender())

    outbox.deliver_outbox(school_session, RecordingSender())

    assert set(school_session.scalars(select(Message.hold_reason))) == {None}
    assert outbox.counts_by_status(school_session) == {"sent": 2}


def test_a_wrong_limit_is_refused(school_session, school):
    queued(school_session, school)
    with refused(school_session, InvalidValue, "must be positive", Message):
        outbox.deliver_outbox(school_session, RecordingSender(), limit=0)


def smtp(port, **values) -> SmtpSender:
    fields = {
        "host": "127.0.0.1",
        "port": port,
        "from_address": "office@lincoln.example.org",
        "starttls": False,
        "timeout_seconds": 5.0,
    }
    return SmtpSender(**(fields | values))


def test_the_smtp_sender_delivers_the_outbox(school_session, school):
    queued(school_session, school)
    rules = MailboxRules()

    with smtp_server(rules) as (_, port), smtp(port) as sender:
        report = outbox.deliver_outbox(school_session, sender)

    assert report.n_sent == 2
    assert [(r.sender, r.recipients) for r in rules.received] == [
        ("office@lincoln.example.org", [PAT]),
        ("office@lincoln.example.org", [SAM]),
    ]
    first = rules.received[0].message
    assert (first["To"], first["Subject"]) == (PAT, "Picture day")
    assert first.get_payload().strip() == (
        "Dear Pat Rivera,\n\nPhotos are taken on Friday."
    )
    assert "quad-" in first["Message-ID"]


def test_the_smtp_sender_records_refused_and_deferred_addresses(school_session, school):
    queued(school_session, school)
    rules = MailboxRules(refuse={PAT}, defer={SAM})

    with smtp_server(rules) as (_, port), smtp(port) as sender:
        report = outbox.deliver_outbox(school_session, sender)

    assert (report.n_failed, report.n_retrying) == (1, 1)
    assert outbox_rows(school_session) == [(PAT, "failed", 1), (SAM, "queued", 1)]
    errors = school_session.scalars(
        select(Message.last_error).order_by(Message.message_id)
    ).all()
    assert errors == [
        f"the server refused {PAT}: 550 5.1.1 no such mailbox",
        f"the server refused {SAM}: 451 4.3.0 mailbox busy, try again later",
    ]


def test_the_smtp_sender_logs_in_when_a_password_is_set():
    rules = MailboxRules(username="office", password="s3cret")
    message = OutgoingMessage(7, PAT, "Hello", "Welcome back.")

    with (
        smtp_server(rules) as (_, port),
        smtp(port, username="office", password="s3cret") as sender,
    ):
        sender.send(message)

    [received] = rules.received
    assert received.recipients == [PAT]
    assert "quad-7" in received.message["Message-ID"]


def test_a_server_that_needs_a_login_says_so_at_start_up():
    rules = MailboxRules(username="office", password="s3cret")

    with smtp_server(rules) as (_, port):
        with pytest.raises(MessagingNotReady, match="needs a login; set QUAD_SMTP"):
            smtp(port).start()
        with pytest.raises(MessagingNotReady, match="refused the login of office"):
            smtp(port, username="office", password="wrong").start()


def test_a_username_without_a_password_is_refused():
    with pytest.raises(MessagingNotReady, match="QUAD_SMTP_PASSWORD is not"):
        smtp(25, username="office")


def test_a_server_without_starttls_is_refused_when_it_is_wanted():
    with (
        smtp_server(MailboxRules()) as (_, port),
        pytest.raises(MessagingNotReady, match="does not offer STARTTLS"),
    ):
        smtp(port, starttls=True).start()


def test_an_unreachable_server_is_reported():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more.
    with pytest.raises(MessagingNotReady, match="cannot reach the mail server"):
        smtp(port).start()
    with pytest.raises(SendFailed, match="cannot reach the mail server"):
        smtp(port).send(OutgoingMessage(1, PAT, "Hello", "Hi"))


def test_the_sender_follows_the_settings():
    assert isinstance(sender_from_settings(Settings(smtp_host=None)), OutboxOnlySender)
    with pytest.raises(MessagingNotReady, match="QUAD_SMTP_FROM is not set"):
        sender_from_settings(Settings(smtp_host="127.0.0.1"))
    sender = sender_from_settings(
        Settings(
            smtp_host="mail.example.org",
            smtp_port=2525,
            smtp_from="office@example.org",
            smtp_username="office",
            smtp_password="s3cret",
        )
    )
    assert isinstance(sender, SmtpSender)
    assert (sender.host, sender.port, sender.username) == (
        "mail.example.org",
        2525,
        "office",
    )


def test_the_outbox_only_sender_holds_every_message():
    with (
        OutboxOnlySender() as sender,
        pytest.raises(MessageHeld, match="outbox only"),
    ):
        sender.send(OutgoingMessage(1, PAT, "Hello", "Hi"))
