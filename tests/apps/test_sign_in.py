"""Signing in and out of the staff app, the session cookie, the page guard."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from apps import session as app_session
from operational.models import UserAccount, UserSession
from operational.services import accounts
from operational.services.access import principal_for
from operational.settings import get_settings
from tests.support.app_driver import TIMEOUT, new_app, sign_in, texts
from tests.support.page_guard import statements_run

VIEWS = Path(__file__).parents[2] / "apps" / "views"


def account(app_database, username: str) -> UserAccount:
    with app_database.session() as session:
        found = accounts.find_account(session, username)
        session.expunge(found)
        return found


def test_before_sign_in_only_the_sign_in_page_exists(app_database):
    app = new_app().run()

    assert [title.value for title in app.title] == ["Quad"]
    assert app.text_input(key="sign_in_name").label == "Name"
    with pytest.raises(Exception, match=r"Known pages: \[.*sign_in.py.\]"):
        app.switch_page("views/attendance.py").run()


SIGNED_IN_PAGES = sorted(
    path.name for path in VIEWS.glob("*.py") if path.name != "sign_in.py"
)


@pytest.mark.parametrize("page", SIGNED_IN_PAGES)
def test_no_page_runs_a_query_before_sign_in(app_database, page):
    with statements_run() as seen:
        app = AppTest.from_file(str(VIEWS / page), default_timeout=TIMEOUT).run()

    assert texts(app, "warning") == ["Sign in to use Quad."]
    assert app.title == [] or app.title[0].value == "Quad"
    assert seen == []


def test_a_teacher_signs_in_and_sees_their_pages(app_database):
    app = sign_in(new_app(), "teacher")

    assert app.title[0].value == "Welcome, Grace Hopper"
    links = [link.label for link in app.get("page_link")]
    assert "Attendance" in links and "Gradebook" in links
    assert "Fees" not in links and "Admissions and enrollment" not in links
    assert account(app_database, "teacher").last_sign_in_at is not None


def test_a_wrong_password_is_refused_and_counted(app_database):
    app = sign_in(new_app(), "teacher", "not the password")

    assert texts(app, "error") == [accounts.REFUSED]
    assert app.title[0].value == "Quad"
    assert account(app_database, "teacher").failed_sign_ins == 1
    # What the user typed stays in the form.
    assert app.text_input(key="sign_in_name").value == "teacher"


def test_repeated_failures_lock_the_account(app_database):
    app = new_app()
    for _ in range(get_settings().sign_in_max_failures):
        app = sign_in(app, "teacher", "not the password")

    assert "too many failed sign-ins" in texts(app, "error")[0]
    app = sign_in(new_app(), "teacher")
    assert "too many failed sign-ins" in texts(app, "error")[0]
    assert app.title[0].value == "Quad"


def test_sign_in_hands_the_browser_a_signed_cookie_through_the_route(app_database):
    app = sign_in(new_app(), "teacher")

    scripts = [element.proto.body for element in app.get("html")]
    assert len(scripts) == 1 and app_session.SESSION_ROUTE in scripts[0]
    token = app.session_state[app_session.TOKEN]
    signed = app_session.sign_cookie(token)
    assert app_session.token_from_cookie(signed) == token
    assert app_session.token_from_cookie(signed[:-2] + "xx") is None


def test_sign_out_ends_the_session_on_the_server(app_database):
    app = sign_in(new_app(), "teacher")
    token = app.session_state[app_session.TOKEN]

    app.button(key="sign_out").click().run()

    assert app.title[0].value == "Quad"
    with app_database.session() as session:
        ended = session.scalars(
            select(UserSession.ended_at).where(
                UserSession.token_digest == accounts.token_digest(token)
            )
        ).one()
    assert ended is not None
    scripts = [element.proto.body for element in app.get("html")]
    assert any(app_session.SIGN_OUT_ROUTE in script for script in scripts)


def started_session(app_database, username: str, now=None) -> str:
    with app_database.session() as session:
        return accounts.sign_in(session, username, "correct horse battery", now=now)


def test_a_reload_with_the_cookie_stays_signed_in(app_database, monkeypatch):
    started = started_session(app_database, "teacher")
    cookie = app_session.sign_cookie(started.token)
    monkeypatch.setattr(app_session, "browser_cookie", lambda: cookie)

    app = new_app().run()

    assert app.title[0].value == "Welcome, Grace Hopper"


@pytest.mark.parametrize("spoil", ["signed_out", "expired", "tampered", "foreign_key"])
def test_a_cookie_that_no_longer_holds_shows_the_sign_in_page(
    app_database, monkeypatch, spoil
):
    hours = get_settings().session_hours
    started_at = None
    if spoil == "expired":
        started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(
            hours=hours + 1
        )
    started = started_session(app_database, "teacher", now=started_at)
    cookie = app_session.sign_cookie(started.token)
    if spoil == "signed_out":
        with app_database.session() as session:
            accounts.sign_out(session, started.token)
    if spoil == "tampered":
        cookie = cookie[:-3] + ("aaa" if not cookie.endswith("aaa") else "bbb")
    if spoil == "foreign_key":
        from itsdangerous import URLSafeTimedSerializer

        cookie = URLSafeTimedSerializer(
            "another key", salt="quad-session-cookie"
        ).dumps(started.token)
    monkeypatch.setattr(app_session, "browser_cookie", lambda: cookie)

    app = new_app().run()

    assert app.title[0].value == "Quad"


def test_a_page_refuses_a_role_it_does_not_serve(app_database, caplog):
    with app_database.session() as session:
        finance = principal_for(session, accounts.find_account(session, "finance"))
    app = AppTest.from_file(str(VIEWS / "attendance.py"), default_timeout=TIMEOUT)
    app.session_state[app_session.PRINCIPAL] = finance

    with caplog.at_level("WARNING", logger="operational.services.access"):
        app.run()

    assert texts(app, "error") == [
        "your role (finance officer) does not reach the page attendance.py"
    ]
    assert [title.value for title in app.title] == []
    assert "finance (finance_officer) asked for the page attendance.py" in caplog.text


def test_a_user_the_identity_provider_vouches_for_is_signed_in(app_database):
    app = new_app()
    app.user = {"is_logged_in": True, "email": "grace@lincoln.example.org"}
    with app_database.session() as session:
        accounts.create_account(
            session,
            "test",
            username="ghopper",
            role="teacher",
            password=None,
            email="Grace@Lincoln.example.org",
            staff_id=app_database.ids["staff_teacher"],
        )

    app.run()

    assert app.title[0].value == "Welcome, Grace Hopper"


def test_a_provider_user_without_an_account_is_told_so(app_database):
    app = new_app()
    app.user = {"is_logged_in": True, "email": "stranger@example.org"}

    app.run()

    assert app.title[0].value == "Quad"
    assert texts(app, "error") == [
        "no active Quad account has the address stranger@example.org; "
        "ask an administrator"
    ]


def test_an_address_the_provider_has_not_verified_is_refused(app_database):
    with app_database.session() as session:
        accounts.create_account(
            session,
            "test",
            username="ghopper",
            role="teacher",
            password=None,
            email="grace@lincoln.example.org",
            staff_id=app_database.ids["staff_teacher"],
        )
    app = new_app()
    app.user = {
        "is_logged_in": True,
        "email": "grace@lincoln.example.org",
        "email_verified": False,
    }

    app.run()

    assert app.title[0].value == "Quad"
    assert texts(app, "error") == [
        "the identity provider has not verified the address grace@lincoln.example.org"
    ]


def test_markdown_in_a_name_is_shown_as_typed_not_as_a_link(app_database):
    with app_database.session() as session:
        accounts.create_account(
            session,
            "test",
            username="mallory",
            role="leadership",
            password="a long enough secret",
            display_name="[click me](https://elsewhere.example) ![](https://x.example/a.png)",
        )

    app = sign_in(new_app(), "mallory", "a long enough secret")

    # The escaped brackets cannot open a link or an image; they render as
    # the characters typed.
    assert app.title[0].value == (
        "Welcome, \\[click me](https://elsewhere.example) !\\[](https://x.example/a.png)"
    )
    caption = next(c.value for c in app.caption if c.value.startswith("Signed in"))
    assert "\\[click me]" in caption and "!\\[](" in caption
