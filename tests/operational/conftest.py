"""The hand-made school, built once per module and backend.

Building the school takes some eighty audited writes, about a third of a
second on PostgreSQL; each test instead gets a session in a savepoint on top
of the built school, rolled back afterwards, so tests still see only their
own rows.

On SQLite the built school's open transaction holds the database's write
lock, so a test module uses either these fixtures or the plain `session`.
"""

from collections.abc import Iterator
from dataclasses import fields

import pytest
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.orm import Session

from tests.support.app_school import build_app_school
from tests.support.school import TestSchool, build_school

SchoolKeys = dict[str, tuple[type, tuple]]


@pytest.fixture(scope="module")
def built_school(engine: Engine) -> Iterator[tuple[Connection, SchoolKeys]]:
    connection = engine.connect()
    outer = connection.begin()
    builder = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        built = build_school(builder)
        builder.flush()
        parts = {part.name: getattr(built, part.name) for part in fields(built)}
        yield (
            connection,
            {
                name: (type(record), inspect(record).identity)
                for name, record in parts.items()
            },
        )
    finally:
        builder.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def school_session(built_school) -> Iterator[Session]:
    connection, _ = built_school
    session = Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    try:
        yield session
    finally:
        session.close()


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
    connection = engine.connect()
    outer = connection.begin()
    builder = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        ids = build_app_school(builder).ids()
        builder.flush()
        yield connection, ids
    finally:
        builder.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def app_school_session(app_school_built) -> Iterator[Session]:
    """A session in a savepoint on top of the built school, rolled back after."""
    connection, _ = app_school_built
    session = Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def app_ids(app_school_built) -> dict[str, int]:
    return app_school_built[1]
