"""The synthetic district: deterministic, realistic, cut at the as-of date,
and written only through the services.

The statistics are computed from the rows the way the warehouse will compute
them (the metric definitions of the architecture), not from the generator's
own arrays.
"""

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import DateTime, Engine, func, select, table, text
from typer.testing import CliRunner

from operational.cli import app
from operational.db import session_scope
from operational.errors import DistrictExists
from operational.generator.load import seed_district
from operational.generator.school_calendar import school_years
from operational.generator.sizes import SIZES
from operational.models import AuditLog, Base, SchoolYear
from operational.vocabulary import RACE_ETHNICITY
from tests.support.databases import migrated_database

AS_OF = dt.date(2026, 3, 13)  # a Friday in the third quarter of 2025-2026
SMALL_AS_OF = dt.date(2025, 8, 22)  # two completed years, a third just begun
QUAD = [sys.executable, "-c", "from operational.cli import main; main()"]


@contextmanager
def seeded(
    backend: str, directory: Path, size: str, seed: int, as_of: dt.date
) -> Iterator[Engine]:
    """A new database of `backend` holding one seeded district."""
    with migrated_database(backend, directory) as engine:
        with session_scope(engine) as session:
            seed_district(session, SIZES[size], seed, as_of)
        yield engine


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Iterator[Engine]:
    with seeded("sqlite", tmp_path_factory.mktemp("tiny"), "tiny", 42, AS_OF) as engine:
        yield engine


def frame(engine: Engine, sql: str, **params) -> pl.DataFrame:
    """The rows of a query; dates and flags typed by their names, which
    plain SQL on SQLite returns as text and integers."""
    with engine.connect() as connection:
        result = connection.execute(text(sql), params)
        rows = pl.DataFrame(
            [tuple(row) for row in result], schema=list(result.keys()), orient="row"
        )
    for name, dtype in rows.schema.items():
        if name.endswith("_date") and dtype == pl.String:
            rows = rows.with_columns(pl.col(name).str.to_date())
        elif name.startswith(("is_", "has_")) and dtype != pl.Boolean:
            rows = rows.with_columns(pl.col(name).cast(pl.Boolean))
    return rows


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, keys included, without the timestamps the
    database stamps at write time (created_at, updated_at, posted_at...)."""
    tables = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if not isinstance(c.type, DateTime)]
            query = select(*columns).order_by(*table.primary_key.columns)
            tables[table.name] = [tuple(row) for row in connection.execute(query)]
    return tables


MEMBERSHIP = """
select e.enrollment_id, e.student_id, e.school_id, e.school_year_id,
       c.calendar_date
from enrollment e
join calendar_day c
  on c.school_id = e.school_id and c.school_year_id = e.school_year_id
where c.is_instructional
  and c.calendar_date >= e.entry_date
  and c.calendar_date <= coalesce(e.exit_date, :as_of)
  and c.calendar_date <= :as_of
"""

# Absent: a code of an absence category, for the whole day or at least half
# of the 360-minute school day.
ABSENCES = """
select a.student_id, a.school_id, a.attendance_date as calendar_date
from daily_attendance a
join attendance_code k on k.code = a.code
where k.category in ('excused_absence', 'unexcused_absence', 'suspension')
  and (a.minutes_absent is null or a.minutes_absent >= 180)
