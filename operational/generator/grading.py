"""Marks, final grades, year-end promotion decisions and diplomas.

A mark follows the student's achievement trait, the course, and the days
the student missed in that grading period: each 10% of days missed costs
about six points. Marks exist for the grading periods that have ended by the
as-of date, for students on the roster on the period's last day; final
grades for completed years, for students on the roster on the last day.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from operational.generator.organisation import PeriodPlan, Plan, SchoolPlan
from operational.generator.population import Population
from operational.generator.school_calendar import INSTRUCTIONAL_DAYS, YearCalendar
from operational.generator.sizes import stream

LAST_DAY = INSTRUCTIONAL_DAYS - 1
MEAN_PERCENT = 79.0
ABILITY_POINTS = 7.5  # points per standard deviation of achievement
ABSENCE_POINTS = 60.0  # points lost going from no absences to every day
PASSING_FLOOR = 61.0

# Students do better in some subjects than in others.
SUBJECT_SHIFT = {
    "mathematics": -2.5,
    "english": 0.0,
    "science": -1.0,
    "social_studies": 0.5,
    "world_languages": 0.0,
    "arts": 4.0,
    "physical_education": 6.0,
    "electives": 3.0,
}


@dataclass(frozen=True)
class SchoolMarks:
    marks: pl.DataFrame  # student_id, section_id, grading_period_id, percent
    finals: pl.DataFrame  # student_id, section_id, percent


def school_marks(
    plan: Plan,
    year: YearCalendar,
    school: SchoolPlan,
    stays: pl.DataFrame,
    placements: pl.DataFrame,
    periods: list[PeriodPlan],
    member: np.ndarray,
    absent: np.ndarray,
    graduates: np.ndarray,
) -> SchoolMarks:
    """Marks of one school's year. `stays` are its enrollments in the order of
    the rows of `member` and `absent`; `placements` its roster places with
    the section's subject."""
    rng = stream(plan.seed, "marks", year.school_year_id, school.school_id)
    row = np.searchsorted(
        stays["enrollment_id"].to_numpy(), placements["enrollment_id"].to_numpy()
    )
    entry = stays["entry_day"].to_numpy()[row]
    exit_ = stays["exit_day"].fill_null(LAST_DAY).to_numpy()[row]
    shift = np.array([SUBJECT_SHIFT[s] for s in placements["subject"]])
    course = MEAN_PERCENT + shift + rng.normal(0.0, 4.0, placements.height)
    course += ABILITY_POINTS * stays["ability_z"].to_numpy()[row]

    parts = []
    for period in periods:
        if not period.has_ended(year):
            continue
        span = slice(period.first_day, period.last_day + 1)
        days = member[:, span].sum(axis=1)[row]
        missed = absent[:, span].sum(axis=1)[row]
        share_missed = missed / np.maximum(days, 1)
        percent = course - ABSENCE_POINTS * (share_missed - 0.05)
        percent += rng.normal(0.0, 3.5, placements.height)
        on_roster = (entry <= period.last_day) & (exit_ >= period.last_day)
        parts.append(
            placements.select("student_id", "section_id")
            .with_columns(
                grading_period_id=pl.lit(period.grading_period_id, pl.Int64),
                percent=np.round(np.clip(percent, 25.0, 100.0), 1),
            )
            .filter(pl.Series(on_roster))
        )
    marks = pl.concat(parts) if parts else empty_marks()
    return SchoolMarks(
        marks, final_grades(rng, year, placements, exit_, marks, graduates)
    )


def empty_marks() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "student_id": pl.Int64,
            "section_id": pl.Int64,
            "grading_period_id": pl.Int64,
            "percent": pl.Float64,
        }
    )


def final_grades(
    rng: np.random.Generator,
    year: YearCalendar,
    placements: pl.DataFrame,
    exit_: np.ndarray,
    marks: pl.DataFrame,
    graduates: np.ndarray,
) -> pl.DataFrame:
    """The mean of a student's period marks, for those who finished the year."""
    if not year.is_complete:
        return pl.DataFrame(
            schema={
                "student_id": pl.Int64,
                "section_id": pl.Int64,
                "percent": pl.Float64,
            }
        )
    finished = placements.filter(pl.Series(exit_ == LAST_DAY)).select(
        "student_id", "section_id"
    )
    means = marks.group_by("student_id", "section_id").agg(pl.col("percent").mean())
    finals = finished.join(means, on=["student_id", "section_id"], how="inner")
    finals = finals.sort("section_id", "student_id")
    percent = finals["percent"].to_numpy() + rng.normal(0.0, 1.5, finals.height)
    # A graduate passed every senior course: that is what let them graduate.
    floor = np.where(
        np.isin(finals["student_id"].to_numpy(), graduates), PASSING_FLOOR, 0
    )
    percent = np.round(np.clip(np.maximum(percent, floor), 25.0, 100.0), 1)
    return finals.with_columns(percent=percent)


def promotion_rows(plan: Plan, population: Population) -> pl.DataFrame:
    ends = pl.DataFrame(
        {
            "school_year_id": [year.school_year_id for year in plan.years],
            "decided_date": [year.end_date for year in plan.years],
        }
    )
    decisions = population.decisions.join(ends, on="school_year_id", how="left")
    decisions = decisions.with_row_index("promotion_decision_id", offset=1)
    return decisions.select(
        pl.col("promotion_decision_id").cast(pl.Int64),
        "student_id",
        "school_year_id",
        "grade_level",
        "outcome",
        "decided_date",
    )


def diploma_rows(
    plan: Plan, population: Population, profiles: pl.DataFrame
) -> pl.DataFrame:
    """A regular diploma for most graduates; some students with an IEP earn an
    alternative diploma or a certificate of completion instead."""
    rng = stream(plan.seed, "diplomas")
    promotions = promotion_rows(plan, population)
    graduates = (
        promotions.filter(pl.col("outcome") == "graduated")
        .join(
            population.decisions.select("student_id", "school_year_id", "school_id"),
            on=["student_id", "school_year_id"],
        )
        .join(profiles.select("student_id", "disability_iep"), on="student_id")
        .sort("promotion_decision_id")
    )
    draws = rng.random(graduates.height)
    iep = graduates["disability_iep"].to_numpy()
    kind = np.select(
        [iep & (draws < 0.12), iep & (draws < 0.18)],
        ["alternative", "certificate_of_completion"],
        "regular",
    )
    return graduates.select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("diploma_id"),
        "student_id",
        "school_id",
        pl.Series("diploma_type", kind.tolist(), dtype=pl.String),
        pl.col("decided_date").alias("awarded_date"),
    )


def graduates_of(population: Population, school_year_id: int) -> np.ndarray:
    return population.decisions.filter(
        pl.col("school_year_id") == school_year_id,
        pl.col("outcome") == "graduated",
    )["student_id"].to_numpy()
