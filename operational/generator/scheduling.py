"""Sections and rosters of the middle and high schools.

Every student of a grade takes the grade's six full-year courses; each course
has as many sections as seats of 28 require, and students are spread over
them at random. A stay in a school is a stay on its sections: the roster
place runs from the enrollment's entry date to its exit date.
"""

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from operational.generator.organisation import (
    COURSE_IDS,
    COURSE_SUBJECTS,
    Plan,
    courses_of_grade,
)
from operational.generator.population import Population
from operational.generator.sizes import stream

SEATS = 28
MIN_CAPACITY = 30


@dataclass(frozen=True)
class Schedule:
    # section_id, course_id, school_id, school_year_id, section_code, subject,
    # capacity (teacher and room are staffing's to fill in).
    sections: pl.DataFrame
    # section_enrollment_id, section_id, student_id, enrollment_id, school_id,
    # school_year_id, entry_date, exit_date.
    placements: pl.DataFrame


def enrollment_dates(plan: Plan, enrollments: pl.DataFrame) -> pl.DataFrame:
    """The enrollments with their entry and exit as dates (exit null while
    enrolled)."""
    year_ids = enrollments["school_year_id"].to_numpy()
    exit_days = enrollments["exit_day"].fill_null(0).to_numpy()
    return enrollments.with_columns(
        entry_date=plan.dates(year_ids, enrollments["entry_day"].to_numpy()),
        exit_date=plan.dates(year_ids, exit_days),
    ).with_columns(
        pl.when(pl.col("exit_day").is_not_null()).then("exit_date").alias("exit_date")
    )


def plan_schedule(plan: Plan, population: Population) -> Schedule:
    stays = enrollment_dates(plan, population.enrollments)
    sections, placements = [], []
    for year in plan.years:
        for school in plan.schools:
            if not school.has_sections:
                continue
            rng = stream(plan.seed, "sections", year.school_year_id, school.school_id)
            here = stays.filter(
                pl.col("school_id") == school.school_id,
                pl.col("school_year_id") == year.school_year_id,
            )
            # Courses taught in several grades number their sections on.
            numbered = dict.fromkeys(COURSE_IDS, 0)
            for grade in school.grades:
                students = here.filter(pl.col("grade_level") == grade)
                if students.is_empty():
                    continue
                n_sections = math.ceil(students.height / SEATS)
                # A grade moves through its courses in cohorts, as a school's
                # block schedule does: classmates in one course are classmates
                # in all, so the timetable can place every cohort clash-free.
                seat = rng.permutation(students.height) % n_sections
                for code in courses_of_grade(grade):
                    first_id = len(sections) + 1
                    counts = np.bincount(seat, minlength=n_sections)
                    for count in counts:
                        numbered[code] += 1
                        sections.append(
                            {
                                "section_id": len(sections) + 1,
                                "course_id": COURSE_IDS[code],
                                "school_id": school.school_id,
                                "school_year_id": year.school_year_id,
                                "section_code": f"{code}-{numbered[code]:02d}",
                                "subject": COURSE_SUBJECTS[code],
                                "capacity": max(MIN_CAPACITY, int(count)),
                            }
                        )
                    placements.append(
                        students.select(
                            "student_id",
                            "enrollment_id",
                            "school_id",
                            "school_year_id",
                            "entry_date",
                            "exit_date",
                        ).with_columns(section_id=pl.Series(seat + first_id))
                    )
    return Schedule(
        sections=pl.DataFrame(sections),
        placements=roster_frame(placements),
    )


def roster_frame(parts: list[pl.DataFrame]) -> pl.DataFrame:
    if not parts:
        return pl.DataFrame(
            schema={
                "section_enrollment_id": pl.Int64,
                "section_id": pl.Int64,
                "student_id": pl.Int64,
                "enrollment_id": pl.Int64,
                "school_id": pl.Int64,
                "school_year_id": pl.Int64,
                "entry_date": pl.Date,
                "exit_date": pl.Date,
            }
        )
    placements = pl.concat(parts).with_row_index("section_enrollment_id", offset=1)
    return placements.with_columns(
        pl.col("section_enrollment_id").cast(pl.Int64),
        pl.col("section_id").cast(pl.Int64),
    )
