"""The operational database as DuckDB sees it: attached read-only.

DuckDB reads SQLite and PostgreSQL through its own scanners, which stream
rows in vectors straight into DuckDB tables: no Python objects per row. The
scanner extensions ship as PyPI packages with the install, because DuckDB
cannot download extensions at run time on locked-down networks.
"""

import datetime as dt
import importlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
from sqlalchemy.engine import URL, make_url

EXTENSION_PACKAGES = {
    "sqlite": ("duckdb_extension_sqlite_scanner", "sqlite_scanner"),
    "postgres": ("duckdb_extension_postgres_scanner", "postgres_scanner"),
}

SOURCE_ALIAS = "op"


class SourceError(Exception):
    """The operational database cannot be attached."""


def extension_path(kind: str) -> Path:
    """The extension file shipped inside its PyPI package."""
    package_name, extension = EXTENSION_PACKAGES[kind]
    try:
        package = importlib.import_module(package_name)
    except ImportError as error:
        raise SourceError(
            f"the DuckDB {extension} extension is not installed; "
            f"reinstall Quad (it comes with the package {package_name})"
        ) from error
    version = f"v{duckdb.__version__}"
    path = Path(package.__file__).parent / "extensions" / version
    found = path / f"{extension}.duckdb_extension"
    if not found.exists():
        raise SourceError(
            f"{package_name} carries no extension for DuckDB {version}; "
            "reinstall Quad from its constraints file"
        )
    return found


def quote_literal(value: str) -> str:
    """A SQL string literal. Only our own table names and timestamps pass
    through here, never user input; the quotes are doubled all the same."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Source:
    """How to attach the operational database and query it natively."""

    kind: str  # "sqlite" or "postgres"
    target: str  # a file path, or a libpq connection string

    @classmethod
    def from_url(cls, url: str | URL) -> "Source":
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise SourceError("the pipeline needs a SQLite file, not memory")
            if not Path(parsed.database).exists():
                raise SourceError(
                    f"no operational database at {parsed.database}; "
                    "run `quad db upgrade` and `quad seed` first"
                )
            return cls("sqlite", str(Path(parsed.database).resolve()))
        if backend == "postgresql":
            parts = {
                "host": parsed.host,
                "port": parsed.port,
                "dbname": parsed.database,
                "user": parsed.username,
                "password": parsed.password,
            }
            target = " ".join(f"{k}={v}" for k, v in parts.items() if v is not None)
            return cls("postgres", target)
        raise SourceError(f"the pipeline cannot read a {backend} database")

    def attach(self, connection: duckdb.DuckDBPyConnection) -> None:
        connection.execute(f"LOAD {quote_literal(str(extension_path(self.kind)))}")
        connection.execute(
            f"ATTACH {quote_literal(self.target)} AS {SOURCE_ALIAS} "
            f"(TYPE {self.kind}, READ_ONLY)"
        )

    def is_attached(self, connection: duckdb.DuckDBPyConnection) -> bool:
        found = connection.execute(
            "select count(*) from duckdb_databases() where database_name = ?",
            [SOURCE_ALIAS],
        ).fetchone()
        return found[0] == 1

    def native_query(self, sql: str) -> str:
        """A table function that runs `sql` inside the source database, so
        its WHERE uses the source's own indexes (an attached table is
        scanned whole)."""
        function = "sqlite_query" if self.kind == "sqlite" else "postgres_query"
        return f"{function}({quote_literal(SOURCE_ALIAS)}, {quote_literal(sql)})"

    def timestamp_literal(self, moment: dt.datetime) -> str:
        """A timestamp the source compares correctly with its own column:
        SQLite holds ISO text, PostgreSQL a timestamp."""
        text = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        if self.kind == "sqlite":
            return quote_literal(text)
        return f"TIMESTAMP {quote_literal(text)}"
