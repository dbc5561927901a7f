"""Throwaway databases for tests: a SQLite file, or a PostgreSQL database of
their own on the server named by `QUAD_TEST_POSTGRES_URL`, so runs never see
each other's rows."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from operational import migrate
from operational.db import make_engine

POSTGRES_URL_VARIABLE = "QUAD_TEST_POSTGRES_URL"


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_URL_VARIABLE}, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    return url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create an empty database beside the configured one, drop it after."""
    server_url = make_url(postgres_server_url())
    name = f"quad_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_database(backend: str, directory: Path) -> Iterator[Engine]:
    """An engine on a new database of `backend`, at the newest migration."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'quad.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
