"""How a run brings each model up to date: skipped, rebuilt in part, or whole.

A model whose upstream tables did not change in this run and whose
parameters (the `getvariable()` values its SQL reads) are those it was last
built with keeps its table from the copied build: "skipped: unchanged".

The student-day models hold one row per student and day, each depending
only on that student's rows for that day, and on the as-of date only as a
cut-off for the day. When their upstream changed only for some students
and days (`warehouse/changes.py`), or the as-of date moved, they delete the
rows of those students and days and insert them again from the model's own
SQL, filtered to the same keys, so a partial build cannot drift from a full
one. Any other change rebuilds the model whole.
"""

import hashlib
import json
import re
import time
from dataclasses import dataclass

import duckdb

from warehouse import changes
from warehouse.expectations import Suite
from warehouse.extract import table_exists
from warehouse.models import TABLE_NAME, Model, build_model

SKIPPED = "skipped: unchanged"
PARTIAL = "partial"
FULL = "full"

# Each student-day model and the column that names its day. Missing: the
# coursework items, rebuilt whole whenever the as-of date moves; a filter on
# their output does not reach inside their CTEs, so a partial build of them
# needs the keys inside their SQL.
STUDENT_DAY_MODELS = {
    "stg_daily_attendance": "attendance_date",
    "int_membership_day": "calendar_date",
    "fct_student_day": "calendar_date",
}

PARAMETER = re.compile(r"getvariable\('([a-z_]+)'\)")

MODEL_STATE_DDL = """
create table if not exists _model_state (
    model_name varchar primary key,
    sql_hash varchar,
    parameters varchar,
    mode varchar,
    built_at timestamp
)
"""


@dataclass(frozen=True)
class ModelBuild:
    mode: str  # FULL, PARTIAL or SKIPPED
    reason: str
    n_rows: int
    seconds: float


@dataclass(frozen=True)
class _Plan:
    mode: str
    reason: str
    keyed_upstream: list[str]
    previous_as_of: str | None = None  # set when the as-of date moved


def refresh_model(
    connection: duckdb.DuckDBPyConnection, model: Model, *, full: bool = False
) -> ModelBuild:
    """Bring one model up to date with this run's changes."""
    started = time.perf_counter()
    connection.execute(MODEL_STATE_DDL)
    parameters = _current_parameters(connection, model)
    plan = _plan(connection, model, parameters, full=full)

    if plan.mode == SKIPPED:
        changes.record(connection, model.name, changes.NONE)
    elif plan.mode == PARTIAL:
        _rebuild_part(connection, model, plan)
    else:
        build_model(connection, model)
        _record_full_change(connection, model, plan)

    if plan.mode != SKIPPED:
        connection.execute(
            "insert or replace into _model_state values (?, ?, ?, ?, now()::timestamp)",
            [model.name, _sql_hash(model), json.dumps(parameters), plan.mode],
        )
    n_rows = connection.execute(f"select count(*) from {model.name}").fetchone()[0]
    return ModelBuild(plan.mode, plan.reason, n_rows, time.perf_counter() - started)


def _plan(
    connection: duckdb.DuckDBPyConnection,
    model: Model,
    parameters: dict[str, str],
    *,
    full: bool,
) -> _Plan:
    if full:
        return _Plan(FULL, "full refresh", [])
    state = connection.execute(
        "select sql_hash, parameters from _model_state where model_name = ?",
        [model.name],
    ).fetchone()
    if state is None or not table_exists(connection, model.name):
        return _Plan(FULL, "not built before", [])
    if state[0] != _sql_hash(model):
        return _Plan(FULL, "its SQL changed", [])

    built_with = json.loads(state[1])
    moved = sorted(p for p in parameters if parameters[p] != built_with.get(p))
    upstream = {name: changes.change_of(connection, name) for name in model.upstream}
    keyed = [name for name, change in upstream.items() if change == changes.KEYS]
    if not moved and all(change == changes.NONE for change in upstream.values()):
        return _Plan(SKIPPED, "unchanged", [])

    only_keys_changed = changes.ALL not in upstream.values()
    if model.name in STUDENT_DAY_MODELS and only_keys_changed:
        if not moved:
            return _Plan(PARTIAL, "some students or days changed", keyed)
        if moved == ["as_of_date"] and "as_of_date" in built_with:
            reason = "the as-of date moved"
            return _Plan(PARTIAL, reason, keyed, built_with["as_of_date"])
    if _is_projection(model) and only_keys_changed:
        return _Plan(FULL, "some rows of its raw table changed", keyed)
    return _Plan(FULL, "upstream or parameters changed", [])


