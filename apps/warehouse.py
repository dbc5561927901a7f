"""The dashboards' read-only window on the published warehouse.

Pages read the warehouse, never the operational database, for anything
aggregate (rule 2 of the design). Each query opens the published file
read-only, so it never blocks the pipeline, and results are cached until
the pipeline publishes a new file.
"""

import logging
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from operational.settings import get_settings

log = logging.getLogger(__name__)


def published_path() -> Path:
    return get_settings().warehouse_path


def is_published() -> bool:
    return published_path().exists()


def query(sql: str, parameters: tuple = ()) -> pl.DataFrame:
    """Run a SELECT on the published warehouse; cached per published file."""
    path = published_path()
    return _cached_query(str(path), path.stat().st_mtime_ns, sql, parameters)


@st.cache_data(max_entries=200, show_spinner=False)
def _cached_query(
    path: str, published_at: int, sql: str, parameters: tuple
) -> pl.DataFrame:
    # The modification time is part of the key, so a new publish is a miss.
    with duckdb.connect(path, read_only=True) as connection:
        return connection.execute(sql, list(parameters)).pl()
