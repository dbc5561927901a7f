"""The warehouse built without Dagster: every extract, then every model.

Tests use it to check the metrics against hand-computed values, and the
benchmark uses it as the bare baseline the pipeline is measured against.
"""

import datetime as dt
from dataclasses import dataclass

import duckdb

from operational.settings import Settings
from warehouse.extract import ExtractResult, extract_table, extracted_tables
from warehouse.models import build_model, discover_models, set_parameters
from warehouse.source import SOURCE_ALIAS, Source


@dataclass(frozen=True)
class RefreshResult:
    extracts: list[ExtractResult]
    models: dict[str, tuple[int, float]]  # name -> (rows, seconds)


def refresh(
    connection: duckdb.DuckDBPyConnection,
    database_url: str,
    settings: Settings,
    as_of: dt.date,
    *,
    full: bool = False,
    lookback: dt.timedelta = dt.timedelta(0),
) -> RefreshResult:
    """Load the raw layer from `database_url` and rebuild every model."""
    source = Source.from_url(database_url)
    source.attach(connection)
    set_parameters(connection, settings, as_of)
    connection.execute(
        "create or replace table _build_info as select ? as as_of_date", [as_of]
    )
    extracts = [
        extract_table(connection, source, table, full=full, lookback=lookback)
        for table in extracted_tables()
    ]
    connection.execute(f"detach {SOURCE_ALIAS}")
    models = {model.name: build_model(connection, model) for model in discover_models()}
    return RefreshResult(extracts, models)
