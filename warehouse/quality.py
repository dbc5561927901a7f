"""Run an expectation suite with Great Expectations, inside DuckDB.

Great Expectations reaches DuckDB through the `duckdb-engine` SQLAlchemy
dialect. Its SQL engine opens and closes a connection per query, and DuckDB
discards a result when its connection closes before the fetch, so every
expectation would fail; the engine already keeps one connection open for
SQLite for a similar reason, and here we do the same for DuckDB: one
connection for the whole validation, closed after it (an open connection
would block the next writer of the file).
"""

import gc
import logging
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warehouse.expectations import Suite

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SuiteResult:
    model: str
    passed: bool
    n_expectations: int
    failures: tuple[str, ...]  # one line for each failed expectation or rule


def _import_great_expectations():
    # Its info lines (set-up, per-query details) are for its own developers,
    # not our operators; its imports use modules Python deprecates.
    quiet = logging.getLogger("great_expectations")
    quiet.setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import great_expectations
    # One of its modules sets its own logger to INFO on import.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(
        logging.ERROR
    )

    return great_expectations


@cache
def _context():
    gx = _import_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@contextmanager
def _datasource(path: Path) -> Iterator:
    context = _context()
    name = f"warehouse_{uuid.uuid4().hex[:8]}"
    source = context.data_sources.add_sql(
        name=name, connection_string=f"duckdb:///{path}"
    )
    engine = source.get_execution_engine()
    connection = engine.engine.connect()

    @contextmanager
    def persisted_connection():
        yield connection

    engine.get_connection = persisted_connection
    try:
        yield source
    finally:
        connection.close()
        engine.engine.dispose()
        context.data_sources.delete(name)


def validate(path: Path, suite: Suite) -> SuiteResult:
    """Evaluate one suite against the warehouse file at `path`."""
    return validate_all(path, [suite])[0]


def validate_all(path: Path, suites: list[Suite]) -> list[SuiteResult]:
    """Evaluate several suites over one connection to the file at `path`."""
    results = _validate_all(path, suites)
    # Great Expectations' objects keep DuckDB's database instance alive until
    # they are collected, and DuckDB refuses a second instance of one file.
    gc.collect()
    return results


def _validate_all(path: Path, suites: list[Suite]) -> list[SuiteResult]:
    with _datasource(path) as source:
        return [_validate(source, suite) for suite in suites]


def _validate(source, suite: Suite) -> SuiteResult:
    gx = _import_great_expectations()
    failures: list[str] = []

    if suite.expectations:
        table = source.add_table_asset(name=suite.model, table_name=suite.model)
        batch = table.add_batch_definition_whole_table("whole").get_batch()
        expectations = gx.ExpectationSuite(name=f"{suite.model}_suite")
        for expectation in suite.expectations:
            kind = getattr(gx.expectations, expectation.kind)
            expectations.add_expectation(kind(**expectation.options))
        outcome = batch.validate(expectations, result_format="BOOLEAN_ONLY")
        failures += [
            describe(result.expectation_config)
            for result in outcome.results
            if not result.success
        ]

    for rule in suite.rules:
        query = source.add_query_asset(
            name=f"rule_{uuid.uuid4().hex[:8]}", query=rule.query
        )
        batch = query.add_batch_definition_whole_table("whole").get_batch()
        outcome = batch.validate(gx.expectations.ExpectTableRowCountToEqual(value=0))
        if not outcome.success:
            failures.append(
                f"{rule.name}: {outcome.result['observed_value']} rows break it"
            )

    n_expectations = len(suite.expectations) + len(suite.rules)
    return SuiteResult(suite.model, not failures, n_expectations, tuple(failures))


def describe(config) -> str:
    options = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
    details = ", ".join(f"{k}={v}" for k, v in options.items())
    return f"{config.type}({details})"
