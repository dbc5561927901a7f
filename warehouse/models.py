"""The SQL models of the warehouse: discovery, dependencies, building.

Each file under `warehouse/models/<layer>/` is one model: a SELECT whose
result becomes the table named like the file. The header comment says what
one row is. A model's upstream tables are the raw and model names its SQL
mentions, so the lineage comes from the SQL itself.
"""

import datetime as dt
import graphlib
import re
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from operational.settings import Settings

MODELS_DIR = Path(__file__).parent / "models"
LAYERS = ("staging", "intermediate", "marts")
TABLE_NAME = re.compile(r"\b((?:raw|stg|int|dim|fct|mart)_[a-z0-9_]+)\b")


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    sql: str
    description: str  # the header comment: grain and rule
    upstream: tuple[str, ...]  # raw tables and models it reads


@cache
def discover_models() -> tuple[Model, ...]:
    """Every model, in an order where each comes after what it reads."""
    found: dict[str, tuple[str, str, Path]] = {}
    for layer in LAYERS:
        for path in sorted((MODELS_DIR / layer).glob("*.sql")):
            found[path.stem] = (layer, path.read_text(), path)

    models: dict[str, Model] = {}
    for name, (layer, sql, _path) in found.items():
        body = _strip_comments(sql)
        upstream = sorted(
            {table for table in TABLE_NAME.findall(body) if table != name}
        )
        unknown = [t for t in upstream if t not in found and not t.startswith("raw_")]
        if unknown:
            raise ValueError(f"model {name} reads unknown models: {unknown}")
        models[name] = Model(name, layer, sql, _header(sql), tuple(upstream))

    order = graphlib.TopologicalSorter(
        {name: [u for u in m.upstream if u in models] for name, m in models.items()}
    ).static_order()
    return tuple(models[name] for name in order)


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def _header(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


def set_parameters(
    connection: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.date
) -> None:
    """The metric parameters the model SQL reads with getvariable()."""
    parameters = {
        "as_of_date": as_of,
        "school_day_minutes": settings.school_day_minutes,
        "chronic_min_days": settings.chronic_absence_min_days,
        "suppression_min_count": settings.suppression_min_count,
        "count_date_month": settings.count_date_month,
        "count_date_day": settings.count_date_day,
    }
    for name, value in parameters.items():
        connection.execute(f"set variable {name} = ?", [value])


def build_model(
    connection: duckdb.DuckDBPyConnection, model: Model
) -> tuple[int, float]:
    """Rebuild one model's table; returns its row count and seconds."""
    started = time.perf_counter()
    connection.execute(f"create or replace table {model.name} as\n{model.sql}")
    n_rows = connection.execute(f"select count(*) from {model.name}").fetchone()[0]
    return n_rows, time.perf_counter() - started
