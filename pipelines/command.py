"""`quad pipeline`: run the warehouse job from the command line."""

import datetime as dt
import sys
from typing import Annotated

import typer

pipeline_app = typer.Typer(
    help="The warehouse pipeline: extract, model, check, publish.",
    no_args_is_help=True,
)


def print_step(step) -> None:
    if step.kind == "asset":
        rows = f"{step.rows:>12,} rows" if step.rows is not None else " " * 17
        seconds = f"{step.seconds:7.2f} s" if step.seconds is not None else ""
        typer.echo(f"  {step.name:<44}{rows}  {seconds}  {step.detail}".rstrip())
    elif step.kind == "check":
        verdict = "FAILED" if step.is_failed_check else step.detail
        typer.echo(f"  check {step.name:<38}{verdict:>17}")
    else:
        typer.echo(f"  FAILED {step.name}: {step.detail.splitlines()[0]}", err=True)


@pipeline_app.command("run")
def run(
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild everything, not just changes.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Count membership up to this date (default today)."
        ),
    ] = None,
) -> None:
    """Refresh the warehouse in this process, and publish it if it passes."""
    from pipelines.run import run_pipeline
    from warehouse.incremental import SKIPPED
    from warehouse.source import SourceError

    try:
        as_of_date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        typer.echo(
            f"quad: --as-of takes a date like 2026-01-31, not {as_of!r}", err=True
        )
        sys.exit(1)
    try:
        summary = run_pipeline(full=full, as_of=as_of_date, on_step=print_step)
    except SourceError as error:
        typer.echo(f"quad: {error}", err=True)
        sys.exit(1)

    assets = [s for s in summary.steps if s.kind == "asset"]
    n_unchanged = sum(1 for s in assets if s.detail == SKIPPED)
    totals = (
        f"{len(assets)} assets ({n_unchanged} models unchanged), "
        f"{summary.rows:,} rows, {summary.seconds:.1f} s"
    )
    if summary.published:
        typer.echo(f"published the warehouse: {totals}")
        return
    typer.echo(
        f"not published; the last good warehouse stays in place ({totals})", err=True
    )
    for step in summary.failed_checks:
        typer.echo(f"  blocking check {step.name} failed: {step.detail}", err=True)
    for step in summary.failures:
        typer.echo(f"  {step.name} failed: {step.detail.splitlines()[0]}", err=True)
    sys.exit(1)
