"""Read a whole warehouse file for comparisons between builds."""

from pathlib import Path

import duckdb

# Bookkeeping of the load itself, which differs between runs by design.
RUN_TABLES = {"_build_info", "_load_state"}


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
            if row[0] not in RUN_TABLES
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
