"""The messages page: announcements to families, within each role's scope.

In the fixture school only Ada Lovelace (S1, MATH-101-01, Lincoln) has a
guardian: Anne Lovelace, anne.lovelace@example.org. So an announcement that
reaches Ada queues exactly one message, and one that reaches only Bob (S2),
Carla (S3) or Dana (S4, Roosevelt) has nobody to tell.
"""

import datetime as dt

import pytest
from sqlalchemy import func, select

from operational.models import Announcement, AuditLog, Message
from tests.support.app_driver import texts
from tests.support.app_school import SCHOOL_DAY
from tests.support.page_guard import run_page, run_page_as

PAGE = "messages.py"
NO_GUARDIAN = (
    "no student of the audience at {} has a guardian on file; add the "
    "families' guardians first"
)
NO_SUBJECT = "an announcement needs a subject of 1 to 200 characters"
HOSTILE_SUBJECT = "<script>alert(1)</script>"
HOSTILE_BODY = "'; drop table student; --"


def counts(app_database) -> tuple[int, int, int]:
    with app_database.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Announcement, Message, AuditLog)
        )


def announcements(app_database) -> list:
    """The announcement rows, oldest first, read after the app committed."""
    with app_database.session() as session:
        return list(
            session.execute(
                select(*Announcement.__table__.columns).order_by(
                    Announcement.announcement_id
                )
            )
        )


def messages(app_database) -> list[tuple[str, str, str]]:
    with app_database.session() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(Message.to_address, Message.subject, Message.body)
            )
        ]


def compose(app, audience=None, *, day=SCHOOL_DAY, subject="", body="", **picks):
    """Fill the form: the audience and its target first, then the text."""
    if audience is not None:
        app.radio(key="message_audience").set_value(audience).run()
    app.date_input(key="message_day").set_value(day).run()
    for key, value in picks.items():
        app.selectbox(key=f"message_{key}").set_value(value).run()
    app.text_input(key="message_subject").input(subject)
    app.text_area(key="message_body").input(body)
    return app


def submit(app):
    [button] = app.form_submit_button
    button.click().run()
    assert not app.exception, app.exception
    return app


def test_the_page_needs_a_sign_in(app_database):
    app, statements = run_page(PAGE)

    assert texts(app, "warning") == ["Sign in to use Quad."]
    assert [t.value for t in app.title] == []
    assert statements == []


def test_a_teacher_writes_to_a_section(signed_in, app_database):
    app = signed_in("teacher", PAGE)
    assert app.radio(key="message_audience").options == [
        "A section",
        "One student's family",
    ]

    compose(
        app,
        "section",
        section=app_database.ids["section"],
        subject="Quiz on Friday",
        body="Chapter 2, linear equations.",
    )
    submit(app)

    # Ada and Bob are on MATH-101-01; only Ada's mother is on file.
    assert texts(app, "success") == [
        "Announcement queued: 1 message in the outbox; 0 guardians without an "
        "email address to call instead."
    ]
    [sent] = announcements(app_database)
    assert (sent.audience, sent.section_id, sent.audience_date) == (
        "section",
        app_database.ids["section"],
        SCHOOL_DAY,
    )
    assert (sent.created_by, sent.n_recipients, sent.n_unreachable) == (
        "teacher",
        1,
        0,
    )
    assert messages(app_database) == [
        (
            "anne.lovelace@example.org",
            "Quiz on Friday",
            "Dear Anne Lovelace,\n\nChapter 2, linear equations.",
        )
    ]
    recent = app.dataframe[0].value
    assert recent["Audience"].tolist() == ["Section MATH-101-01 at Lincoln High"]
    assert recent["Messages queued"].tolist() == [1]


def test_a_registrar_writes_to_a_grade_and_a_counselor_to_a_student(
    signed_in, app_database
):
    registrar = signed_in("registrar", PAGE)
    compose(
        registrar, "grade", grade=9, subject="Grade 9 trip", body="Permission slips."
    )
    submit(registrar)
    counselor = signed_in("counselor", PAGE)
    assert counselor.radio(key="message_audience").options == ["One student's family"]
    compose(
        counselor,
        student=app_database.ids["S1"],
        subject="Check-in",
        body="Ada is settling in well.",
    )
    submit(counselor)

    grade, student = announcements(app_database)
    assert (grade.audience, grade.grade_level, grade.created_by) == (
        "grade",
        9,
        "registrar",
    )
    assert (student.audience, student.student_id, student.created_by) == (
        "student",
        app_database.ids["S1"],
        "counselor",
    )
    assert [a.n_recipients for a in (grade, student)] == [1, 1]
    assert len(messages(app_database)) == 2
    # Each sees only their own announcements.
    assert counselor.dataframe[0].value["Audience"].tolist() == [
        "Family of Ada Lovelace at Lincoln High"
    ]


