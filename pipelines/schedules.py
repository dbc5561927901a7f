"""When the pipeline runs by itself."""

from dagster import AssetSelection, ScheduleDefinition, define_asset_job

warehouse_job = define_asset_job(
    "warehouse_refresh",
    selection=AssetSelection.all(),
    description="Extract, model, check and publish the warehouse.",
)

nightly_refresh = ScheduleDefinition(
    name="nightly_warehouse_refresh",
    job=warehouse_job,
    cron_schedule="30 2 * * *",
    description="Refresh the warehouse every night at 02:30, after the day's entries.",
)
