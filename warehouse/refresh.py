"""The warehouse built without Dagster: every extract, then every model.

Tests use it to check the metrics against hand-computed values, and the
benchmark uses it as the bare baseline the pipeline is measured against.
"""

import datetime as dt
from dataclasses import dataclass

import duckdb

from operational.settings import Settings
from warehouse import changes
from warehouse.extract import ExtractResult, extract_tables, extracted_tables
from warehouse.incremental import ModelBuild, refresh_model
from warehouse.models import discover_models, set_parameters
from warehouse.source import SOURCE_ALIAS, Source


@dataclass(frozen=True)
class RefreshResult:
    extracts: list[ExtractResult]
    models: dict[str, ModelBuild]


def refresh(
    connection: duckdb.DuckDBPyConnection,
    database_url: str,
    settings: Settings,
    as_of: dt.date,
    *,
    full: bool = False,
    lookback: dt.timedelta = dt.timedelta(0),
) -> RefreshResult:
    """Load the raw layer from `database_url` and bring every model up to
    date: rebuilt whole when `full`, else only what changed."""
    source = Source.from_url(database_url)
    source.attach(connection)
    set_parameters(connection, settings, as_of)
    previous_as_of = changes.previous_as_of(connection)
    connection.execute(
        "create or replace table _build_info as "
        "select ?::date as as_of_date, ?::date as previous_as_of_date",
        [as_of, None if full else previous_as_of],
    )
    changes.start_run(connection)
    extracts = list(
        extract_tables(
            connection, source, extracted_tables(), full=full, lookback=lookback
        )
    )
    connection.execute(f"detach {SOURCE_ALIAS}")
    models = {
        model.name: refresh_model(connection, model, full=full)
        for model in discover_models()
    }
    return RefreshResult(extracts, models)
