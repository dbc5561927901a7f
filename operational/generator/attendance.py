"""Daily attendance of one school's year, drawn for every student and day at
once and kept only where a school records something.

A student's chance of missing a day is their own rate (the absence trait,
their grade, programs such as economic disadvantage or homelessness, and
the school's climate) times the day's factor: Mondays, Fridays and the
winter months run higher, and each school has a flu week. A slice of the
absences are partial days, with minutes; under half a day they count as
present. Tardies, school activities and suspensions are recorded too.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from operational.generator.behaviour import Discipline
from operational.generator.organisation import Plan, SchoolPlan
from operational.generator.people import People
from operational.generator.population import Population, sigmoid
from operational.generator.school_calendar import INSTRUCTIONAL_DAYS, YearCalendar
from operational.generator.sizes import stream
from operational.settings import get_settings

MEDIAN_ABSENCE = 0.036  # daily chance of a student with an average trait
ABSENCE_SPREAD = 0.75  # how far students differ: sigma of the log rate
WEEKDAY_FACTOR = np.array([1.18, 0.92, 0.88, 0.92, 1.22])  # Monday to Friday
MONTH_FACTOR = {
    8: 0.75,
    9: 0.80,
    10: 0.90,
    11: 0.95,
    12: 1.15,
    1: 1.30,
    2: 1.25,
    3: 1.00,
    4: 0.95,
    5: 1.05,
    6: 1.20,
}
# Absence is highest in kindergarten and rises through high school.
GRADE_FACTOR = np.array(
    [1.15, 1.0, 0.95, 0.95, 0.95, 1.0, 1.0, 1.05, 1.05, 1.1, 1.1, 1.15, 1.25]
)
PROGRAM_FACTOR = {
    "economically_disadvantaged": 1.35,
    "disability_iep": 1.25,
    "homeless": 1.8,
    "foster": 1.4,
}
FLU_WEEK = 1.6
PARTIAL_SHARE = 0.12  # of absences, recorded in minutes
PARTIAL_MINUTES = np.array([60, 90, 120, 150, 180, 210, 240, 300])
TARDY_RATE = 0.015
ACTIVITY_RATE = 0.003
LAST_DAY = INSTRUCTIONAL_DAYS - 1


@dataclass(frozen=True)
class SchoolAttendance:
    rows: pl.DataFrame  # daily_attendance rows
    absent: np.ndarray  # (enrollments x days): absent by the metric definition


def stays_with_traits(population: Population, people: People) -> pl.DataFrame:
    """Every enrollment with its student's traits and program flags."""
    traits = population.students.select(
        "student_id", "absence_z", "ability_z", "conduct_z"
    )
    return (
        population.enrollments.join(traits, on="student_id", how="left")
        .join(people.profiles, on="student_id", how="left")
        .sort("enrollment_id")
    )


def membership(stays: pl.DataFrame, year: YearCalendar) -> np.ndarray:
    """(enrollments x days): in membership, up to the as-of date."""
    day = np.arange(INSTRUCTIONAL_DAYS)
    entry = stays["entry_day"].to_numpy()[:, None]
    exit_ = stays["exit_day"].fill_null(LAST_DAY).to_numpy()[:, None]
    return (day >= entry) & (day <= exit_) & (day < year.n_days_to_as_of)


def day_factors(year: YearCalendar, rng: np.random.Generator) -> np.ndarray:
    days = year.days
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    factor = WEEKDAY_FACTOR[weekday] * np.array([MONTH_FACTOR[m] for m in month])
    winter = np.flatnonzero(np.isin(month, [12, 1, 2]))
    flu = int(rng.choice(winter[:-5]))
    factor[flu : flu + 5] *= FLU_WEEK
    return factor


def absence_rates(stays: pl.DataFrame, school: SchoolPlan) -> np.ndarray:
    rate = MEDIAN_ABSENCE * np.exp(ABSENCE_SPREAD * stays["absence_z"].to_numpy())
    rate *= GRADE_FACTOR[stays["grade_level"].to_numpy()] * school.absence_factor
    for program, factor in PROGRAM_FACTOR.items():
        rate *= np.where(stays[program].to_numpy(), factor, 1.0)
    return rate


