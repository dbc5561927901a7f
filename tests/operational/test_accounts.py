"""Accounts of the staff app: creation, sign-in, lockout, sessions, scope."""

import datetime as dt

import pytest
from sqlalchemy import select

from operational.errors import (
    AccessDenied,
    AccountLocked,
    Conflict,
    InvalidValue,
    NotFound,
    SignInRefused,
)
from operational.models import (
    AuditLog,
    CounselorCaseload,
    UserAccount,
    UserSchool,
    UserSession,
)
from operational.services import access, accounts
from operational.settings import get_settings
from tests.support.app_school import PASSWORD
from tests.support.writes import refused

ACTOR = "test:admin"
NOON = dt.datetime(2025, 9, 15, 12, 0)


@pytest.fixture
def session(app_school_session):
    return app_school_session


@pytest.fixture
def ids(app_ids):
    return app_ids


def principal(session, username):
    return access.principal_for(session, accounts.find_account(session, username))


def test_a_new_account_keeps_only_an_argon2_hash(session, ids):
    account = accounts.create_account(
        session,
        ACTOR,
        username="  JDoe ",
        role="registrar",
        password="a long enough secret",
        school_ids=[ids["lincoln"]],
    )

    assert account.username == "jdoe"
    assert account.password_hash.startswith("$argon2id$")
    assert "a long enough secret" not in account.password_hash
    assert accounts.account_school_ids(session, account) == {ids["lincoln"]}
    audit_row = session.scalars(
        select(AuditLog).where(
            AuditLog.action == "create_account",
            AuditLog.record_key == str(account.user_account_id),
        )
    ).one()
    assert audit_row.after_values["password_hash"] == "[redacted]"


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"password": "short"}, InvalidValue, "at least 12 characters"),
        (
            {"password": "newuser-is-my-password"},
            InvalidValue,
            "must not contain the account's name",
        ),
        ({"role": "janitor"}, InvalidValue, "'janitor' is not a role"),
        ({"username": "x"}, InvalidValue, "'x' is not a usable name"),
        ({"username": "two words"}, InvalidValue, "'two words' is not a usable name"),
        ({"role": "teacher"}, InvalidValue, "a teacher account needs the staff member"),
        ({"school_ids": []}, InvalidValue, "a registrar account needs at least one"),
        ({"school_ids": [999]}, NotFound, "no school with id 999"),
        ({"staff_id": 999}, NotFound, "no staff member with id 999"),
        ({"password": None}, InvalidValue, "needs a password, or an email"),
        ({"username": "registrar"}, Conflict, "an account named registrar exists"),
    ],
)
def test_refused_accounts_write_nothing(session, ids, values, error, message):
    request = {
        "username": "newuser",
        "role": "registrar",
        "password": "a long enough secret",
        "school_ids": [ids["lincoln"]],
    } | values

    with refused(session, error, message, UserAccount, UserSchool):
        accounts.create_account(session, ACTOR, **request)


def test_sign_in_starts_a_session_that_resumes_until_it_expires(session, ids):
    started = accounts.sign_in(session, "teacher", PASSWORD, now=NOON)
    hours = get_settings().session_hours

    assert started.expires_at == NOON + dt.timedelta(hours=hours)
    stored = session.scalars(select(UserSession)).one()
    assert stored.token_digest == accounts.token_digest(started.token)
    assert started.token not in stored.token_digest
    just_before = started.expires_at - dt.timedelta(seconds=1)
    assert accounts.resume(session, started.token, now=just_before).username == (
        "teacher"
    )
    assert accounts.resume(session, started.token, now=started.expires_at) is None
    assert accounts.resume(session, "not-a-token", now=NOON) is None


def test_sign_out_ends_the_session_on_the_server(session, ids):
    started = accounts.sign_in(session, "teacher", PASSWORD, now=NOON)

    assert accounts.sign_out(session, started.token, now=NOON) is True
    assert accounts.resume(session, started.token, now=NOON) is None
    assert accounts.sign_out(session, started.token, now=NOON) is False


def test_a_wrong_name_and_a_wrong_password_get_the_same_answer(session, ids):
    with pytest.raises(SignInRefused) as unknown:
        accounts.sign_in(session, "nobody", PASSWORD, now=NOON)
    with pytest.raises(SignInRefused) as wrong:
        accounts.sign_in(session, "teacher", "not the password", now=NOON)

    assert unknown.value.message == wrong.value.message
    assert session.scalars(select(UserSession)).all() == []


def test_repeated_failures_lock_the_account_for_a_while(session, ids):
    settings = get_settings()
    for _ in range(settings.sign_in_max_failures - 1):
        with pytest.raises(SignInRefused):
            accounts.sign_in(session, "teacher", "wrong password!", now=NOON)
    assert accounts.find_account(session, "teacher").failed_sign_ins == (
        settings.sign_in_max_failures - 1
    )

    # The last allowed failure locks the account; then even the right
    # password is refused until the lock runs out.
    with pytest.raises(AccountLocked, match="locked until 12:15 UTC"):
        accounts.sign_in(session, "teacher", "wrong password!", now=NOON)
    with pytest.raises(AccountLocked):
        accounts.sign_in(session, "teacher", PASSWORD, now=NOON)

    later = NOON + dt.timedelta(minutes=settings.lockout_minutes, seconds=1)
    assert accounts.sign_in(session, "teacher", PASSWORD, now=later).token


def test_an_administrator_can_unlock_an_account(session, ids):
    for _ in range(get_settings().sign_in_max_failures):
        with pytest.raises((SignInRefused, AccountLocked)):
            accounts.sign_in(session, "teacher", "wrong password!", now=NOON)

    accounts.unlock(session, ACTOR, "teacher")

    assert accounts.sign_in(session, "teacher", PASSWORD, now=NOON).token


