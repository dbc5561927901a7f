"""Checking a page's own guard, apart from the menu that hides it.

A page missing from a role's menu can still be asked for by its address, so
its guard must refuse it, and before any query runs. These run the page file
alone, as that address would, and record every SQL statement meanwhile.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from apps import session as app_session
from operational.services import accounts
from operational.services.access import principal_for
from tests.support.app_driver import TIMEOUT

VIEWS = Path(__file__).parents[2] / "apps" / "views"


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """The SQL statements any engine runs inside the block."""
    statements: list[str] = []

    def record(connection, cursor, statement, *_):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def run_page(page: str, principal=None) -> tuple[AppTest, list[str]]:
    """The page file run on its own, signed out or as `principal`."""
    app = AppTest.from_file(str(VIEWS / page), default_timeout=TIMEOUT)
    if principal is not None:
        app.session_state[app_session.PRINCIPAL] = principal
    with statements_run() as statements:
        app.run()
    return app, statements


def run_page_as(app_database, username: str, page: str) -> tuple[AppTest, list]:
    """The page run alone by the signed-in account `username`."""
    with app_database.session() as session:
        principal = principal_for(session, accounts.find_account(session, username))
    return run_page(page, principal)
