"""The Dagster job end to end: publish, repeat, block, survive a kill."""

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys

import duckdb
import pytest
from sqlalchemy import text

from operational import migrate
from operational.db import make_engine
from operational.settings import Settings
from pipelines.checks import PASSED_ON_KEYS
from pipelines.run import run_pipeline
from tests.support.attendance_school import (
    build_attendance_school,
    day,
    record_absence,
)
from tests.warehouse.compare import table_contents
from warehouse.incremental import SKIPPED
from warehouse.models import discover_models

AS_OF = dt.date(2025, 9, 30)
MODELS = {model.name for model in discover_models()}


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """A committed operational database and its published warehouse.

    The tests share it to keep the number of runs down; each needs only a
    published warehouse to start from, and the one that breaks the data on
    purpose comes last.
    """
    tmp_path = tmp_path_factory.mktemp("district")
    url = f"sqlite:///{tmp_path / 'quad.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    built = build_attendance_school(engine)
    settings = Settings(
        database_url=url,
        warehouse_path=tmp_path / "data" / "warehouse.duckdb",
        pipeline_lookback_seconds=0,
    )
    first = run_pipeline(settings, as_of=AS_OF)
    assert first.published, first.failures
    assert not first.failed_checks
    yield settings, engine, built
    engine.dispose()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_run_gives_identical_tables_and_spares_readers(district):
    settings, _, _ = district
    before = table_contents(settings.warehouse_path)
    assert before["mart_school_attendance"]  # the marts are not empty
    reader = duckdb.connect(str(settings.warehouse_path), read_only=True)
    n_days = reader.execute("select count(*) from fct_student_day").fetchone()[0]

    second = run_pipeline(settings, as_of=AS_OF)
    assert second.published, second.failures
    # Nothing changed: every model kept its table, and no suite ran again.
    models = [s for s in second.steps if s.kind == "asset" and s.name in MODELS]
    checks = [s for s in second.steps if s.kind == "check"]
    assert len(models) == len(MODELS)
    assert {s.detail for s in models} == {SKIPPED}
    assert checks and {s.detail for s in checks} == {SKIPPED}

    # The open reader was not in the way and still sees its own snapshot.
    assert reader.execute("select count(*) from fct_student_day").fetchone() == (
        n_days,
    )
    reader.close()
    assert table_contents(settings.warehouse_path) == before


def test_a_change_for_one_student_day_is_checked_on_that_day(district):
    settings, engine, built = district
    record_absence(engine, built, "D", day(29), "EA")

    run = run_pipeline(settings, as_of=AS_OF)

    assert run.published, run.failures
    checks = {s.name: s.detail for s in run.steps if s.kind == "check"}
    assert checks["fct_student_day:expectations"] == PASSED_ON_KEYS
    # Its rows were copied aside for the check and are gone again.
    reader = duckdb.connect(str(settings.warehouse_path), read_only=True)
    schemas = reader.execute(
        "select schema_name from information_schema.schemata "
        "where catalog_name = current_database()"
    ).fetchall()
    reader.close()
    assert "scope" not in {name for (name,) in schemas}


def test_killed_run_leaves_the_old_warehouse_readable(district):
    settings, _, _ = district
    good = digest(settings.warehouse_path)

    environment = os.environ | {
        "QUAD_DATABASE_URL": settings.database_url,
        "QUAD_WAREHOUSE_PATH": str(settings.warehouse_path),
    }
    command = [sys.executable, "-c", "from operational.cli import main; main()"]
    command += ["pipeline", "run", "--as-of", AS_OF.isoformat()]
    with subprocess.Popen(
        command,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        # Kill it once it has started writing the build, well before publish.
        for line in process.stdout:
            if line.strip().startswith("raw_"):
                break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)

    builds = list(settings.warehouse_path.parent.glob("*.build-*"))
    assert builds, "the killed run left its build behind"
    assert digest(settings.warehouse_path) == good
    reader = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert reader.execute("select count(*) from mart_school_attendance").fetchone()
    reader.close()

    assert run_pipeline(settings, as_of=AS_OF).published
    assert not list(settings.warehouse_path.parent.glob("*.build-*"))


def test_failing_blocking_check_keeps_the_last_good_warehouse(district):
    settings, engine, built = district
    good = digest(settings.warehouse_path)

    # A bad import that went around the services: B is absent on 2 September,
    # two weeks before entering the school.
    with engine.begin() as connection:
        connection.execute(
            text(
                "insert into daily_attendance (student_id, school_id, "
                "attendance_date, code, created_at, updated_at) values "
                "(:student, :school, '2025-09-02', 'UA', "
                "'2030-01-01 00:00:00.000000', '2030-01-01 00:00:00.000000')"
            ),
            {
                "student": built.student_ids["B"],
                "school": built.school.school.school_id,
            },
        )

    blocked = run_pipeline(settings, as_of=AS_OF)
    assert not blocked.published
    assert [s.name for s in blocked.failed_checks] == ["fct_student_day:expectations"]
    assert "outside membership" in blocked.failed_checks[0].detail
    assert digest(settings.warehouse_path) == good