def _rebuild_part(
    connection: duckdb.DuckDBPyConnection, model: Model, plan: _Plan
) -> None:
    changes.copy_keys(connection, model.name, plan.keyed_upstream)
    if plan.previous_as_of is not None:
        as_of = _current_parameters(connection, model)["as_of_date"]
        earlier, later = sorted([plan.previous_as_of, as_of])
        changes.add_days(connection, model.name, earlier, later)
    changes.record(connection, model.name, changes.KEYS)

    day = STUDENT_DAY_MODELS[model.name]
    keys = f"(select * from _run_change_key where relation = '{model.name}')"
    # Three passes, so that each filter names one column of one table and
    # DuckDB pushes it down into the model's SQL: every day of some
    # students, every student on some days, then single student-days.
    passes = [
        f"student_id in (select student_id from {keys} where day is null)",
        f"{day} in (select day from {keys} where student_id is null)",
        f"student_id in (select student_id from {keys} where day is not null) "
        f"and {day} in (select day from {keys} where student_id is not null) "
        f"and exists (select 1 from {keys} k where k.student_id = "
        f"{model.name}.student_id and k.day = {model.name}.{day})",
    ]
    for condition in passes:
        connection.execute(f"delete from {model.name} where {condition}")
        connection.execute(
            f"insert into {model.name}\n"
            f"select * from (\n{model.sql}\n) as {model.name}\nwhere {condition}"
        )


def _record_full_change(
    connection: duckdb.DuckDBPyConnection, model: Model, plan: _Plan
) -> None:
    """A projection rebuilt for a keyed change of its raw table changed
    where the raw table did; any other rebuild changed everywhere."""
    if plan.keyed_upstream:
        changes.copy_keys(connection, model.name, plan.keyed_upstream)
        changes.record(connection, model.name, changes.KEYS)
    else:
        changes.record(connection, model.name, changes.ALL)


def _is_projection(model: Model) -> bool:
    """Staging models are one raw table's rows, renamed and typed: no
    joins, no aggregates, so each row follows its raw row."""
    return (
        model.layer == "staging"
        and len(model.upstream) == 1
        and model.upstream[0].startswith("raw_")
    )


def suite_unchanged(connection: duckdb.DuckDBPyConnection, suite: Suite) -> bool:
    """Whether every table a suite reads is as the build it was copied from
    had it, where the suite passed: its result cannot have changed."""
    queries = [rule.query for rule in suite.rules]
    relations = {suite.model} | {t for q in queries for t in TABLE_NAME.findall(q)}
    if any("_build_info" in query for query in queries):
        as_of_moved = connection.execute(
            "select as_of_date is distinct from previous_as_of_date from _build_info"
        ).fetchone()[0]
        if as_of_moved:
            return False
    changed = [changes.change_of(connection, name) for name in sorted(relations)]
    return all(change == changes.NONE for change in changed)


def _current_parameters(
    connection: duckdb.DuckDBPyConnection, model: Model
) -> dict[str, str]:
    names = sorted(set(PARAMETER.findall(model.sql)))
    if not names:
        return {}
    values = connection.execute(
        "select " + ", ".join(f"getvariable('{name}')::varchar" for name in names)
    ).fetchone()
    return dict(zip(names, values, strict=True))


def _sql_hash(model: Model) -> str:
    return hashlib.sha256(model.sql.encode()).hexdigest()
