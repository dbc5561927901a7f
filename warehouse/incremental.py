"""How a run brings each model up to date: skipped, rebuilt in part, or whole.

A model whose upstream tables did not change in this run and whose
parameters (the `getvariable()` values its SQL reads) are those it was last
built with keeps its table from the copied build: "skipped: unchanged".

A keyed model's rows each depend only on the rows of one key
(`warehouse/changes.py`): the student-day models on one student's day, the
coursework items on one assignment, the coursework marts on one section's
work, the monthly enrollment counts on one month. When their upstream
changed only at some keys of their kind, or the as-of date moved, they
delete the rows of those keys and insert them again from the model's own
SQL, filtered to the same keys, so a partial build cannot drift from a full
one. Any other change rebuilds the model whole.
"""

import hashlib
import json
import re
import time
from dataclasses import dataclass, replace

import duckdb

from warehouse import changes
from warehouse.expectations import Suite
from warehouse.extract import table_exists
from warehouse.models import TABLE_NAME, Model, build_model

SKIPPED = "skipped: unchanged"
PARTIAL = "partial"
FULL = "full"


@dataclass(frozen=True)
class Keyed:
    """How a keyed model's rows follow its keys."""

    kind: str  # changes.STUDENT_DAY, ASSIGNMENT, SECTION or MONTH
    day_column: str | None = None  # a student-day model's day, a monthly one's month
    # Upstream tables filtered to the keys inside the model's SQL, where a
    # filter on the model's output would not reach into its CTEs. Every
    # whole-word mention is replaced (harmless in a comment: the filter is
    # one line), so the SQL must not name them in a string or `table.column`.
    narrowed_inputs: tuple[str, ...] = ()
    # A monthly model's narrowed inputs are filtered on this day column.
    narrowed_day_column: str | None = None
    # Whether its rows name their section, so that a suite on a section
    # model can be restricted to that model's sections in this table.
    names_section: bool = False
    # A coursework model's keys a moved as-of date reaches: a query of
    # (student_id, day, section_id, assignment_id) with the earlier and the
    # later date.
    as_of_keys: str | None = None


# Coursework comes due the day after its due date and counts as handed in
# from its submitted date: those are what a later as-of date changes.
_COURSEWORK_AS_OF_KEYS = """
select null, null, section_id, assignment_id from stg_assignment
where due_date >= $earlier::date and due_date < $later::date
union
select null, null, assignments.section_id, assignments.assignment_id
from stg_submission as submissions
inner join stg_assignment as assignments using (assignment_id)
where submissions.submitted_date > $earlier::date
    and submissions.submitted_date <= $later::date
"""

