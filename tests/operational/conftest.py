"""The hand-made school, built once per module and backend.

Building the school takes some eighty audited writes, about a third of a
second on PostgreSQL; each test instead gets a session in a savepoint on top
of the built school, rolled back afterwards, so tests still see only their
own rows.

On SQLite the built school's open transaction holds the database's write
lock, so a test module uses either these fixtures or the plain `session`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields

import pytest
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.orm import Session

from tests.support.app_school import build_app_school
from tests.support.school import TestSchool, build_school

SchoolKeys = dict[str, tuple[type, tuple]]


@contextmanager
def built_once(
    engine: Engine, build: Callable[[Session], object]
) -> Iterator[tuple[Connection, object]]:
    """Build with `build` in a transaction left open for a module's tests,
    rolled back after the last of them."""
    connection = engine.connect()
    outer = connection.begin()
    builder = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        built = build(builder)
        builder.flush()
        yield connection, built
    finally:
        builder.close()
        outer.rollback()
        connection.close()


@contextmanager
def session_on(connection: Connection) -> Iterator[Session]:
    """A test's session in a savepoint on top of what was built."""
    session = Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(scope="module")
def built_school(engine: Engine) -> Iterator[tuple[Connection, SchoolKeys]]:
    with built_once(engine, build_school) as (connection, built):
        parts = {part.name: getattr(built, part.name) for part in fields(built)}
        yield (
            connection,
            {
                name: (type(record), inspect(record).identity)
                for name, record in parts.items()
            },
        )


@pytest.fixture
def school_session(built_school) -> Iterator[Session]:
    with session_on(built_school[0]) as session:
        yield session


@pytest.fixture
def school(built_school, school_session: Session) -> TestSchool:
    """The school's records, loaded into the test's own session."""
    _, keys = built_school
    return TestSchool(
        **{
            name: school_session.get(model, identity)
            for name, (model, identity) in keys.items()
        }
    )


@pytest.fixture(scope="module")
def app_school_built(engine: Engine) -> Iterator[tuple[Connection, dict[str, int]]]:
    """The school with staff app accounts, built once a module: hashing its
    seven passwords with argon2 is deliberately slow."""
    with built_once(engine, build_app_school) as (connection, built):
        yield connection, built.ids()


@pytest.fixture
def app_school_session(app_school_built) -> Iterator[Session]:
    with session_on(app_school_built[0]) as session:
        yield session


@pytest.fixture
def app_ids(app_school_built) -> dict[str, int]:
    return app_school_built[1]
