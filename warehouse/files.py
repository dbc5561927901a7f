"""One open DuckDB database per warehouse build in this process.

The pipeline's steps and Great Expectations (through `duckdb-engine`) share
it: opening a file costs more than most models take to build, and DuckDB
refuses a second open of one file with a different configuration, so every
connection here uses the configuration `duckdb-engine` uses.
"""

from pathlib import Path

import duckdb
import duckdb_engine
import sqlalchemy

_open: dict[Path, duckdb.DuckDBPyConnection] = {}


def engine_compatible_config() -> dict[str, str]:
    # duckdb-engine names itself in the user agent of every connection.
    versions = (duckdb_engine.__version__, sqlalchemy.__version__)
    agent = "duckdb_engine/{}(sqlalchemy/{})".format(*versions)
    return {"custom_user_agent": agent}


def shared_connection(
    path: Path, *, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A new cursor on the file's one open database. A memory limit applies
    to the whole database, and past it DuckDB spills to `<file>.tmp/`."""
    path = Path(path).resolve()
    if path not in _open:
        connection = duckdb.connect(str(path), config=engine_compatible_config())
        if memory_limit:
            # Set after opening, not in the configuration, so that the
            # connections of duckdb-engine still match it.
            connection.execute("set memory_limit = ?", [memory_limit])
            connection.execute("set temp_directory = ?", [f"{path}.tmp"])
        _open[path] = connection
    return _open[path].cursor()


def release(path: Path, *, checkpoint: bool = False) -> None:
    """Close the file's database, writing everything to the file first."""
    connection = _open.pop(Path(path).resolve(), None)
    if connection is None:
        return
    if checkpoint:
        connection.execute("checkpoint")
    connection.close()


def release_all_except(keep: Path) -> None:
    """Close the databases of builds this process no longer works on."""
    for path in [p for p in _open if p != Path(keep).resolve()]:
        release(path)