"""


def membership_days(engine: Engine, as_of: dt.date) -> pl.DataFrame:
    """One row per membership day, flagged when the student was absent."""
    days = frame(engine, MEMBERSHIP, as_of=as_of.isoformat())
    absences = frame(engine, ABSENCES).with_columns(absent=pl.lit(True))
    return days.join(
        absences, on=["student_id", "school_id", "calendar_date"], how="left"
    ).with_columns(pl.col("absent").fill_null(False))


def chronic_absence(days: pl.DataFrame) -> pl.DataFrame:
    """Per student, school and year: chronically absent by the EDFacts rule."""
    return (
        days.group_by("student_id", "school_id", "school_year_id")
        .agg(n_days=pl.len(), n_absent=pl.col("absent").sum())
        .filter(pl.col("n_days") >= 10)
        .with_columns(
            is_chronic=(pl.col("n_days") - pl.col("n_absent")) / pl.col("n_days")
            <= 0.90
        )
    )


def current_year(engine: Engine) -> tuple[dt.date, dt.date]:
    """First and last day of the school year holding the as-of date."""
    years = frame(engine, "select start_date, end_date from school_year")
    return years.filter(pl.col("start_date") <= AS_OF).sort("start_date").row(-1)


def absence_rate(days: pl.DataFrame, condition: pl.Expr) -> float:
    chosen = days.filter(condition)
    return chosen["absent"].sum() / chosen.height


def test_same_seed_and_date_give_the_same_rows(tiny, tmp_path):
    with seeded("sqlite", tmp_path, "tiny", 42, AS_OF) as again:
        first, second = dump(tiny), dump(again)
    assert first == second
    assert len(first["daily_attendance"]) > 1_000


def test_another_seed_gives_other_rows(tiny, tmp_path):
    with seeded("sqlite", tmp_path, "tiny", 7, AS_OF) as other:
        first, second = dump(tiny), dump(other)
    assert first["student"] != second["student"]
    assert first["daily_attendance"] != second["daily_attendance"]
    assert first["attendance_code"] == second["attendance_code"]


# The tables of the record, each written only by the bulk paths.
RECORD_TABLES = (
    "school",
    "calendar_day",
    "student",
    "student_program",
    "guardian",
    "student_guardian",
    "staff_assignment",
    "section",
    "enrollment",
    "section_enrollment",
    "behavior_incident",
    "discipline_action",
    "daily_attendance",
    "mark",
)


def test_every_row_came_through_an_audited_service(tiny):
    with tiny.connect() as connection:
        audited = connection.execute(
            select(AuditLog.table_name, AuditLog.actor, AuditLog.after_values).where(
                AuditLog.table_name.in_(RECORD_TABLES)
            )
        ).all()
        counts = {
            name: connection.scalar(select(func.count()).select_from(table(name)))
            for name in RECORD_TABLES
        }
    assert {actor for _, actor, _ in audited} == {"system:seed"}
    written = dict.fromkeys(RECORD_TABLES, 0)
    for name, _, after in audited:
        written[name] += (after or {}).get("n_rows", 0)
    assert written == counts
    assert min(counts.values()) > 0


def test_chronic_absence_share_is_realistic(tiny):
    students = chronic_absence(membership_days(tiny, AS_OF))
    share = students["is_chronic"].mean()
    assert 0.15 <= share <= 0.25, share
    assert students.height >= 180


def test_absence_is_higher_on_mondays_fridays_and_in_winter(tiny):
    days = membership_days(tiny, AS_OF).with_columns(
        weekday=pl.col("calendar_date").dt.weekday(),
        month=pl.col("calendar_date").dt.month(),
    )
    monday_friday = absence_rate(days, pl.col("weekday").is_in([1, 5]))
    midweek = absence_rate(days, pl.col("weekday").is_in([2, 3, 4]))
    winter = absence_rate(days, pl.col("month").is_in([12, 1, 2]))
    autumn = absence_rate(days, pl.col("month").is_in([9, 10, 11]))
    assert monday_friday > midweek * 1.15
    assert winter > autumn * 1.15
    assert 0.03 < absence_rate(days, pl.lit(True)) < 0.10


def test_exceptions_only_and_partial_days_under_half_count_present(tiny):
    recorded = frame(tiny, "select code, minutes_absent from daily_attendance")
    student_days = frame(tiny, MEMBERSHIP, as_of=AS_OF.isoformat()).height
    assert 0.05 <= recorded.height / student_days <= 0.12
    codes = set(recorded["code"])
    assert {"T", "EA", "UA", "OSS"} <= codes
    partial = recorded.filter(
        pl.col("code").is_in(["EA", "UA"]) & pl.col("minutes_absent").is_not_null()
    )
    assert (partial["minutes_absent"] < 180).sum() > 0
    assert (partial["minutes_absent"] >= 180).sum() > 0
    tardies = recorded.filter(pl.col("code") == "T")
    assert tardies["minutes_absent"].is_not_null().all()


def test_race_mix_has_all_seven_categories_in_us_shares(tiny):
    races = frame(tiny, "select race_ethnicity from student")["race_ethnicity"]
    shares = races.value_counts(normalize=True)
    share = dict(zip(shares["race_ethnicity"], shares["proportion"], strict=True))
    assert set(share) == set(RACE_ETHNICITY)
    assert 0.35 <= share["white"] <= 0.55
    assert 0.20 <= share["hispanic_latino"] <= 0.36
    assert 0.10 <= share["black_african_american"] <= 0.20


def test_program_flags_start_and_end_during_the_year(tiny):
    year = current_year(tiny)
    programs = frame(tiny, "select * from student_program")
    ended = programs.filter(pl.col("end_date").is_between(year[0], AS_OF))
    started = programs.filter(pl.col("start_date").is_between(year[0], AS_OF))
    assert ended.height > 0 and started.height > 0
    assert (programs["end_date"].drop_nulls() <= AS_OF).all()

    enrolled = frame(tiny, "select student_id from enrollment where exit_date is null")
    on_as_of = programs.filter(
        pl.col("program") == "economically_disadvantaged",
        pl.col("start_date") <= AS_OF,
        pl.col("end_date").is_null() | (pl.col("end_date") >= AS_OF),
    )
    share = enrolled.join(on_as_of, on="student_id").height / enrolled.height
    assert 0.35 <= share <= 0.55, share


def test_students_enter_and_leave_during_the_year(tiny):
    stays = frame(tiny, "select * from enrollment")
    first_day = current_year(tiny)[0]
    assert stays.filter(pl.col("entry_date") > first_day).height > 0
    left = stays.filter(pl.col("exit_date").is_not_null())
    assert left.height > 0
    assert set(left["exit_code"]) <= {
        "transfer_out_district",
        "transfer_private_or_home",
        "emigrated",
        "dropped_out",
        "other",
    }
    assert "dropped_out" in set(left["exit_code"])


def test_nothing_is_recorded_after_the_as_of_date(tiny):
    assert (
        frame(
            tiny, "select max(attendance_date) as last_date from daily_attendance"
        ).item()
        <= AS_OF
    )
    assert (
        frame(
            tiny, "select max(incident_date) as last_date from behavior_incident"
        ).item()
        <= AS_OF
    )
    stays = frame(tiny, "select exit_date, exit_code from enrollment")
    assert (stays["exit_date"].drop_nulls() <= AS_OF).all()
    assert stays["exit_date"].is_null().sum() > 150

    periods = frame(
        tiny, "select grading_period_id, end_date, is_closed from grading_period"
    )
    closed = periods.filter(pl.col("is_closed"))
    assert set(closed["end_date"] <= AS_OF) == {True}
    assert set(periods.filter(~pl.col("is_closed"))["end_date"] > AS_OF) == {True}
    marked = frame(tiny, "select distinct grading_period_id from mark")
    assert set(marked["grading_period_id"]) == set(closed["grading_period_id"])
    assert frame(tiny, "select count(*) as n from final_grade").item() == 0


def test_the_latest_year_holds_the_as_of_date():
    for as_of, name in [
        (dt.date(2026, 12, 3), "2026-2027"),
        (dt.date(2026, 7, 15), "2025-2026"),
        (dt.date(2026, 3, 13), "2025-2026"),
    ]:
        assert school_years(as_of, 3)[-1].name == name


def test_calendar_has_every_date_and_180_instructional_days(tiny):
    days = frame(tiny, "select * from calendar_day order by calendar_date")
    year = current_year(tiny)
    days = days.filter(pl.col("calendar_date").is_between(*year))
    assert days.height == (year[1] - year[0]).days + 1
    assert days["is_instructional"].sum() == 180
    closed = days.filter(~pl.col("is_instructional"))
    assert closed["reason"].is_not_null().all()
    assert {"weekend", "winter break", "Thanksgiving Day", "Labor Day"} <= set(
        closed["reason"]
    )
    assert dt.date(2025, 8, 13) <= year[0] <= dt.date(2025, 8, 19)
    assert dt.date(2026, 6, 1) <= year[1] <= dt.date(2026, 6, 10)


def test_guardians_staff_and_sections(tiny):
    links = frame(tiny, "select student_id, relationship from student_guardian")
    per_student = links.group_by("student_id").len()["len"]
    assert per_student.min() >= 1 and per_student.max() <= 2
    assert frame(tiny, "select count(*) as n from student").item() == per_student.len()
    assert {"mother", "father"} <= set(links["relationship"])
    positions = set(frame(tiny, "select position from staff_assignment")["position"])
    assert {"principal", "counselor", "registrar", "teacher"} <= positions
    sections = frame(tiny, "select teacher_id from section")
    assert sections["teacher_id"].is_not_null().all()


def test_marks_follow_attendance(tiny):
    rates = chronic_absence(membership_days(tiny, AS_OF))
    marks = frame(tiny, "select student_id, percent from mark").with_columns(
        pl.col("percent").cast(pl.Float64)
    )
    means = marks.group_by("student_id").agg(pl.col("percent").mean())
    joined = rates.join(means, on="student_id")
    chronic = joined.filter(pl.col("is_chronic"))["percent"].mean()
    others = joined.filter(~pl.col("is_chronic"))["percent"].mean()
    assert chronic < others - 5
    letters = set(frame(tiny, "select letter from mark")["letter"])
    assert {"A", "B", "C", "F"} <= letters


def test_incidents_lead_to_discipline_and_suspension_days(tiny):
    incidents = frame(tiny, "select kind from behavior_incident")
    assert set(incidents["kind"]) == {"conduct", "state_reportable"}
    actions = frame(tiny, "select action, days from discipline_action")
    suspensions = actions.filter(pl.col("action") == "out_of_school_suspension")
    assert suspensions.height > 0
    assert (suspensions["days"].cast(pl.Float64) >= 1).all()
    assert {"detention", "in_school_suspension"} <= set(actions["action"])


def test_small_district_has_graduates_dropouts_and_transfers(tmp_path):
    with seeded("sqlite", tmp_path, "small", 42, SMALL_AS_OF) as small:
        check_small_district(small)


def check_small_district(small: Engine) -> None:
    years = frame(
        small,
        "select * from school_year where start_date <= :as_of order by start_date",
        as_of=SMALL_AS_OF.isoformat(),
    )
    assert years["name"].to_list() == ["2023-2024", "2024-2025", "2025-2026"]
    stays = frame(small, "select * from enrollment")
    codes = stays["exit_code"].value_counts()
    count = dict(zip(codes["exit_code"], codes["count"], strict=True))
    assert count["graduated"] > 100
    assert count["dropped_out"] > 10
    assert count["promoted_to_next_school"] > 100
    diplomas = frame(small, "select student_id from diploma")
    assert diplomas.height == count["graduated"]

    # A transfer within the district opens a stay at another school on a
    # later day: the spans never overlap.
    moves = stays.filter(pl.col("exit_code") == "transfer_in_district").join(
        stays.filter(pl.col("entry_code") == "transfer_in_district"),
        on=["student_id", "school_year_id"],
        suffix="_next",
    )
    assert moves.height > 10
    assert (moves["school_id"] != moves["school_id_next"]).all()
    assert (moves["entry_date_next"] > moves["exit_date"]).all()

    decisions = frame(small, "select school_year_id, outcome from promotion_decision")
    assert set(decisions["outcome"]) == {"promoted", "retained", "graduated"}
    assert set(decisions["school_year_id"]) == set(years["school_year_id"][:2])
    finals = frame(small, "select count(*) as n from final_grade").item()
    assert finals > 5_000

    students = chronic_absence(membership_days(small, SMALL_AS_OF))
    completed = students.filter(pl.col("school_year_id") < 3)
    assert 0.15 <= completed["is_chronic"].mean() <= 0.25
    by_school = completed.group_by("school_id").agg(pl.col("is_chronic").mean())
    assert by_school["is_chronic"].max() - by_school["is_chronic"].min() > 0.05
    econ = frame(
        small,
        "select distinct student_id, 1 as econ from student_program "
        "where program = 'economically_disadvantaged'",
    )
    flagged = completed.join(econ, on="student_id", how="left")
    poor = flagged.filter(pl.col("econ").is_not_null())["is_chronic"].mean()
    others = flagged.filter(pl.col("econ").is_null())["is_chronic"].mean()
    assert poor > others + 0.03


def test_seeding_refuses_a_database_that_holds_a_district(tiny):
    with session_scope(tiny) as session, pytest.raises(DistrictExists):
        seed_district(session, SIZES["tiny"], 42, AS_OF)

    url = tiny.url.render_as_string(hide_password=False)
    refused = run_quad("seed", "--size", "tiny", "--database-url", url)
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert refused.stderr.startswith("quad: the database already holds a district")


def test_if_empty_leaves_a_seeded_database_alone(tiny):
    url = tiny.url.render_as_string(hide_password=False)
    before = frame(tiny, "select count(*) as n from audit_log").item()
    result = CliRunner().invoke(
        app, ["seed", "--size", "tiny", "--if-empty", "--database-url", url]
    )
    assert result.exit_code == 0, result.output
    assert "left as it is" in result.output
    assert frame(tiny, "select count(*) as n from audit_log").item() == before


def test_unknown_size_is_a_usage_error_without_traceback():
    result = CliRunner().invoke(app, ["seed", "--size", "huge"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for word in ("--size", "'huge'", "'tiny'", "'small'", "'district'", "'large'"):
        assert word in result.output


@pytest.mark.postgres
def test_tiny_seed_on_postgres_writes_the_same_rows(tiny, tmp_path):
    with seeded("postgres", tmp_path, "tiny", 42, AS_OF) as postgres:
        assert dump(postgres) == dump(tiny)
        with session_scope(postgres) as session:
            assert session.scalar(select(SchoolYear.name)) == "2025-2026"


def run_quad(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*QUAD, *args], capture_output=True, text=True, timeout=120, check=False
    )