@dataclass(frozen=True)
class Cells:
    """The student-days a school records, as parallel arrays."""

    who: np.ndarray  # row of the enrollment
    day: np.ndarray  # index of the instructional day
    code: np.ndarray
    minutes: np.ndarray
    has_minutes: np.ndarray


def school_attendance(
    plan: Plan,
    year: YearCalendar,
    school: SchoolPlan,
    stays: pl.DataFrame,
    member: np.ndarray,
    discipline: Discipline,
    first_id: int,
) -> SchoolAttendance:
    rng = stream(plan.seed, "attendance", year.school_year_id, school.school_id)
    suspended = discipline.out_of_school | discipline.in_school
    cells = recorded_cells(rng, year, school, stays, member, suspended)
    for mask, suspension in (
        (discipline.in_school, "ISS"),
        (discipline.out_of_school, "OSS"),
    ):
        on = mask[cells.who, cells.day]
        cells.code[on] = suspension
        cells.has_minutes[on] = False

    # Half the school day or more away makes a partial day an absence.
    half_day = get_settings().school_day_minutes / 2
    counted = (cells.code == "OSS") | (
        np.isin(cells.code, ["EA", "UA"])
        & (~cells.has_minutes | (cells.minutes >= half_day))
    )
    absent = np.zeros(member.shape, dtype=bool)
    absent[cells.who[counted], cells.day[counted]] = True
    n = len(cells.who)
    rows = pl.DataFrame(
        {
            "daily_attendance_id": np.arange(first_id, first_id + n),
            "student_id": stays["student_id"].to_numpy()[cells.who],
            "school_id": np.full(n, school.school_id),
            "attendance_date": year.days[cells.day],
            "code": cells.code.tolist(),
            "minutes_absent": cells.minutes,
            "has_minutes": cells.has_minutes,
        }
    ).with_columns(
        pl.when("has_minutes").then("minutes_absent").alias("minutes_absent")
    )
    return SchoolAttendance(rows.drop("has_minutes"), absent)


def recorded_cells(
    rng: np.random.Generator,
    year: YearCalendar,
    school: SchoolPlan,
    stays: pl.DataFrame,
    member: np.ndarray,
    suspended: np.ndarray,
) -> Cells:
    """Absences, partial days, tardies and school activities, and every
    suspension day (coded by the caller)."""
    absence_z = stays["absence_z"].to_numpy()
    grade = stays["grade_level"].to_numpy()
    p = np.minimum(absence_rates(stays, school)[:, None] * day_factors(year, rng), 0.9)
    tardy = TARDY_RATE * np.exp(0.5 * absence_z) * np.where(grade >= 9, 1.4, 1.0)
    # One uniform draw per student-day decides it: below p absent (the lowest
    # slice of it a partial day), then tardy, then a school activity.
    draws = rng.random(member.shape, dtype=np.float32)
    drawn = draws < p + tardy[:, None] + ACTIVITY_RATE
    who, day = np.nonzero(member & (drawn | suspended))

    u, p_cell = draws[who, day], p[who, day]
    is_absent = u < p_cell
    is_partial = u < PARTIAL_SHARE * p_cell
    is_tardy = ~is_absent & (u < p_cell + tardy[who])
    p_unexcused = sigmoid(
        -0.5
        + 0.7 * absence_z
        + 0.4 * (grade >= 9)
        + 0.3 * stays["economically_disadvantaged"].to_numpy()
    )
    unexcused = rng.random(len(who)) < p_unexcused[who]
    code = np.full(len(who), "SA", dtype=object)
    code[is_tardy] = "T"
    code[is_absent] = np.where(unexcused[is_absent], "UA", "EA")
    school_day = get_settings().school_day_minutes
    minutes = np.where(
        is_partial,
        np.minimum(rng.choice(PARTIAL_MINUTES, len(who)), school_day),
        rng.integers(5, 46, len(who)),
    )
    return Cells(who, day, code, minutes, is_partial | is_tardy)
