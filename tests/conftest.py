"""Fixtures shared by every test: each test runs on SQLite and on PostgreSQL.

A test gets a session inside a transaction that is rolled back afterwards, so
tests share one migrated database per backend and never see each other's
rows. The services' own savepoints nest inside that transaction.
"""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.support.databases import migrated_database

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    directory = tmp_path_factory.mktemp(request.param)
    with migrated_database(request.param, directory) as migrated:
        yield migrated


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
