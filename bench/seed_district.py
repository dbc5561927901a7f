"""Benchmark `quad seed`: a synthetic district into a new SQLite file.

Prints the wall time, the peak memory of the seeding process, the size of the
database file and the rows per table:

    .venv/bin/python bench/seed_district.py --size district

The default as-of date is the last June 30, so the latest school year is
complete: all 180 instructional days of attendance, every mark and final
grade.
"""

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, inspect, select, table

from operational.db import make_engine
from operational.generator.sizes import SizeName

QUAD = [sys.executable, "-c", "from operational.cli import main; main()"]


def last_june_30(today: dt.date) -> dt.date:
    june_30 = dt.date(today.year, 6, 30)
    return june_30 if today >= june_30 else june_30.replace(year=today.year - 1)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", choices=[size.value for size in SizeName], default="district"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=last_june_30(dt.date.today()),
        help="default: the last June 30",
    )
    return parser.parse_args()


def peak_memory_mb() -> float:
    """The largest resident set of a finished child process."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.scalar(select(func.count()).select_from(table(name)))
                for name in sorted(inspect(connection).get_table_names())
            }
    finally:
        engine.dispose()


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory(prefix="quad-bench-") as directory:
        path = Path(directory) / "quad.db"
        url = f"sqlite:///{path}"
        command = [
            *QUAD,
            "seed",
            "--size",
            args.size,
            "--seed",
            str(args.seed),
            "--as-of",
            args.as_of.isoformat(),
            "--database-url",
            url,
        ]
        started = time.perf_counter()
        # The seed's own progress goes to standard error, as it happens.
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        megabytes = path.stat().st_size / 1024 / 1024
        counts = row_counts(url)

    print(
        f"quad seed --size {args.size} --seed {args.seed} --as-of {args.as_of}: "
        f"{seconds:.1f} s, peak memory {peak_memory_mb():.0f} MB, "
        f"database file {megabytes:.0f} MB"
    )
    width = max(len(name) for name in counts)
    for name, n_rows in counts.items():
        if n_rows:
            print(f"  {name:<{width}}  {n_rows:>12,}")
    print(f"  {'total':<{width}}  {sum(counts.values()):>12,}")


if __name__ == "__main__":
    main()
