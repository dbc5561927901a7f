"""A database the staff app under test is pointed at."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from apps import session as app_session
from operational.db import make_engine, session_scope
from operational.settings import get_settings


@dataclass
class AppDatabase:
    url: str
    engine: Engine
    ids: dict[str, int]  # ids of the fixture's rows, by a readable name

    def session(self):
        return session_scope(self.engine)


def serve_database(
    url: str, ids: dict[str, int], secret_dir: Path, monkeypatch
) -> Iterator[AppDatabase]:
    """Point the app (settings, engine cache) at `url` for one test."""
    monkeypatch.setenv("QUAD_DATABASE_URL", url)
    monkeypatch.setenv("QUAD_APP_SECRET_FILE", str(secret_dir / "app_secret"))
    get_settings.cache_clear()
    app_session._engine_for.cache_clear()
    engine = make_engine(url)
    yield AppDatabase(url, engine, ids)
    engine.dispose()
    app_session._engine_for.cache_clear()
    get_settings.cache_clear()
