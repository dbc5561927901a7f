"""Fixtures of the staff app tests: a database of their own, pages to drive.

The app commits its own transactions, so it cannot share the rolled-back
session of the service tests. The school of `tests.support.app_school` is
built once into a SQLite file; every test works on a fresh copy of it.
"""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from tests.support.app_database import AppDatabase, serve_database
from tests.support.app_driver import new_app, sign_in
from tests.support.app_school import build_app_school
from tests.support.databases import migrated_database


@pytest.fixture(scope="session")
def app_template(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    directory = tmp_path_factory.mktemp("app_template")
    with migrated_database("sqlite", directory) as engine, Session(engine) as session:
        school = build_app_school(session)
        session.commit()
        ids = school.ids()
    return directory / "quad.db", ids


@pytest.fixture
def app_database(app_template, tmp_path, monkeypatch) -> Iterator[AppDatabase]:
    template, ids = app_template
    database = tmp_path / "quad.db"
    shutil.copyfile(template, database)
    yield from serve_database(f"sqlite:///{database}", ids, tmp_path, monkeypatch)


@pytest.fixture
def signed_in(app_database) -> Callable[..., AppTest]:
    """An app with `username` signed in, on `page` (a file under apps/views)."""

    def open_as(
        username: str, page: str | None = None, query: dict | None = None
    ) -> AppTest:
        app = sign_in(new_app(), username)
        assert not app.exception, app.exception
        assert app.title[0].value.startswith("Welcome"), [e.value for e in app.error]
        if query:
            app.query_params.update(query)
        if page is not None:
            app.switch_page(f"views/{page}").run()
        assert not app.exception, app.exception
        return app

    return open_as
