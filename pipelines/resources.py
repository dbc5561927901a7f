"""The pipeline's one resource: where it reads and where it builds."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import ConfigurableResource

from operational.settings import Settings, get_settings
from warehouse.files import shared_connection
from warehouse.models import set_parameters
from warehouse.source import Source


class WarehouseResource(ConfigurableResource):
    """The operational database to read and the warehouse file to publish.

    A run builds a new file beside the published one and replaces it only
    when every blocking check has passed.
    """

    database_url: str
    warehouse_path: str
    as_of: str = ""  # an ISO date; empty means today
    full_refresh: bool = False
    lookback_seconds: int = 60
    memory_limit: str = "2GB"  # DuckDB's, as in QUAD_WAREHOUSE_MEMORY_LIMIT

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides):
        settings = settings or get_settings()
        values = {
            "database_url": settings.database_url,
            "warehouse_path": str(settings.warehouse_path),
            "lookback_seconds": settings.pipeline_lookback_seconds,
            "memory_limit": settings.warehouse_memory_limit,
        }
        return cls(**(values | overrides))

    def as_of_date(self) -> dt.date:
        return dt.date.fromisoformat(self.as_of) if self.as_of else dt.date.today()

    def published_path(self) -> Path:
        return Path(self.warehouse_path).resolve()

    def build_path(self, run_id: str) -> Path:
        published = self.published_path()
        return published.with_name(f"{published.stem}.build-{run_id[:12]}.duckdb")

    def source(self) -> Source:
        return Source.from_url(self.database_url)

    @contextmanager
    def connect(self, run_id: str, *, attach_source: bool = False) -> Iterator:
        """A cursor on this run's build, parameters set, the operational
        database attached when asked."""
        cursor = shared_connection(
            self.build_path(run_id), memory_limit=self.memory_limit
        )
        try:
            # Smaller peaks on large copies; row order carries no meaning here.
            cursor.execute("set preserve_insertion_order = false")
            set_parameters(cursor, get_settings(), self.as_of_date())
            if attach_source and not self.source().is_attached(cursor):
                self.source().attach(cursor)
            yield cursor
        finally:
            cursor.close()
