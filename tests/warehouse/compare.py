"""Read a whole warehouse file for comparisons between builds."""

from pathlib import Path

import duckdb

# Tables named with a leading underscore are the bookkeeping of the runs
# (`_build_info`, `_load_state`, `_model_state`, `_run_change`...), which
# differs between runs by design.


def table_contents(path: Path | str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, by table name."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' order by table_name"
            ).fetchall()
            if not row[0].startswith("_")
        ]
        return {
            name: sorted(
                connection.execute(f'select * from "{name}"').fetchall(),
                key=repr,
            )
            for name in names
        }
    finally:
        connection.close()


def run_keys(path: Path | str, relation: str, columns: str) -> list[tuple]:
    """The keys the last run recorded for a relation, as those columns of
    `_run_change_key`, sorted."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute(
            f"select distinct {columns} from _run_change_key "
            "where relation = ? order by all",
            [relation],
        ).fetchall()
    finally:
        connection.close()
