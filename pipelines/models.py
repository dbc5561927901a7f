"""Model assets: one per SQL file in warehouse/models, lineage from the SQL."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    asset,
)

from pipelines.resources import WarehouseResource
from warehouse.models import Model, build_model, discover_models


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
            n_rows, seconds = build_model(connection, model)
        return MaterializeResult(
            metadata={"rows": n_rows, "seconds": round(seconds, 3)}
        )

    return build


def model_assets() -> list[AssetsDefinition]:
    return [model_asset(model) for model in discover_models()]
