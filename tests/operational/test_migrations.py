"""The migrations build exactly the schema the models declare."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from operational.db import make_engine
from operational.migrate import alembic_config, upgrade
from operational.models import Base


def schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_migrated_schema_matches_the_models(engine):
    assert schema_differences(engine) == []


def test_every_model_table_exists_after_upgrade(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_twice_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    upgrade(url)
    upgrade(url)
    assert schema_differences(make_engine(url)) == []


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'round.db'}"
    engine = make_engine(url)
    config = alembic_config(engine)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    command.upgrade(config, "head")
    assert schema_differences(engine) == []
