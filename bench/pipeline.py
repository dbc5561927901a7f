"""Benchmark the warehouse pipeline against the bare DuckDB path and pandas.

For one synthetic district it measures, each stage in a process of its own
(seconds inside the process, process start-up apart, and peak memory):

- pandas: every table read with pandas `read_sql` and stored in DuckDB, the
  simplest extraction;
- bare DuckDB: DuckDB's own scanner copies every table, then the model SQL
  runs (no Dagster, no checks): the fastest way DuckDB offers;
- pipeline full: the Dagster job in-process, checks and publish included;
- pipeline incremental: the same job after one school day of changes
  (attendance for the next day, corrections of the day before, work handed
  in that day).

    .venv/bin/python bench/pipeline.py --size district

The pipeline runs under DuckDB's memory limit `--memory-limit` (2GB unless
told; `--memory-limit ""` leaves DuckDB's default, 80% of the memory), and
`--pipeline-only` measures only the pipeline stages. The seeded database is
kept under build/bench/ and reused by later runs.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path("build/bench")
SEED = 42
# A Wednesday in the spring term: the year is well under way.
AS_OF = dt.date(2026, 3, 4)


def child(stage: str, size: str, work: Path, memory_limit: str) -> dict:
    """Run one stage in a new process; its own timings plus peak memory."""
    # Each stage starts with the writes of the one before on disk, so that
    # it does not pay for them.
    os.sync()
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, __file__, "--stage", stage, "--size", size, "--work", work]
        + ["--memory-limit", memory_limit],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"stage {stage} failed")
    output = completed.stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["process_seconds"] = round(wall, 2)
    return result


def run_stage(stage: str, size: str, work: Path, memory_limit: str) -> dict:
    import resource

    database = work / "quad.db"
    url = f"sqlite:///{database}"
    started = time.perf_counter()
    measured: dict = {}

    if stage == "pandas":
        measured = pandas_extract(url, work / "pandas.duckdb")
    elif stage == "bare":
        measured = bare_duckdb(url, work / "bare.duckdb")
    elif stage == "pipeline_full":
        measured = pipeline(url, work, memory_limit, full=True, as_of=AS_OF)
    elif stage == "changes":
        measured = one_school_day(url)
    elif stage == "pipeline_incremental":
        day = next_day(url)
        measured = pipeline(url, work, memory_limit, full=False, as_of=day)

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return measured | {
        "stage": stage,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": round(peak_kb / 1024),
    }


def pandas_extract(url: str, target: Path) -> dict:
    import duckdb
    import pandas
    from sqlalchemy import create_engine

    from warehouse.extract import extracted_tables

    target.unlink(missing_ok=True)
    engine = create_engine(url)
    connection = duckdb.connect(str(target))
    n_rows = 0
    for table in extracted_tables():
        frame = pandas.read_sql_table(table.name, engine)
        connection.register("frame", frame)
        connection.execute(f"create table raw_{table.name} as select * from frame")
        connection.unregister("frame")
        n_rows += len(frame)
    connection.close()
    return {"rows": n_rows}


def bare_duckdb(url: str, target: Path) -> dict:
    import duckdb

    from operational.settings import Settings
    from warehouse.refresh import refresh

    target.unlink(missing_ok=True)
    connection = duckdb.connect(str(target))
    result = refresh(connection, url, Settings(database_url=url), AS_OF, full=True)
    connection.close()
    return {
        "rows": sum(e.n_rows for e in result.extracts),
        "extract_seconds": round(sum(e.seconds for e in result.extracts), 2),
        "model_seconds": round(sum(m.seconds for m in result.models.values()), 2),
    }


def pipeline(
    url: str, work: Path, memory_limit: str, *, full: bool, as_of: dt.date
) -> dict:
    from collections import Counter

    from operational.settings import Settings
    from pipelines.run import run_pipeline
    from warehouse.models import discover_models

    settings = Settings(
        database_url=url,
        warehouse_path=work / "warehouse.duckdb",
        pipeline_lookback_seconds=0,
        warehouse_memory_limit=memory_limit,
    )
    started = time.perf_counter()
    summary = run_pipeline(settings, full=full, as_of=as_of)
    if not summary.published:
        raise SystemExit(f"not published: {summary.failed_checks or summary.failures}")
    models = {model.name for model in discover_models()}
    seconds = {s.name: s.seconds for s in summary.steps if s.kind == "asset"}
    return {
        "run_seconds": round(time.perf_counter() - started, 2),
        "build_file_seconds": seconds["warehouse_build"],
        "publish_seconds": seconds["published_warehouse"],
        "rows": summary.rows,
        "models": Counter(s.detail for s in summary.steps if s.name in models),
        "checks": Counter(s.detail for s in summary.steps if s.kind == "check"),
    }


def next_day(url: str) -> dt.date:
    """The first instructional day after the seeded as-of date."""
    from sqlalchemy import create_engine, text

    with create_engine(url).connect() as connection:
        found = connection.execute(
            text(
                "select min(calendar_date) from calendar_day "
                "where is_instructional and calendar_date > :day"
            ),
            {"day": AS_OF},
        ).scalar_one()
    # SQLite hands the date back as ISO text.
    return dt.date.fromisoformat(str(found))


def one_school_day(url: str) -> dict:
    """The next day's attendance for 8% of students, through the services,
    200 corrections of the day before, and 2,000 pieces of work handed in
    that day that were due in the week before (the work due later is not
    published yet)."""
    import random

    from sqlalchemy import select

    from operational.db import make_engine, session_scope
    from operational.models import (
        Assignment,
        DailyAttendance,
        Enrollment,
        SectionEnrollment,
        Submission,
    )
    from operational.services import attendance, submissions

    day = next_day(url)
    rng = random.Random(SEED)
    engine = make_engine(url)
    with session_scope(engine) as session:
        enrolled = session.execute(
            select(Enrollment.student_id, Enrollment.school_id).where(
                Enrollment.entry_date <= day,
                (Enrollment.exit_date.is_(None)) | (Enrollment.exit_date >= day),
            )
        ).all()
        absent = rng.sample(enrolled, k=len(enrolled) * 8 // 100)
        rows = [
            {
                "student_id": student_id,
                "school_id": school_id,
                "attendance_date": day,
                "code": rng.choice(["EA", "UA", "T"]),
            }
            for student_id, school_id in absent
        ]
        attendance.bulk_record_daily(session, rows, "bench:teacher")

        yesterday = session.scalars(
            select(DailyAttendance)
            .where(DailyAttendance.attendance_date == AS_OF)
            .order_by(DailyAttendance.daily_attendance_id)
            .limit(200)
        ).all()
        for record in yesterday:
            attendance.correct_daily(
                session,
                "bench:registrar",
                student_id=record.student_id,
                school_id=record.school_id,
                attendance_date=AS_OF,
                code=None,
                reason="note from home",
            )

        not_handed_in = (
            select(Assignment.assignment_id, SectionEnrollment.student_id)
            .join(
                SectionEnrollment,
                SectionEnrollment.section_id == Assignment.section_id,
            )
            .outerjoin(
                Submission,
                (Submission.assignment_id == Assignment.assignment_id)
                & (Submission.student_id == SectionEnrollment.student_id),
            )
            .where(
                Assignment.is_published,
                Assignment.due_date.between(day - dt.timedelta(days=7), day),
                SectionEnrollment.entry_date <= day,
                SectionEnrollment.exit_date.is_(None)
                | (SectionEnrollment.exit_date >= day),
                Submission.submission_id.is_(None),
            )
            .order_by(Assignment.assignment_id, SectionEnrollment.student_id)
        )
        candidates = session.execute(not_handed_in).all()
        work = rng.sample(candidates, k=min(2000, len(candidates)))
        for assignment_id, student_id in work:
            submissions.submit(
                session,
                "bench:student",
                assignment_id=assignment_id,
                student_id=student_id,
                submitted_date=day,
            )
    engine.dispose()
    return {"rows": len(rows) + len(yesterday) + len(work)}


def seeded_database(size: str) -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = BENCH_DIR / f"{size}-{AS_OF}.db"
    if not database.exists():
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from operational.cli import main; main()"]
            + ["seed", "--size", size, "--seed", str(SEED), "--as-of", str(AS_OF)]
            + ["--database-url", f"sqlite:///{database}.partial"],
            check=True,
        )
        os.replace(f"{database}.partial", database)
        print(
            f"seeded {size} in {time.perf_counter() - started:.0f} s", file=sys.stderr
        )
    return database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="district")
    parser.add_argument("--stage")
    parser.add_argument("--work", type=Path)
    parser.add_argument(
        "--memory-limit",
        default="2GB",
        help="DuckDB's limit in the pipeline runs; empty for its default",
    )
    parser.add_argument(
        "--pipeline-only",
        action="store_true",
        help="skip the pandas and bare DuckDB stages",
    )
    args = parser.parse_args()
    if args.stage:
        result = run_stage(args.stage, args.size, args.work, args.memory_limit)
        print(json.dumps(result))
        return

    work = BENCH_DIR / f"work-{args.size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copyfile(seeded_database(args.size), work / "quad.db")

    stages = ["pipeline_full", "changes", "pipeline_incremental"]
    if not args.pipeline_only:
        stages = ["pandas", "bare", *stages]
    results = {}
    for stage in stages:
        results[stage] = child(stage, args.size, work, args.memory_limit)
        print(json.dumps(results[stage]), file=sys.stderr)

    full = results["pipeline_full"]["run_seconds"]
    incremental = results["pipeline_incremental"]["run_seconds"]
    limit = args.memory_limit or "DuckDB's default"
    print(f"\n{args.size}: seconds inside the process, peak memory ({limit})")
    for stage, result in results.items():
        print(f"  {stage:<22}{result['seconds']:>9.1f} s {result['peak_mb']:>7} MB")
    if not args.pipeline_only:
        bare = results["bare"]
        print(
            f"  pandas extract / DuckDB extract: "
            f"{results['pandas']['seconds'] / bare['extract_seconds']:.1f}x"
        )
        print(f"  pipeline full / bare DuckDB:     {full / bare['seconds']:.2f}x")
    print(f"  incremental / full pipeline:     {incremental / full:.2f}x")


if __name__ == "__main__":
    main()
