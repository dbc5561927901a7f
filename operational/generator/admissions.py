"""Applications for admission: an accepted one behind every student new to
the district, some turned down, waitlisted or withdrawn, and in a year still
in progress a few waiting for a decision."""

import numpy as np
import polars as pl

from operational.generator import names
from operational.generator.organisation import Plan
from operational.generator.people import RACE_SHARES, People, choose
from operational.generator.population import Population
from operational.generator.scheduling import enrollment_dates
from operational.generator.sizes import stream

NOT_ADMITTED_SHARE = 0.06  # applications without a place, per accepted one
PENDING_SHARE = 0.01  # open applications in a year in progress, per student

NOT_ADMITTED = (
    ("rejected", "outside the attendance area", 0.40),
    ("rejected", "the grade is full", 0.20),
    ("waitlisted", "waiting for a seat in the grade", 0.20),
    ("withdrawn", "the family moved elsewhere", 0.20),
)


def application_rows(
    plan: Plan, population: Population, people: People
) -> pl.DataFrame:
    rng = stream(plan.seed, "applications")
    accepted = accepted_rows(rng, plan, population, people)
    others = other_rows(rng, plan, accepted)
    rows = pl.concat([accepted, others], how="diagonal_relaxed")
    rows = rows.with_row_index("application_id", offset=1)
    return rows.with_columns(pl.col("application_id").cast(pl.Int64))


def accepted_rows(
    rng: np.random.Generator, plan: Plan, population: Population, people: People
) -> pl.DataFrame:
    """Students whose first enrollment brought them into the district."""
    first_stays = (
        enrollment_dates(plan, population.enrollments)
        .sort("enrollment_id")
        .unique("student_id", keep="first", maintain_order=True)
        .filter(pl.col("entry_code").is_in(["new", "transfer_from_outside"]))
        .join(
            people.students.select(
                "student_id", "first_name", "last_name", "birth_date"
            ),
            on="student_id",
        )
        .sort("enrollment_id")
    )
    n = first_stays.height
    entry = first_stays["entry_date"].to_numpy()
    # Families apply in spring for the first day; mid-year arrivals shortly
    # before they start.
    lead = np.where(
        first_stays["entry_day"].to_numpy() == 0,
        rng.integers(20, 150, n),
        rng.integers(3, 30, n),
    )
    submitted = entry - lead
    decided = submitted + (rng.random(n) * lead).astype(np.int64)
    return first_stays.select(
        "school_id",
        "school_year_id",
        "grade_level",
        "first_name",
        "last_name",
        "birth_date",
        pl.Series("submitted_date", submitted),
        pl.lit("accepted").alias("status"),
        pl.Series("decided_date", decided),
        pl.lit(None, pl.String).alias("decision_reason"),
        "student_id",
    )


def other_rows(
    rng: np.random.Generator, plan: Plan, accepted: pl.DataFrame
) -> pl.DataFrame:
    """Applications that did not (or not yet) bring a student."""
    n_closed = int(round(NOT_ADMITTED_SHARE * accepted.height))
    latest = plan.years[-1]
    n_pending = (
        0
        if latest.is_complete
        else int(
            round(
                PENDING_SHARE
                * sum(sum(school.targets.values()) for school in plan.schools)
            )
        )
    )
    n = n_closed + n_pending
    if accepted.is_empty() or n == 0:
        return accepted.clear()
    template = accepted.sample(n, with_replacement=True, seed=int(rng.integers(2**31)))
    template = template.sort("submitted_date", "school_id", "grade_level")
    as_of = np.datetime64(plan.as_of, "D")

    race = choose(rng, RACE_SHARES.items(), n)
    sex = np.where(rng.random(n) < 0.5, "F", "M").astype(object)
    submitted = np.minimum(
        template["submitted_date"].to_numpy() - rng.integers(0, 20, n), as_of
    )
    outcome = rng.integers(0, len(NOT_ADMITTED), n)
    status = np.array([NOT_ADMITTED[k][0] for k in outcome], dtype=object)
    reason = np.array([NOT_ADMITTED[k][1] for k in outcome], dtype=object)
    decided = np.minimum(submitted + rng.integers(3, 25, n), as_of)

    pending = np.arange(n) >= n_closed
    submitted[pending] = as_of - rng.integers(0, 30, n_pending)
    status[pending] = np.where(rng.random(n_pending) < 0.5, "submitted", "under_review")
    reason[pending] = None
    school_year = template["school_year_id"].to_numpy().copy()
    school_year[pending] = latest.school_year_id
    return (
        pl.DataFrame(
            {
                "school_id": template["school_id"],
                "school_year_id": school_year,
                "grade_level": template["grade_level"],
                "first_name": names.first_names(
                    rng, sex, race == "hispanic_latino"
                ).tolist(),
                "last_name": names.surnames(rng, race).tolist(),
                "birth_date": template["birth_date"].to_numpy()
                + rng.integers(-120, 120, n),
                "submitted_date": submitted,
                "status": status.tolist(),
                "decided_date": decided,
                "decision_reason": pl.Series(reason.tolist(), dtype=pl.String),
                "student_id": pl.Series([None] * n, dtype=pl.Int64),
                "pending": pending,
            }
        )
        .with_columns(
            pl.when(~pl.col("pending")).then("decided_date").alias("decided_date")
        )
        .drop("pending")
    )
