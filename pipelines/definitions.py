"""Everything Dagster loads: `dagster dev -m pipelines.definitions`."""

from dagster import Definitions, in_process_executor

from pipelines.build import publish_asset, warehouse_build
from pipelines.checks import suite_checks
from pipelines.extract import raw_tables
from pipelines.models import model_assets
from pipelines.resources import WarehouseResource
from pipelines.schedules import nightly_refresh, warehouse_job
from warehouse.models import discover_models


def published_models() -> list[str]:
    """The models dashboards read: what the publish waits for."""
    return [m.name for m in discover_models() if m.layer == "marts"]


def build_definitions(warehouse: WarehouseResource | None = None) -> Definitions:
    return Definitions(
        assets=[
            warehouse_build,
            raw_tables,
            *model_assets(),
            publish_asset(published_models()),
        ],
        asset_checks=suite_checks(),
        jobs=[warehouse_job],
        schedules=[nightly_refresh],
        resources={"warehouse": warehouse or WarehouseResource.from_settings()},
        # DuckDB lets one process write a file, so a run's steps share one.
        executor=in_process_executor,
    )


defs = build_definitions()
