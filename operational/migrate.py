"""Alembic, driven from Quad's own settings instead of an alembic.ini."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from operational.db import make_engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "operational:migrations")
    config.attributes["engine"] = engine
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Create or upgrade the schema of the database at `url`."""
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), revision)
    finally:
        engine.dispose()