def test_a_switched_off_account_cannot_sign_in_or_resume(session, ids):
    started = accounts.sign_in(session, "teacher", PASSWORD, now=NOON)
    accounts.find_account(session, "teacher").is_active = False

    # The same answer as a wrong password: a right one is not confirmed.
    with pytest.raises(SignInRefused, match=accounts.REFUSED):
        accounts.sign_in(session, "teacher", PASSWORD, now=NOON)
    assert accounts.resume(session, started.token, now=NOON) is None


def test_a_new_password_ends_the_running_sessions(session, ids):
    started = accounts.sign_in(session, "teacher", PASSWORD, now=NOON)

    accounts.set_password(session, ACTOR, "teacher", "an entirely new secret")

    assert accounts.resume(session, started.token, now=NOON) is None
    assert accounts.sign_in(session, "teacher", "an entirely new secret", now=NOON)


def test_disabling_an_account_ends_its_sessions(session, ids):
    started = accounts.sign_in(session, "teacher", PASSWORD, now=NOON)

    accounts.disable(session, ACTOR, "teacher")

    assert accounts.resume(session, started.token, now=NOON) is None
    with pytest.raises(SignInRefused, match=accounts.REFUSED):
        accounts.sign_in(session, "teacher", PASSWORD, now=NOON)


def test_provider_sign_in_finds_the_account_by_email(session, ids):
    accounts.create_account(
        session,
        ACTOR,
        username="pquinn",
        role="leadership",
        password=None,
        email="Pat.Quinn@Lincoln.example.org",
    )

    started = accounts.sign_in_by_email(
        session, "pat.quinn@lincoln.example.org", now=NOON
    )
    assert started.account.username == "pquinn"
    with pytest.raises(SignInRefused, match="no active Quad account"):
        accounts.sign_in_by_email(session, "someone@else.example.org", now=NOON)
    # An account with a password never signs in through the provider.
    accounts.create_account(
        session,
        ACTOR,
        username="rmoreno",
        role="leadership",
        password="a long enough secret",
        email="rita@lincoln.example.org",
    )
    with pytest.raises(SignInRefused, match="no active Quad account"):
        accounts.sign_in_by_email(session, "rita@lincoln.example.org", now=NOON)
    # Without a password the account cannot sign in with one.
    with pytest.raises(SignInRefused):
        accounts.sign_in(session, "pquinn", "", now=NOON)


def test_caseload_assignment_adds_only_new_students(session, ids):
    counselor = ids["staff_counselor"]
    year = ids["year"]
    students = [ids["S1"], ids["S2"]]

    added = accounts.assign_caseload(
        session, ACTOR, staff_id=counselor, student_ids=students, school_year_id=year
    )

    assert added == 1  # S1 was on the caseload already
    with refused(session, NotFound, "no student with id 999", CounselorCaseload):
        accounts.assign_caseload(
            session, ACTOR, staff_id=counselor, student_ids=[999], school_year_id=year
        )


def test_each_role_reaches_its_own_sections(session, ids):
    section, other = ids["section"], ids["other_section"]

    def sections(username):
        return {
            s.section_id
            for s in access.sections_in_scope(session, principal(session, username))
        }

    assert sections("teacher") == {section}
    assert sections("teacher2") == {other}
    assert sections("registrar") == {section, other}
    assert sections("admin") == {section, other}
    assert sections("counselor") == set()
    assert sections("finance") == set()

    with pytest.raises(AccessDenied, match=r"teacher\) does not reach section"):
        access.require_section(session, principal(session, "teacher"), other)
    with pytest.raises(NotFound):
        access.require_section(session, principal(session, "teacher"), 999)


def test_each_role_reaches_its_own_students(session, ids):
    ada, carla, dana = (ids[n] for n in ("S1", "S3", "S4"))

    def reaches(username, student_id):
        return access.can_reach_student(
            session, principal(session, username), student_id
        )

    assert reaches("teacher", ada) and not reaches("teacher", carla)
    assert reaches("teacher2", carla) and not reaches("teacher2", ada)
    assert reaches("counselor", ada) and not reaches("counselor", carla)
    # The registrar and finance officer serve Lincoln; Dana is at Roosevelt.
    assert reaches("registrar", carla) and not reaches("registrar", dana)
    assert reaches("finance", ada) and not reaches("finance", dana)
    assert reaches("admin", dana)
    # Leadership sees aggregates, never a student's rows.
    assert not reaches("leader", ada)


def test_school_scope_by_role(session, ids):
    lincoln = ids["lincoln"]
    roosevelt = ids["roosevelt"]

    def schools(username):
        return access.school_ids_in_scope(session, principal(session, username))

    assert schools("registrar") == {lincoln}
    assert schools("teacher") == {lincoln}
    assert schools("counselor") == {lincoln}
    assert schools("admin") == {lincoln, roosevelt}
    assert schools("leader") == {lincoln, roosevelt}
    with pytest.raises(AccessDenied, match=r"\(registrar\) does not reach school"):
        access.require_school(session, principal(session, "registrar"), roosevelt)


def test_a_denial_is_logged_with_who_asked(session, ids, caplog):
    with (
        caplog.at_level("WARNING", logger="operational.services.access"),
        pytest.raises(AccessDenied),
    ):
        access.require_student(
            session,
            principal(session, "teacher2"),
            ids["S1"],
        )

    assert "teacher2 (teacher) asked for student" in caplog.text
