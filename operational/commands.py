"""`quad timetable`, `quad outbox` and `quad gradebook`: what staff ask of
the timetable, the families' mail and a section's grades, from the shell."""

import datetime as dt
from typing import Annotated

import typer
from sqlalchemy import select

from operational.db import make_engine, session_scope
from operational.errors import NotFound
from operational.models import SchoolYear, Section
from operational.services.records import get

timetable_app = typer.Typer(help="The timetable and its clashes.", no_args_is_help=True)
outbox_app = typer.Typer(help="Messages to families.", no_args_is_help=True)
gradebook_app = typer.Typer(help="Running grades of a section.", no_args_is_help=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="Default: the QUAD_DATABASE_URL setting."),
]


@timetable_app.command("clashes")
def clashes(
    year: Annotated[
        str, typer.Option("--year", help='A school year, e.g. "2026-2027".')
    ],
    school: Annotated[list[int] | None, typer.Option("--school")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """List every teacher, room and student double booking and overfull room."""
    from operational.services.timetable_clashes import find_clashes

    with session_scope(make_engine(database_url)) as session:
        year_id = session.scalar(
            select(SchoolYear.school_year_id).where(SchoolYear.name == year)
        )
        if year_id is None:
            raise NotFound(f"no school year named {year!r}; names look like 2026-2027")
        found = find_clashes(session, year_id, school)
    for clash in found:
        typer.echo(f"{clash.kind:<10} {clash.day:<10} {clash.description}")
    typer.echo(f"{len(found)} clashes in {year}")


@outbox_app.command("deliver")
def deliver(
    limit: Annotated[int, typer.Option(help="Messages to send at most.")] = 100,
    database_url: DatabaseUrl = None,
) -> None:
    """Send queued messages (by SMTP when QUAD_SMTP_HOST is set)."""
    from operational.messaging import sender_from_settings
    from operational.services.outbox import deliver_outbox

    with (
        sender_from_settings() as sender,
        session_scope(make_engine(database_url)) as session,
    ):
        report = deliver_outbox(session, sender, limit)
    typer.echo(
        f"sent {report.n_sent}, failed {report.n_failed}, "
        f"retrying {report.n_retrying}, kept in the outbox {report.n_held}"
    )


@gradebook_app.command("show")
def show(
    section_id: int,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Each student's running grade and progress in a section."""
    from operational.services.gradebook import section_progress

    day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    with session_scope(make_engine(database_url)) as session:
        get(session, Section, section_id)
        rows = section_progress(session, section_id, as_of=day)
    typer.echo("student    average   done  due  overdue  excused  to grade")
    for row in rows:
        average = f"{row.average:.1f}" if row.average is not None else "-"
        typer.echo(
            f"{row.student_id:<10} {average:>7} {row.n_done:>6} {row.n_due:>4} "
            f"{row.n_overdue:>8} {row.n_excused:>8} {row.n_needs_grading:>9}"
        )
