"""Model assets: one per SQL file in warehouse/models, lineage from the SQL."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    asset,
)

from pipelines.resources import WarehouseResource
from warehouse.incremental import refresh_model
from warehouse.models import Model, discover_models


def model_asset(model: Model) -> AssetsDefinition:
    @asset(
        name=model.name,
        group_name=model.layer,
        deps=[AssetKey(upstream) for upstream in model.upstream],
        kinds={"duckdb", "sql"},
        description=model.description,
    )
    def build(
        context: AssetExecutionContext, warehouse: WarehouseResource
    ) -> MaterializeResult:
        with warehouse.connect(context.run.run_id) as connection:
            built = refresh_model(connection, model, full=warehouse.full_refresh)
        return MaterializeResult(
            metadata={
                "rows": built.n_rows,
                "seconds": round(built.seconds, 3),
                "mode": built.mode,
                "reason": built.reason,
            }
        )

    return build


def model_assets() -> list[AssetsDefinition]:
    return [model_asset(model) for model in discover_models()]
