"""Extract assets: one per operational table, into the raw layer.

All of them run in one step: attaching the operational database means
loading DuckDB's scanner extension, which costs more than copying most
tables, so the step attaches once and then copies each selected table.
"""

import datetime as dt

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    multi_asset,
)

from pipelines.build import warehouse_build
from pipelines.resources import WarehouseResource
from warehouse.extract import extract_tables, extracted_tables


def raw_spec(table_name: str) -> AssetSpec:
    return AssetSpec(
        key=f"raw_{table_name}",
        group_name="raw",
        deps=[warehouse_build],
        kinds={"duckdb"},
        skippable=True,
        description=(
            f"A copy of the operational table `{table_name}`, one row per row "
            "there, loaded incrementally by `updated_at` with recorded "
            "deletions removed."
        ),
    )


@multi_asset(
    name="extract_operational_tables",
    specs=[raw_spec(table.name) for table in extracted_tables()],
    can_subset=True,
)
def raw_tables(context: AssetExecutionContext, warehouse: WarehouseResource):
    selected = [
        table
        for table in extracted_tables()
        if AssetKey(f"raw_{table.name}") in context.selected_asset_keys
    ]
    lookback = dt.timedelta(seconds=warehouse.lookback_seconds)
    with warehouse.connect(context.run.run_id, attach_source=True) as connection:
        results = extract_tables(
            connection,
            warehouse.source(),
            selected,
            full=warehouse.full_refresh,
            lookback=lookback,
        )
        for result in results:
            yield MaterializeResult(
                asset_key=AssetKey(f"raw_{result.table_name}"),
                metadata={
                    "rows": result.n_rows,
                    "rows_read": result.n_changed,
                    "rows_deleted": result.n_deleted,
                    "mode": result.mode,
                    "seconds": round(result.seconds, 3),
                },
            )
