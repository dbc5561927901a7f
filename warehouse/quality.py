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
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from warehouse.expectations import Suite
from warehouse.source import quote_literal

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


@dataclass
class _Session:
    """A data source on one warehouse file, over one open connection."""

    name: str
    source: Any
    engine: Any
    connection: Any


_sessions: dict[Path, _Session] = {}


def _session(path: Path) -> _Session:
    path = Path(path).resolve()
    if path in _sessions:
        return _sessions[path]
    name = f"warehouse_{uuid.uuid4().hex[:8]}"
    source = _context().data_sources.add_sql(
        name=name, connection_string=f"duckdb:///{path}"
    )
    engine = source.get_execution_engine()
    connection = engine.engine.connect()

    @contextmanager
    def persisted_connection():
        yield connection

    engine.get_connection = persisted_connection
    _sessions[path] = _Session(name, source, engine, connection)
    return _sessions[path]


def release(path: Path) -> None:
    """Close the connection to `path`; the file can then be moved or opened
    with another configuration."""
    session = _sessions.pop(Path(path).resolve(), None)
    if session is None:
        return
    session.connection.close()
    session.engine.engine.dispose()
    _context().data_sources.delete(session.name)
    # Its objects keep DuckDB's database alive until they are collected.
    gc.collect()


def release_all() -> None:
    for path in list(_sessions):
        release(path)


# Where a suite evaluated in part finds its tables' rows of the keys a run
# rebuilt (warehouse/incremental.py): the same names, first on the path. It
# is a database in memory beside the build: the copies are dropped after the
# suite, and written to the build file they would only add to its
# checkpoints. Its name is one no build file takes (DuckDB names a file's
# database by its name up to the first dot) and unlike the `scope` schema
# of earlier releases.
SCOPE = "quad_suite_scope"


def copy_scope(connection, restricted: dict[str, str]) -> None:
    """Copy each table's rows that its query gives into a new scope."""
    # A scope left by a copy that failed would hide the tables of this one.
    drop_scope(connection)
    connection.execute(f"attach ':memory:' as {SCOPE}")
    for name, query in restricted.items():
        connection.execute(f"create table {SCOPE}.main.{name} as {query}")


def drop_scope(connection) -> None:
    connection.execute(f"detach database if exists {SCOPE}")


def validate(
    path: Path, suite: Suite, *, keep_open: bool = False, scoped: bool = False
) -> SuiteResult:
    """Evaluate one suite against the warehouse file at `path`.

    With `keep_open`, the connection stays for the next suite on the same
    file (the pipeline's checks); `release` closes it. With `scoped`, the
    tables of the scope stand in for those of the same name.
    """
    return validate_all(path, [suite], keep_open=keep_open, scoped=scoped)[0]


def validate_all(
    path: Path, suites: list[Suite], *, keep_open: bool = False, scoped: bool = False
) -> list[SuiteResult]:
    """Evaluate several suites over one connection to the file at `path`."""
    session = _session(path)
    # End the connection's snapshot: tables built since must be seen.
    session.connection.commit()
    schema = f"{SCOPE}.main" if scoped else None
    if scoped:
        # The file's own schema by its catalog's name: a bare `main` would
        # be looked for in the scope too.
        found = session.connection.exec_driver_sql("select current_database()")
        catalog = '"' + found.scalar().replace('"', '""') + '"'
        search_path = quote_literal(f"{SCOPE}.main,{catalog}.main")
        session.connection.exec_driver_sql(f"set search_path = {search_path}")
    try:
        results = [_validate(session.source, suite, schema) for suite in suites]
    finally:
        if scoped:
            session.connection.exec_driver_sql("reset search_path")
            # Its snapshot must not hold the scope tables the caller drops.
            session.connection.commit()
    if not keep_open:
        release(path)
    return results


def _validate(source, suite: Suite, schema: str | None = None) -> SuiteResult:
    gx = _import_great_expectations()
    failures: list[str] = []

    if suite.expectations:
        name = f"{suite.model}_{uuid.uuid4().hex[:8]}"
        if schema:
            # A table asset's own schema setting is deprecated.
            query = f"select * from {schema}.{suite.model}"
            table = source.add_query_asset(name=name, query=query)
        else:
            table = source.add_table_asset(name=name, table_name=suite.model)
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

    failures += _broken_rules(source, suite)

    n_expectations = len(suite.expectations) + len(suite.rules)
    return SuiteResult(suite.model, not failures, n_expectations, tuple(failures))


def _broken_rules(source, suite: Suite) -> list[str]:
    """One line for each rule some rows break. The rules are evaluated
    together first, as one query, and one by one only to name those broken."""
    if len(suite.rules) > 1:
        # On lines of their own: a rule may end in a comment.
        together = "\nunion all\n".join(
            f"select 1 from (\n{rule.query}\n) as rule_{number}"
            for number, rule in enumerate(suite.rules)
        )
        if _rows_breaking(source, together) == 0:
            return []
    found = [(rule.name, _rows_breaking(source, rule.query)) for rule in suite.rules]
    return [f"{name}: {n} rows break it" for name, n in found if n]


def _rows_breaking(source, query: str) -> int:
    gx = _import_great_expectations()
    asset = source.add_query_asset(name=f"rule_{uuid.uuid4().hex[:8]}", query=query)
    batch = asset.add_batch_definition_whole_table("whole").get_batch()
    outcome = batch.validate(gx.expectations.ExpectTableRowCountToEqual(value=0))
    return 0 if outcome.success else outcome.result["observed_value"]


def describe(config) -> str:
    options = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
    details = ", ".join(f"{k}={v}" for k, v in options.items())
    return f"{config.type}({details})"
