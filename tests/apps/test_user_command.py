"""`quad user`: accounts from the command line, passwords never echoed."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from operational.errors import AccountLocked, SignInRefused
from operational.models import UserAccount, UserSchool
from operational.services import accounts
from operational.settings import get_settings
from tests.support.app_school import PASSWORD

QUAD = [sys.executable, "-c", "from operational.cli import main; main()"]


def run_quad(*args: str, password: str | None = None, typed: str | None = None):
    environment = {
        key: value for key, value in os.environ.items() if key != "QUAD_PASSWORD"
    }
    if password is not None:
        environment["QUAD_PASSWORD"] = password
    return subprocess.run(
        [*QUAD, *args],
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )


def test_create_reads_the_password_from_the_environment(app_database):
    lincoln = str(app_database.ids["lincoln"])

    result = run_quad(
        "user",
        "create",
        "mchen",
        "--role",
        "registrar",
        "--school",
        lincoln,
        "--database-url",
        app_database.url,
        password="a registrar's long secret",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "created mchen (registrar)\n"
    with app_database.session() as session:
        account = accounts.find_account(session, "mchen")
        assert accounts.account_school_ids(session, account) == {int(lincoln)}
        assert accounts.sign_in(session, "mchen", "a registrar's long secret").token


def test_create_asks_for_the_password_twice_without_echoing_it(app_database):
    secret = "typed at the prompt"

    result = run_quad(
        "user",
        "create",
        "lead2",
        "--role",
        "leadership",
        "--database-url",
        app_database.url,
        typed=f"{secret}\n{secret}\n",
    )

    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout
    with app_database.session() as session:
        assert accounts.sign_in(session, "lead2", secret).token


def test_a_refused_account_is_one_line_and_writes_nothing(app_database):
    with app_database.session() as session:
        before = session.scalar(select(func.count()).select_from(UserAccount))

    result = run_quad(
        "user",
        "create",
        "newteacher",
        "--role",
        "teacher",
        "--database-url",
        app_database.url,
        password="long enough password",
    )

    assert result.returncode == 1
    assert result.stderr == (
        "quad: a teacher account needs the staff member it belongs to\n"
    )
    with app_database.session() as session:
        assert session.scalar(select(func.count()).select_from(UserAccount)) == before
        assert session.scalar(select(func.count()).select_from(UserSchool)) == 2


def test_an_unknown_role_is_refused(app_database):
    result = run_quad(
        "user",
        "create",
        "x1",
        "--role",
        "janitor",
        "--database-url",
        app_database.url,
        password="long enough password",
    )

    assert result.returncode == 1
    assert result.stderr.startswith("quad: 'janitor' is not a role; use one of:")


def test_unlock_and_list(app_database):
    with app_database.session() as session:
        for _ in range(get_settings().sign_in_max_failures):
            with pytest.raises((SignInRefused, AccountLocked)):
                accounts.sign_in(session, "teacher", "wrong password")

    listed = run_quad("user", "list", "--database-url", app_database.url)
    teacher_line = next(
        line for line in listed.stdout.splitlines() if line.startswith("teacher ")
    )
    assert "locked until" in teacher_line

    result = run_quad("user", "unlock", "teacher", "--database-url", app_database.url)
    assert result.stdout == "teacher unlocked\n"
    with app_database.session() as session:
        assert accounts.find_account(session, "teacher").locked_until is None


def test_disable_switches_an_account_off_and_ends_its_sessions(app_database):
    with app_database.session() as session:
        started = accounts.sign_in(session, "teacher", PASSWORD)

    result = run_quad("user", "disable", "teacher", "--database-url", app_database.url)

    assert result.stdout == "teacher switched off; its sessions are ended\n"
    with app_database.session() as session:
        assert accounts.resume(session, started.token) is None
        assert accounts.find_account(session, "teacher").is_active is False
