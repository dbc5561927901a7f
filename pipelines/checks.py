"""Data-quality checks: each expectation suite as a Dagster asset check.

A blocking check that fails keeps every asset downstream of its model from
running, the publish included, so the last good warehouse stays published.
A suite whose tables this run left unchanged is not evaluated again; one
decided key by key, whose model was rebuilt at some keys, is evaluated on
the rows of those keys.
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
from warehouse.incremental import SKIPPED, suite_scope
from warehouse.quality import copy_scope, drop_scope, validate

# A check's outcome, in its metadata; SKIPPED when it was not evaluated.
PASSED, PASSED_ON_KEYS, FAILED = "passed", "passed on the keys rebuilt", "failed"


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
        with warehouse.connect(context.run.run_id) as connection:
            scope = suite_scope(connection, suite)
        if scope.unchanged:
            # The build this one was copied from passed it on the same rows.
            return AssetCheckResult(passed=True, metadata={"outcome": SKIPPED})
        try:
            if scope.restricted:
                with warehouse.connect(context.run.run_id) as connection:
                    copy_scope(connection, scope.restricted)
            result = validate(
                Path(warehouse.build_path(context.run.run_id)),
                suite,
                keep_open=True,
                scoped=bool(scope.restricted),
            )
        finally:
            if scope.restricted:
                with warehouse.connect(context.run.run_id) as connection:
                    drop_scope(connection)
        outcome = PASSED_ON_KEYS if scope.restricted else PASSED
        return AssetCheckResult(
            passed=result.passed,
            severity=(
                AssetCheckSeverity.ERROR if suite.blocking else AssetCheckSeverity.WARN
            ),
            metadata={
                "outcome": outcome if result.passed else FAILED,
                "expectations": result.n_expectations,
                "failures": "\n".join(result.failures) or "none",
            },
        )

    return check


def suite_checks() -> list[AssetChecksDefinition]:
    return [suite_check(suite) for suite in SUITES]
