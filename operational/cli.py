"""`quad`: the command line of the platform.

Failures a user can cause (a bad option, a database out of reach, a refused
write) end with one line on standard error and exit status 1, never a
traceback.
"""

import logging
import sys
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from apps.command import serve, user_app
from operational import migrate
from operational.commands import gradebook_app, outbox_app, timetable_app
from operational.errors import QuadError
from operational.generator.command import seed
from pipelines.command import pipeline_app

log = logging.getLogger(__name__)

app = typer.Typer(
    help="Quad: the record, the coursework and the operations of a school.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
db_app = typer.Typer(help="The operational database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.command("seed")(seed)
app.add_typer(pipeline_app, name="pipeline")
app.add_typer(timetable_app, name="timetable")
app.add_typer(gradebook_app, name="gradebook")
app.add_typer(outbox_app, name="outbox")
app.add_typer(user_app, name="user")
app.command("serve")(serve)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Any SQLAlchemy URL; default: the QUAD_DATABASE_URL setting.",
    ),
]


def fail(message: str, code: int = 1) -> None:
    """End the program with one line for the user, no traceback."""
    typer.echo(f"quad: {message}", err=True)
    sys.exit(code)


# Typer carries its own copy of click; its usage errors share this base.
UsageError = typer.BadParameter.__mro__[1]


def describe_database_error(error: SQLAlchemyError) -> str:
    """The first line of the driver's message: enough to act on."""
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()[0]
    return f"cannot use the database: {first_line}"


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Create the schema, or bring it up to the newest migration."""
    migrate.upgrade(database_url)
    typer.echo("database schema is up to date")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        code = app(standalone_mode=False)
    except UsageError as error:
        if type(error).__name__ == "NoArgsIsHelpError" and error.ctx is not None:
            # A bare command group: its help says more than an error would.
            typer.echo(error.ctx.get_help())
            sys.exit(0)
        message = " ".join(error.format_message().split())
        fail(f"{message} (see quad --help)", code=2)
    except QuadError as error:
        fail(error.message)
    except SQLAlchemyError as error:
        fail(describe_database_error(error))
    except typer.Abort:
        fail("interrupted")
    sys.exit(code if isinstance(code, int) else 0)
