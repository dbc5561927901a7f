"""`quad seed`: fill an empty database with a synthetic district."""

import datetime as dt
import logging
import time
from typing import Annotated

import typer

from operational import migrate
from operational.db import make_engine, session_scope
from operational.errors import DistrictExists
from operational.generator.load import seed_district
from operational.generator.sizes import SIZES, SizeName

log = logging.getLogger(__name__)

SIZE_HELP = "; ".join(
    f"{name.value}: {size.n_schools} school{'s' * (size.n_schools > 1)}, "
    f"{size.n_students:,} students, {size.n_years} year{'s' * (size.n_years > 1)} "
    f"({size.purpose})"
    for name, size in SIZES.items()
)


def seed(
    size: Annotated[SizeName, typer.Option(help=SIZE_HELP, show_default=False)],
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed and date, the same rows.")
    ] = 42,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="The day the record has reached (default: today). Attendance "
            "and marks stop there; the latest school year holds it.",
            show_default=False,
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Any SQLAlchemy URL; default: the QUAD_DATABASE_URL setting.",
        ),
    ] = None,
    if_empty: Annotated[
        bool,
        typer.Option(
            "--if-empty",
            help="Seed only an empty database; leave one that holds a district.",
        ),
    ] = False,
) -> None:
    """Generate a synthetic district and write it through the services."""
    day = as_of.date() if as_of else dt.date.today()
    started = time.perf_counter()
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            counts = seed_district(session, SIZES[size], seed, day)
    except DistrictExists as refusal:
        if not if_empty:
            raise
        typer.echo(f"{refusal.message.split(';')[0]}; left as it is")
        return
    finally:
        engine.dispose()

    seconds = time.perf_counter() - started
    typer.echo(
        f"seeded the synthetic district (size {size.value}, seed {seed}, as of "
        f"{day}): {sum(counts.values()):,} rows in {seconds:.1f} s"
    )
    width = max(len(table) for table in counts)
    for table, n_rows in sorted(counts.items()):
        typer.echo(f"  {table:<{width}}  {n_rows:>12,}")
