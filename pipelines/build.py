"""The first and last steps of a run: prepare the build file, publish it."""

import os
import shutil
import time
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, asset

from pipelines.resources import WarehouseResource
from warehouse import changes, quality
from warehouse.files import release, release_all_except


@asset(group_name="build", kinds={"duckdb"})
def warehouse_build(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    """This run's warehouse file, beside the published one: a copy of the
    published warehouse, so incremental loads continue from it, or an empty
    file for a full refresh. Dashboards never read it."""
    started = time.perf_counter()
    published = warehouse.published_path()
    build = warehouse.build_path(context.run.run_id)
    published.parent.mkdir(parents=True, exist_ok=True)
    release_all_except(build)
    quality.release_all()
    removed = remove_stale_builds(published, keep=build)

    start_empty = warehouse.full_refresh or not published.exists()
    release(build)
    build.unlink(missing_ok=True)
    if not start_empty:
        shutil.copyfile(published, build)
    mode = "full" if start_empty else "incremental"
    with warehouse.connect(context.run.run_id) as connection:
        previous_as_of = changes.previous_as_of(connection)
        connection.execute(
            "create or replace table _build_info as select ?::date as as_of_date, "
            "?::date as previous_as_of_date, now()::timestamp as built_at, "
            "? as mode, ? as run_id",
            [warehouse.as_of_date(), previous_as_of, mode, context.run.run_id],
        )
        changes.start_run(connection)
    context.log.info(f"building {build.name} ({mode})")
    return MaterializeResult(
        metadata={
            "mode": mode,
            "path": str(build),
            "stale_builds_removed": removed,
            "seconds": round(time.perf_counter() - started, 3),
        }
    )


def remove_stale_builds(published: Path, keep: Path) -> int:
    """Builds left by killed or blocked runs; one run builds at a time."""
    stale = [
        path
        for path in published.parent.glob(f"{published.stem}.build-*.duckdb*")
        if path != keep
    ]
    for path in stale:
        # DuckDB spills to a directory beside the file.
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return len(stale)


def publish(build: Path, published: Path) -> None:
    """Replace the published warehouse with the build in one atomic step.

    A reader that has the old file open keeps reading it; the next one to
    open the path gets the new file, never a half-written one.
    """
    quality.release(build)
    release(build, checkpoint=True)
    os.replace(build, published)


def publish_asset(upstream: list[str]):
    @asset(
        name="published_warehouse",
        group_name="build",
        deps=upstream,
        kinds={"duckdb"},
        description=(
            "The warehouse dashboards and reports read: this run's build, "
            "moved into place in one atomic step once every model is built "
            "and every blocking check has passed."
        ),
    )
    def published_warehouse(
        context: AssetExecutionContext, warehouse: WarehouseResource
    ) -> MaterializeResult:
        started = time.perf_counter()
        build = warehouse.build_path(context.run.run_id)
        published = warehouse.published_path()
        publish(build, published)
        context.log.info(f"published {published}")
        return MaterializeResult(
            metadata={
                "path": str(published),
                "bytes": published.stat().st_size,
                "seconds": round(time.perf_counter() - started, 3),
            }
        )

    return published_warehouse
