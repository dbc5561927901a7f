"""The district's organisation: schools, school years, calendars, grading
periods, and the reference data every school shares (grade scale, attendance
codes, course catalogue, graduation requirements)."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from operational.generator import names
from operational.generator.school_calendar import (
    INSTRUCTIONAL_DAYS,
    QUARTER_DAYS,
    TRIMESTER_DAYS,
    YearCalendar,
    school_years,
)
from operational.generator.sizes import (
    GRADE_SPANS,
    GRADE_WEIGHTS,
    DistrictSize,
    stream,
)

DISTRICT_ID = 1
GRADE_SCALE_ID = 1

# Share of students economically disadvantaged across the district; close to
# the US public-school share eligible for free or reduced-price meals.
ECONOMICALLY_DISADVANTAGED_SHARE = 0.45

BANDS = (
    ("A", "93", "4.0"),
    ("A-", "90", "3.7"),
    ("B+", "87", "3.3"),
    ("B", "83", "3.0"),
    ("B-", "80", "2.7"),
    ("C+", "77", "2.3"),
    ("C", "73", "2.0"),
    ("C-", "70", "1.7"),
    ("D+", "67", "1.3"),
    ("D", "63", "1.0"),
    ("D-", "60", "0.7"),
    ("F", "0", "0.0"),
)

# In-school suspension counts as present: the student is on school grounds,
# which is what the federal (EDFacts) definition of absence turns on.
ATTENDANCE_CODES = (
    ("T", "tardy", "Tardy"),
    ("EA", "excused_absence", "Excused absence (illness, appointment, family)"),
    ("UA", "unexcused_absence", "Unexcused absence"),
    ("OSS", "suspension", "Out-of-school suspension"),
    ("ISS", "present", "In-school suspension (on school grounds)"),
    ("SA", "present", "School activity away from class (field trip, event)"),
)

GRADUATION_CREDITS = (
    ("english", "4"),
    ("mathematics", "3"),
    ("science", "3"),
    ("social_studies", "3"),
    ("world_languages", "2"),
    ("arts", "1"),
    ("physical_education", "1"),
    ("electives", "2"),
)

# The catalogue: code, title, subject, the grades it is taught in. Every
# course is a full-year course of one credit.
CATALOGUE = (
    ("ENG6", "English Language Arts 6", "english", 6, 6),
    ("ENG7", "English Language Arts 7", "english", 7, 7),
    ("ENG8", "English Language Arts 8", "english", 8, 8),
    ("MATH6", "Mathematics 6", "mathematics", 6, 6),
    ("MATH7", "Mathematics 7", "mathematics", 7, 7),
    ("PREALG", "Pre-Algebra", "mathematics", 8, 8),
    ("SCI6", "Earth Science", "science", 6, 6),
    ("SCI7", "Life Science", "science", 7, 7),
    ("SCI8", "Physical Science", "science", 8, 8),
    ("SOC6", "World Geography", "social_studies", 6, 6),
    ("SOC7", "Ancient Civilizations", "social_studies", 7, 7),
    ("SOC8", "American History to 1877", "social_studies", 8, 8),
    ("PEMS", "Physical Education", "physical_education", 6, 8),
    ("ARTMS", "Art and Music", "arts", 6, 6),
    ("SPANMS", "Exploring Spanish", "world_languages", 7, 8),
    ("ENG9", "English 9", "english", 9, 9),
    ("ENG10", "English 10", "english", 10, 10),
    ("ENG11", "American Literature", "english", 11, 11),
    ("ENG12", "British and World Literature", "english", 12, 12),
    ("ALG1", "Algebra I", "mathematics", 9, 9),
    ("GEOM", "Geometry", "mathematics", 10, 10),
    ("ALG2", "Algebra II", "mathematics", 11, 11),
    ("PRECALC", "Precalculus", "mathematics", 12, 12),
    ("BIO", "Biology", "science", 9, 9),
    ("CHEM", "Chemistry", "science", 10, 10),
    ("PHYS", "Physics", "science", 11, 11),
    ("ENVSCI", "Environmental Science", "science", 12, 12),
    ("WHIST", "World History", "social_studies", 9, 9),
    ("USHIST", "United States History", "social_studies", 10, 10),
    ("GOVECON", "Government and Economics", "social_studies", 11, 11),
    ("SPAN1", "Spanish I", "world_languages", 9, 9),
    ("SPAN2", "Spanish II", "world_languages", 10, 10),
    ("PE9", "Physical Education", "physical_education", 9, 9),
    ("HEALTH", "Health and Wellness", "physical_education", 12, 12),
    ("ART1", "Art I", "arts", 10, 10),
    ("CSP", "Computer Science Principles", "electives", 11, 11),
    ("MUSIC", "Music Ensemble", "arts", 11, 11),
    ("PSYCH", "Psychology", "electives", 12, 12),
    ("FINLIT", "Personal Finance", "electives", 12, 12),
)

COURSE_IDS = {code: number for number, (code, *_) in enumerate(CATALOGUE, start=1)}
COURSE_SUBJECTS = {code: subject for code, _, subject, _, _ in CATALOGUE}


def courses_of_grade(grade: int) -> list[str]:
    """The six courses every student of a middle or high-school grade takes."""
    return [code for code, _, _, low, high in CATALOGUE if low <= grade <= high]


@dataclass(frozen=True)
class SchoolPlan:
    school_id: int
    school_number: str
    name: str
    level: str
    low_grade: int
    high_grade: int
    targets: dict[int, int]  # grade -> students at the start of a year
    poverty: float  # share of its students economically disadvantaged
    absence_factor: float  # how much more its students miss than the district

    @property
    def grades(self) -> range:
        return range(self.low_grade, self.high_grade + 1)

    @property
    def has_sections(self) -> bool:
        """Middle and high schools schedule sections; elementary classes are
        homerooms, which the record does not keep as sections."""
        return self.level != "elementary"


@dataclass(frozen=True)
class Plan:
    size: DistrictSize
    seed: int
    as_of: dt.date
    years: list[YearCalendar]
    schools: list[SchoolPlan]

    def schools_of(self, level: str) -> list[SchoolPlan]:
        return [school for school in self.schools if school.level == level]

    def dates(self, year_ids: np.ndarray, day_indexes: np.ndarray) -> np.ndarray:
        """The instructional date of each (school year, day index) pair."""
        dates = np.empty(len(year_ids), dtype="datetime64[D]")
        for year in self.years:
            chosen = year_ids == year.school_year_id
            dates[chosen] = year.days[day_indexes[chosen]]
        return dates

    def start_year(self, school_year_id: int) -> int:
        return next(
            year.start_date.year
            for year in self.years
            if year.school_year_id == school_year_id
        )


def plan_district(size: DistrictSize, seed: int, as_of: dt.date) -> Plan:
    rng = stream(seed, "schools")
    levels = [
        ("elementary", size.n_elementary),
        ("middle", size.n_middle),
        ("high", size.n_high),
    ]
    weights = {
        level: sum(GRADE_WEIGHTS.get(g, 1.0) for g in range(low, high + 1))
        for level, (low, high) in GRADE_SPANS.items()
    }
    per_grade = size.n_students / sum(weights[level] for level, n in levels if n)

    drafts = []
    for level, n_schools in levels:
        if not n_schools:
            continue
        low, high = GRADE_SPANS[level]
        shares = rng.lognormal(0.0, 0.2, n_schools)
        shares /= shares.sum()
        school_names = names.school_names(n_schools, level, rng)
        for share, name in zip(shares, school_names, strict=True):
            targets = {
                grade: max(1, round(per_grade * GRADE_WEIGHTS.get(grade, 1.0) * share))
                for grade in range(low, high + 1)
            }
            drafts.append((level, name, targets, rng.beta(4.5, 5.5), rng.normal()))

    # Rescale so the district as a whole hits its shares whatever the draws.
    sizes = np.array([sum(targets.values()) for _, _, targets, _, _ in drafts])
    poverty = np.array([draft[3] for draft in drafts])
    poverty *= ECONOMICALLY_DISADVANTAGED_SHARE / np.average(poverty, weights=sizes)
    poverty = np.clip(poverty, 0.05, 0.95)
    climate = np.exp(
        0.22 * np.array([draft[4] for draft in drafts]) + 0.9 * (poverty - 0.45)
    )
    climate /= np.average(climate, weights=sizes)

    schools = [
        SchoolPlan(
            school_id=number,
            school_number=f"{100 + number * 10}",
            name=name,
            level=level,
            low_grade=GRADE_SPANS[level][0],
            high_grade=GRADE_SPANS[level][1],
            targets=targets,
            poverty=float(poverty[number - 1]),
            absence_factor=float(climate[number - 1]),
        )
        for number, (level, name, targets, _, _) in enumerate(drafts, start=1)
    ]
    return Plan(size, seed, as_of, school_years(as_of, size.n_years), schools)


def district_rows() -> list[dict[str, Any]]:
    return [
        {
            "district_id": DISTRICT_ID,
            "name": "Riverbend Unified School District",
            "state_code": "WA",
        }
    ]


def grade_scale_rows() -> list[dict[str, Any]]:
    return [{"grade_scale_id": GRADE_SCALE_ID, "name": "Letter grades A-F"}]


def grade_band_rows() -> list[dict[str, Any]]:
    return [
        {
            "grade_scale_band_id": number,
            "grade_scale_id": GRADE_SCALE_ID,
            "letter": letter,
            "min_percent": Decimal(minimum),
            "grade_points": Decimal(points),
            "is_passing": letter != "F",
        }
        for number, (letter, minimum, points) in enumerate(BANDS, start=1)
    ]


def graduation_requirement_rows() -> list[dict[str, Any]]:
    return [
        {
            "graduation_requirement_id": number,
            "subject": subject,
            "credits_required": Decimal(credits),
        }
        for number, (subject, credits) in enumerate(GRADUATION_CREDITS, start=1)
    ]


def attendance_code_rows() -> list[dict[str, Any]]:
    return [
        {"code": code, "category": category, "description": description}
        for code, category, description in ATTENDANCE_CODES
    ]


def course_rows() -> list[dict[str, Any]]:
    return [
        {
            "course_id": COURSE_IDS[code],
            "course_code": code,
            "title": title,
            "subject": subject,
            "credits": Decimal("1.00"),
            "low_grade": low,
            "high_grade": high,
        }
        for code, title, subject, low, high in CATALOGUE
    ]


def school_rows(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "school_id": school.school_id,
            "district_id": DISTRICT_ID,
            "school_number": school.school_number,
            "name": school.name,
            "level": school.level,
            "low_grade": school.low_grade,
            "high_grade": school.high_grade,
            "grade_scale_id": GRADE_SCALE_ID,
        }
        for school in plan.schools
    ]


def school_year_rows(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "school_year_id": year.school_year_id,
            "name": year.name,
            "start_date": year.start_date,
            "end_date": year.end_date,
        }
        for year in plan.years
    ]


def calendar_day_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    for year in plan.years:
        for school in plan.schools:
            for day, reason in zip(year.dates, year.reasons, strict=True):
                yield {
                    "school_id": school.school_id,
                    "calendar_date": day,
                    "school_year_id": year.school_year_id,
                    "is_instructional": reason is None,
                    "reason": reason,
                }


@dataclass(frozen=True)
class PeriodPlan:
    grading_period_id: int
    school_id: int
    school_year_id: int
    sequence: int
    name: str
    first_day: int  # index of its first instructional day in the year
    last_day: int

    def has_ended(self, year: YearCalendar) -> bool:
        return self.last_day < year.n_days_to_as_of


def grading_periods(plan: Plan) -> list[PeriodPlan]:
    """Quarters in middle and high schools, trimesters in elementary ones."""
    periods = []
    for year in plan.years:
        for school in plan.schools:
            if school.has_sections:
                length, label = QUARTER_DAYS, "Quarter"
            else:
                length, label = TRIMESTER_DAYS, "Trimester"
            for sequence, first in enumerate(
                range(0, INSTRUCTIONAL_DAYS, length), start=1
            ):
                periods.append(
                    PeriodPlan(
                        grading_period_id=len(periods) + 1,
                        school_id=school.school_id,
                        school_year_id=year.school_year_id,
                        sequence=sequence,
                        name=f"{label} {sequence}",
                        first_day=first,
                        last_day=first + length - 1,
                    )
                )
    return periods


def grading_period_rows(plan: Plan, periods: list[PeriodPlan]) -> list[dict]:
    years = {year.school_year_id: year for year in plan.years}
    return [
        {
            "grading_period_id": period.grading_period_id,
            "school_id": period.school_id,
            "school_year_id": period.school_year_id,
            "name": period.name,
            "sequence": period.sequence,
            "start_date": years[period.school_year_id].day(period.first_day),
            "end_date": years[period.school_year_id].day(period.last_day),
            "is_closed": False,
        }
        for period in periods
    ]