def test_an_audience_without_families_is_refused(signed_in, app_database):
    app = signed_in("teacher", PAGE)
    before = counts(app_database)

    compose(
        app,
        "student",
        student=app_database.ids["S2"],
        subject="Homework",
        body="Bob has missed two assignments.",
    )
    submit(app)

    assert texts(app, "error") == [NO_GUARDIAN.format("Lincoln High")]
    assert counts(app_database) == before
    assert app.text_input(key="message_subject").value == "Homework"
    assert app.text_area(key="message_body").value == "Bob has missed two assignments."
    assert app.selectbox(key="message_student").value == app_database.ids["S2"]


def test_an_audience_empty_on_its_date_is_refused(signed_in, app_database):
    app = signed_in("teacher", PAGE)
    before = counts(app_database)

    compose(
        app,
        "section",
        day=dt.date(2025, 8, 29),
        section=app_database.ids["section"],
        subject="Welcome",
        body="See you on Monday.",
    )
    submit(app)

    # The roster starts on September 1.
    assert texts(app, "error") == [
        "no student is in the audience (section) at Lincoln High on 2025-08-29; "
        "check the date or the audience"
    ]
    assert counts(app_database) == before
    assert app.text_area(key="message_body").value == "See you on Monday."


def test_a_missing_subject_is_refused(signed_in, app_database):
    app = signed_in("registrar", PAGE)
    before = counts(app_database)

    compose(app, "school", subject="   ", body="School closes at noon.")
    submit(app)

    assert texts(app, "error") == [NO_SUBJECT]
    assert counts(app_database) == before
    assert app.text_area(key="message_body").value == "School closes at noon."
    assert app.radio(key="message_audience").value == "school"


@pytest.mark.parametrize(
    ("username", "parameter", "record", "denied"),
    [
        ("teacher", "section", "other_section", "section MATH-101-02"),
        ("teacher", "student", "S3", "student {}"),
        ("counselor", "student", "S2", "student {}"),
        ("counselor", "section", "section", "section MATH-101-01"),
        ("registrar", "student", "S4", "student {}"),
    ],
)
def test_an_audience_out_of_scope_is_refused_by_url(
    signed_in, app_database, username, parameter, record, denied
):
    record_id = app_database.ids[record]
    app = signed_in(username, PAGE, query={parameter: str(record_id)})

    assert texts(app, "error") == [
        f"your role ({username}) does not reach {denied.format(record_id)}"
    ]
    assert not app.form_submit_button
    assert not app.dataframe


def test_an_audience_in_scope_is_opened_by_url(signed_in, app_database):
    section_id = app_database.ids["section"]

    app = signed_in("teacher", PAGE, query={"section": str(section_id)})

    assert app.radio(key="message_audience").value == "section"
    assert app.selectbox(key="message_section").value == section_id
    assert not app.error


def test_a_teacher_is_offered_only_their_own_sections(signed_in, app_database):
    app = signed_in("teacher", PAGE)
    app.radio(key="message_audience").set_value("section").run()
    app.date_input(key="message_day").set_value(SCHOOL_DAY).run()

    assert app.selectbox(key="message_section").options == ["MATH-101-01 Algebra I"]
    app.radio(key="message_audience").set_value("student").run()
    assert app.selectbox(key="message_student").options == [
        "Babbage, Bob",
        "Lovelace, Ada",
    ]


@pytest.mark.parametrize(
    ("username", "role"), [("finance", "finance officer"), ("leader", "leadership")]
)
def test_roles_that_do_not_write_to_families_are_refused(
    signed_in, app_database, username, role
):
    menu = signed_in(username)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        menu.switch_page(f"views/{PAGE}")

    app, statements = run_page_as(app_database, username, PAGE)

    assert texts(app, "error") == [f"your role ({role}) does not reach the page {PAGE}"]
    assert [t.value for t in app.title] == []
    assert statements == []


def test_text_is_saved_verbatim_and_shown_escaped(signed_in, app_database):
    app = signed_in("admin", PAGE)

    compose(
        app,
        "school",
        school=app_database.ids["lincoln"],
        subject=HOSTILE_SUBJECT,
        body=HOSTILE_BODY,
    )
    submit(app)

    [sent] = announcements(app_database)
    assert (sent.subject, sent.body) == (HOSTILE_SUBJECT, HOSTILE_BODY)
    assert messages(app_database)[0][1:] == (
        HOSTILE_SUBJECT,
        f"Dear Anne Lovelace,\n\n{HOSTILE_BODY}",
    )
    assert app.dataframe[0].value["Subject"].tolist() == [HOSTILE_SUBJECT]
    assert HOSTILE_SUBJECT in texts(app, "text")
    assert HOSTILE_BODY in texts(app, "text")
    assert not app.get("html")
    shown = texts(app, "markdown") + texts(app, "success") + texts(app, "caption")
    assert all(HOSTILE_SUBJECT not in value for value in shown)
    assert all(HOSTILE_BODY not in value for value in shown)
