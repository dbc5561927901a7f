"""`quad serve` and `quad user`: run the staff app and manage its accounts."""

import datetime as dt
import logging
import os
from typing import Annotated

import typer
from sqlalchemy import select

from operational.db import make_engine, session_scope
from operational.generator.accounts import create_demo_accounts
from operational.models import UserAccount
from operational.services import accounts
from operational.settings import get_settings
from operational.vocabulary import ROLES

log = logging.getLogger(__name__)

PASSWORD_VARIABLE = "QUAD_PASSWORD"
CLI_ACTOR = "cli"

user_app = typer.Typer(help="Accounts of the staff app.", no_args_is_help=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="Default: the QUAD_DATABASE_URL setting."),
]


def read_password(confirm: bool = True) -> str:
    """From QUAD_PASSWORD when set (for scripts), else asked for twice."""
    from_environment = os.environ.get(PASSWORD_VARIABLE)
    if from_environment:
        return from_environment
    return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)


@user_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The sign-in name, e.g. jdoe.")],
    role: Annotated[str, typer.Option("--role", help="One of: " + ", ".join(ROLES))],
    school: Annotated[
        list[int] | None,
        typer.Option("--school", help="A school id the account serves; repeat."),
    ] = None,
    staff: Annotated[
        int | None,
        typer.Option("--staff", help="The staff id of a teacher or counselor."),
    ] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", help="Known to the identity provider, if any."),
    ] = None,
    display_name: Annotated[str | None, typer.Option("--display-name")] = None,
    no_password: Annotated[
        bool,
        typer.Option("--no-password", help="Provider sign-in only (needs --email)."),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an account; the password is asked for, or read from QUAD_PASSWORD."""
    password = None if no_password else read_password()
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            account = accounts.create_account(
                session,
                CLI_ACTOR,
                username=name,
                role=role,
                password=password,
                display_name=display_name,
                email=email,
                staff_id=staff,
                school_ids=school or (),
            )
            summary = f"created {account.username} ({account.role})"
    finally:
        engine.dispose()
    typer.echo(summary)


@user_app.command("password")
def password(
    name: Annotated[str, typer.Argument()], database_url: DatabaseUrl = None
) -> None:
    """Set a new password (asked for, or read from QUAD_PASSWORD)."""
    new_password = read_password()
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            accounts.set_password(session, CLI_ACTOR, name, new_password)
    finally:
        engine.dispose()
    typer.echo(f"password of {name} changed")


@user_app.command("unlock")
def unlock(
    name: Annotated[str, typer.Argument()], database_url: DatabaseUrl = None
) -> None:
    """Lift a lockout after repeated failed sign-ins."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            accounts.unlock(session, CLI_ACTOR, name)
    finally:
        engine.dispose()
    typer.echo(f"{name} unlocked")


@user_app.command("disable")
def disable(
    name: Annotated[str, typer.Argument()], database_url: DatabaseUrl = None
) -> None:
    """Switch an account off and end its sessions."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            accounts.disable(session, CLI_ACTOR, name)
    finally:
        engine.dispose()
    typer.echo(f"{name} switched off; its sessions are ended")


@user_app.command("list")
def list_accounts(database_url: DatabaseUrl = None) -> None:
    """Every account, its role and whether it is locked."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            rows = session.execute(
                select(
                    UserAccount.username,
                    UserAccount.role,
                    UserAccount.display_name,
                    UserAccount.locked_until,
                ).order_by(UserAccount.username)
            ).all()
    finally:
        engine.dispose()
    for username, role, display_name, locked_until in rows:
        locked = f"  locked until {locked_until:%Y-%m-%d %H:%M}" if locked_until else ""
        typer.echo(f"{username:<20} {role:<16} {display_name}{locked}")


@user_app.command("demo")
def demo(
    password: Annotated[
        str, typer.Option(help="The password every demo account shares.")
    ] = "quad-demo-2026",
    database_url: DatabaseUrl = None,
) -> None:
    """One account per role at one school of a seeded district (idempotent)."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            made = create_demo_accounts(session, password, dt.date.today())
    finally:
        engine.dispose()
    typer.echo(f"Demo accounts (password {password}):")
    for account in made:
        typer.echo(f"  {account.username:<10} {account.role:<16} {account.what}")


def serve(
    host: Annotated[str | None, typer.Option(help="Default: QUAD_APP_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: QUAD_APP_PORT.")] = None,
) -> None:
    """Start the staff app (default http://127.0.0.1:8501)."""
    import uvicorn

    settings = get_settings()
    host = host or settings.app_host
    port = port or settings.app_port
    typer.echo(f"Quad staff app on http://{host}:{port} (Ctrl+C stops it)")
    uvicorn.run("apps.server:app", host=host, port=port, log_level="warning")