KEYED_MODELS: dict[str, Keyed] = {
    "stg_daily_attendance": Keyed(changes.STUDENT_DAY, "attendance_date"),
    "int_membership_day": Keyed(changes.STUDENT_DAY, "calendar_date"),
    "fct_student_day": Keyed(changes.STUDENT_DAY, "calendar_date"),
    # Monthly counts: a student's day changes the count of its month.
    "int_days_in_session": Keyed(
        changes.MONTH,
        "month",
        narrowed_inputs=("stg_calendar_day",),
        narrowed_day_column="calendar_date",
    ),
    "mart_school_attendance_monthly": Keyed(
        changes.MONTH,
        "month",
        narrowed_inputs=("fct_student_day",),
        narrowed_day_column="calendar_date",
    ),
    "mart_enrollment_trends": Keyed(
        changes.MONTH,
        "month",
        narrowed_inputs=("int_membership_day",),
        narrowed_day_column="calendar_date",
    ),
    # Projections of their raw tables, rebuilt at the assignments of the
    # raw rows that changed.
    "stg_assignment": Keyed(changes.ASSIGNMENT, names_section=True),
    "stg_submission": Keyed(changes.ASSIGNMENT),
    "int_coursework_item": Keyed(
        changes.ASSIGNMENT,
        # Each item reads its own assignment's row and submissions.
        narrowed_inputs=("stg_assignment", "stg_submission"),
        as_of_keys=_COURSEWORK_AS_OF_KEYS,
        names_section=True,
    ),
    "mart_coursework_completion": Keyed(
        changes.SECTION, narrowed_inputs=("int_coursework_item",)
    ),
    "mart_coursework_completion_student": Keyed(
        changes.SECTION, narrowed_inputs=("int_coursework_item",)
    ),
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
    key_kind: str | None = None
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
    upstream = changes.changes_of(connection, list(model.upstream))
    if not moved and all(change == changes.NONE for change, _ in upstream.values()):
        return _Plan(SKIPPED, "unchanged", [])

    keyed = [name for name, (change, _) in upstream.items() if change == changes.KEYS]
    kinds = {upstream[name][1] for name in keyed}
    only_keys_changed = all(change != changes.ALL for change, _ in upstream.values())
    spec = KEYED_MODELS.get(model.name)
    if spec and only_keys_changed and _keys_fit(connection, spec, kinds, keyed):
        if not moved:
            reason = "some keys changed"
            return _Plan(PARTIAL, reason, keyed, spec.kind)
        by_day = spec.kind in (changes.STUDENT_DAY, changes.MONTH)
        as_of_reaches_keys = by_day or spec.as_of_keys
        as_of_moved = moved == ["as_of_date"] and "as_of_date" in built_with
        if as_of_moved and as_of_reaches_keys:
            reason = "the as-of date moved"
            return _Plan(PARTIAL, reason, keyed, spec.kind, built_with["as_of_date"])
    if _is_projection(model) and only_keys_changed and len(kinds) == 1:
        return _Plan(FULL, "some rows of its raw table changed", keyed, kinds.pop())
    return _Plan(FULL, "upstream or parameters changed", [])


def _rebuild_part(
    connection: duckdb.DuckDBPyConnection, model: Model, plan: _Plan
) -> None:
    spec = KEYED_MODELS[model.name]
    changes.copy_keys(connection, model.name, plan.keyed_upstream)
    if plan.previous_as_of is not None:
        as_of = _current_parameters(connection, model)["as_of_date"]
        earlier, later = sorted([plan.previous_as_of, as_of])
        if spec.as_of_keys:
            dates = {"earlier": earlier, "later": later}
            changes.add_keys(connection, model.name, spec.as_of_keys, dates)
        else:
            changes.add_days(connection, model.name, earlier, later)
    if spec.kind == changes.MONTH:
        changes.days_to_months(connection, model.name)
    changes.record(connection, model.name, changes.KEYS, key_kind=spec.kind)

    passes = _passes(connection, spec, model.name)
    sql = model.sql
    if spec.narrowed_inputs:
        narrowing = _narrowing(connection, spec, model.name, passes)
        # All inputs in one substitution: a narrowed input's text is not
        # searched again.
        inputs = re.compile(rf"\b({'|'.join(spec.narrowed_inputs)})\b")
        sql = inputs.sub(lambda m: f"(select * from {m[1]} where {narrowing})", sql)
    for condition in passes.values():
        connection.execute(f"delete from {model.name} where {condition}")
        connection.execute(
            f"insert into {model.name}\n"
            f"select * from (\n{sql}\n) as {model.name}\nwhere {condition}"
        )


def _keys_fit(
    connection: duckdb.DuckDBPyConnection,
    spec: Keyed,
    kinds: set[str],
    keyed_upstream: list[str],
) -> bool:
    """Whether the keys its upstream changed at are keys of the model's own:
    of its kind, assignments for a section model (each names its section),
    or for a monthly model months and student-days, each of one day."""
    if spec.kind != changes.MONTH:
        return kinds <= _fitting_kinds(spec.kind)
    if not kinds <= {changes.STUDENT_DAY, changes.MONTH}:
        return False
    # A key of every day of a student reaches every month.
    return not connection.execute(
        "select count(*) > 0 from _run_change_key "
        "where list_contains(?, relation) and day is null",
        [keyed_upstream],
    ).fetchone()[0]


def _fitting_kinds(kind: str) -> set[str]:
    """The kinds of key whose rows a filter of this kind selects whole."""
    if kind == changes.SECTION:
        return {changes.SECTION, changes.ASSIGNMENT}
    return {kind}


def _keys_of(relation: str) -> str:
    return f"(select * from _run_change_key where relation = '{relation}')"


# The shapes of a key, each rebuilt in a pass of its own: a whole student,
# a whole day, one student's day; one shape for the other kinds.
WHOLE_STUDENT, WHOLE_DAY, ONE_STUDENT_DAY, ANY = "student", "day", "student_day", "any"


def _shapes_present(connection: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    """The shapes of key recorded for `relation`; ANY when there is one."""
    found = connection.execute(
        "select bool_or(day is null), bool_or(student_id is null), "
        "bool_or(student_id is not null and day is not null), count(*) > 0 "
        f"from {_keys_of(relation)}"
    ).fetchone()
    shapes = (WHOLE_STUDENT, WHOLE_DAY, ONE_STUDENT_DAY, ANY)
    return {shape for shape, present in zip(shapes, found, strict=True) if present}


def _passes(
    connection: duckdb.DuckDBPyConnection, spec: Keyed, keys_of: str
) -> dict[str, str]:
    """By shape, the conditions on the rows of a relation keyed as `spec`
    says, at the keys this run recorded for `keys_of`: one for each shape
    of key present, since a pass for a shape with no key would still run
    the model's SQL."""
    shapes = _shapes_present(connection, keys_of)
    keys = _keys_of(keys_of)
    if ANY not in shapes:
        return {}
    if spec.kind == changes.ASSIGNMENT:
        return {ANY: f"assignment_id in (select assignment_id from {keys})"}
    if spec.kind == changes.SECTION:
        return {ANY: f"section_id in (select section_id from {keys})"}
    if spec.kind == changes.MONTH:
        return {ANY: f"{spec.day_column} in {_days(connection, keys)}"}
    # Each pass is led by filters on one column that DuckDB pushes down to
    # the tables the model reads.
    day = spec.day_column
    single = f"{keys} where student_id is not null and day is not null"
    passes = {}
    if WHOLE_STUDENT in shapes:
        passes[WHOLE_STUDENT] = (
            f"student_id in (select student_id from {keys} where day is null)"
        )
    if WHOLE_DAY in shapes:
        whole_days = _days(connection, keys, "student_id is null")
        passes[WHOLE_DAY] = f"{day} in {whole_days}"
    if ONE_STUDENT_DAY in shapes:
        passes[ONE_STUDENT_DAY] = (
            f"student_id in (select student_id from {single}) "
            f"and {day} in (select day from {single}) "
            f"and (student_id, {day}) in (select student_id, day from {single})"
        )
    return passes


# Up to this many days are listed in a condition rather than asked of the
# key table: DuckDB pushes a list down to the tables a model reads, and a
# whole day's rebuild reads about 0.01 s instead of 0.16 s on the large
# district.
LISTED_DAYS = 400


def _days(
    connection: duckdb.DuckDBPyConnection, keys: str, condition: str = "true"
) -> str:
    """The distinct days of the keys that meet a condition, for `in`: a
    list of them, or past the limit the subquery that gives them."""
    # DuckDB's own text of a date reads back as the same date, whatever it
    # is (Python's dates stop at the year 9999 and know no infinity).
    days = connection.execute(
        f"select distinct day::varchar from {keys} "
        f"where {condition} and day is not null limit {LISTED_DAYS + 1}"
    ).fetchall()
    if not days or len(days) > LISTED_DAYS:
        return f"(select day from {keys} where {condition})"
    return "(" + ", ".join(f"date '{day}'" for (day,) in sorted(days)) + ")"


def key_rows(
    connection: duckdb.DuckDBPyConnection, spec: Keyed, keys_of: str, table: str
) -> str:
    """A query of the table's rows at the keys recorded for `keys_of`.

    One query per shape of key, each row once: a condition of several
    shapes joined by `or` is not pushed down to the table, and on the large
    district costs a hundred times as much as the shapes one by one.
    """
    conditions = list(_passes(connection, spec, keys_of).values())
    if not conditions:
        return f"select * from {table} where false"
    parts = []
    for number, condition in enumerate(conditions):
        # Where a key column is null a condition is null, not false.
        earlier = "".join(f" and not coalesce({c}, false)" for c in conditions[:number])
        parts.append(f"select * from {table} where {condition}{earlier}")
    return "\nunion all\n".join(parts)


def _narrowing(
    connection: duckdb.DuckDBPyConnection,
    spec: Keyed,
    keys_of: str,
    passes: dict[str, str],
) -> str:
    """The condition on a model's narrowed inputs: its passes' conditions as
    one. A monthly model's inputs are filtered on their days instead: within the
    range of the months first, as dates DuckDB can compare with the table's
    row-group bounds, then month by month."""
    if spec.kind != changes.MONTH:
        return " or ".join(f"({c})" for c in passes.values()) or "false"
    day, keys = spec.narrowed_day_column, _keys_of(keys_of)
    first, after_last = connection.execute(
        "select min(day)::varchar, (max(day) + interval 1 month)::date::varchar "
        f"from {keys}"
    ).fetchone()
    if first is None:
        return "false"
    return (
        f"{day} >= date '{first}' and {day} < date '{after_last}' "
        f"and date_trunc('month', {day}) in {_days(connection, keys)}"
    )


def _record_full_change(
    connection: duckdb.DuckDBPyConnection, model: Model, plan: _Plan
) -> None:
    """A projection rebuilt for a keyed change of its raw table changed
    where the raw table did; any other rebuild changed everywhere."""
    if plan.keyed_upstream:
        changes.copy_keys(connection, model.name, plan.keyed_upstream)
        changes.record(connection, model.name, changes.KEYS, key_kind=plan.key_kind)
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


@dataclass(frozen=True)
class SuiteScope:
    """Where a suite is evaluated this run: not at all, on the rows of the
    keys its model was rebuilt at, or on whole tables."""

    unchanged: bool
    # Each keyed table the suite reads and the query of its rows at those
    # keys; empty for whole tables.
    restricted: dict[str, str]


def suite_scope(connection: duckdb.DuckDBPyConnection, suite: Suite) -> SuiteScope:
    """A suite whose tables are as the build it was copied from had them,
    where it passed, cannot fail now. A suite decided key by key, whose
    model was rebuilt at some keys, need only see the rows of those keys in
    every keyed table it reads, provided its other tables did not change:
    the rows of the other keys are those that passed before."""
    queries = [rule.query for rule in suite.rules]
    relations = {suite.model} | {t for q in queries for t in TABLE_NAME.findall(q)}
    as_of_moved = False
    if any("_build_info" in query for query in queries):
        as_of_moved = connection.execute(
            "select as_of_date is distinct from previous_as_of_date from _build_info"
        ).fetchone()[0]
    changed = changes.changes_of(connection, sorted(relations))
    if not as_of_moved and all(c == changes.NONE for c, _ in changed.values()):
        return SuiteScope(unchanged=True, restricted={})

    spec = KEYED_MODELS.get(suite.model)
    if not (suite.by_key and spec and changed[suite.model][0] == changes.KEYS):
        return SuiteScope(unchanged=False, restricted={})
    keyed = {
        name: KEYED_MODELS[name]
        for name in relations
        if name in KEYED_MODELS and _restrictable(name, spec)
    }
    others_unchanged = all(
        changed[name][0] == changes.NONE for name in relations if name not in keyed
    )
    if not others_unchanged:
        return SuiteScope(unchanged=False, restricted={})
    restricted = {
        name: key_rows(
            connection, replace(spec, day_column=own.day_column), suite.model, name
        )
        for name, own in keyed.items()
    }
    return SuiteScope(unchanged=False, restricted=restricted)


def _restrictable(name: str, spec: Keyed) -> bool:
    """Whether a keyed table's rows can be restricted to the keys of a model
    keyed as `spec`: it is keyed alike, or by assignment for a section
    model and it names the section."""
    own = KEYED_MODELS[name]
    if own.kind == spec.kind:
        return True
    return own.kind in _fitting_kinds(spec.kind) and own.names_section


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
