"""Data-quality checks: each expectation suite as a Dagster asset check.

A blocking check that fails keeps every asset downstream of its model from
running, the publish included, so the last good warehouse stays published.
"""

from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    asset_check,
)

from pipelines.resources import WarehouseResource
from warehouse.expectations import SUITES, Suite
from warehouse.quality import validate


def suite_check(suite: Suite) -> AssetChecksDefinition:
    @asset_check(
        asset=AssetKey(suite.model),
        name="expectations",
        blocking=suite.blocking,
        description=(
            f"{len(suite.expectations) + len(suite.rules)} expectations on "
            f"{suite.model}, evaluated in DuckDB by Great Expectations."
        ),
    )
    def check(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> AssetCheckResult:
        result = validate(
            Path(warehouse.build_path(context.run.run_id)), suite, keep_open=True
        )
        return AssetCheckResult(
            passed=result.passed,
            severity=(
                AssetCheckSeverity.ERROR if suite.blocking else AssetCheckSeverity.WARN
            ),
            metadata={
                "expectations": result.n_expectations,
                "failures": "\n".join(result.failures) or "none",
            },
        )

    return check


def suite_checks() -> list[AssetChecksDefinition]:
    return [suite_check(suite) for suite in SUITES]
