"""Writing the synthetic district through the operational services.

Only the services write the database (architecture rule 1), so every row goes
through a bulk path that runs the single-record validation. Keys are chosen
here, deterministically, so related rows name each other without reading
anything back. The large tables go one school and year at a time, which
keeps memory flat whatever the size.
"""

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.errors import DistrictExists
from operational.generator import organisation as org
from operational.generator.admissions import application_rows
from operational.generator.attendance import (
    membership,
    school_attendance,
    stays_with_traits,
)
from operational.generator.behaviour import school_discipline
from operational.generator.coursework import seed_coursework
from operational.generator.grading import (
    diploma_rows,
    graduates_of,
    promotion_rows,
    school_marks,
)
from operational.generator.operations import load_operations
from operational.generator.people import People, make_people
from operational.generator.population import Population, simulate
from operational.generator.scheduling import Schedule, enrollment_dates, plan_schedule
from operational.generator.school_calendar import YearCalendar
from operational.generator.sizes import DistrictSize
from operational.generator.staffing import Staffing, plan_staff
from operational.generator.timetable import load_timetable_and_messages
from operational.models import (
    Application,
    AttendanceCode,
    BehaviorIncident,
    CalendarDay,
    Course,
    Diploma,
    DisciplineAction,
    District,
    GradeScale,
    GradeScaleBand,
    GradingPeriod,
    GraduationRequirement,
    Guardian,
    PromotionDecision,
    Room,
    School,
    SchoolYear,
    Section,
    Staff,
    StaffAssignment,
    Student,
    StudentGuardian,
    StudentProgram,
)
from operational.services import attendance, enrollment, grading, records, rosters

log = logging.getLogger(__name__)

ACTOR = "system:seed"

Rows = pl.DataFrame | Iterable[dict[str, Any]]
BulkService = Callable[[Session, Iterable[dict[str, Any]], str], int]

ENROLLMENT_COLUMNS = (
    "enrollment_id",
    "student_id",
    "school_id",
    "school_year_id",
    "grade_level",
    "entry_date",
    "entry_code",
    "exit_date",
    "exit_code",
)
SECTION_COLUMNS = (
    "section_id",
    "course_id",
    "school_id",
    "school_year_id",
    "section_code",
    "teacher_id",
    "room_id",
    "capacity",
)
PLACEMENT_COLUMNS = (
    "section_enrollment_id",
    "section_id",
    "student_id",
    "entry_date",
    "exit_date",
)


class Loader:
    """Feeds rows to the services and counts what each table received."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.counts: Counter[str] = Counter()

    def create(self, model: type, rows: Rows) -> None:
        self.through(records_path(model), model.__tablename__, rows)

    def through(self, service: BulkService, table: str, rows: Rows) -> None:
        if isinstance(rows, pl.DataFrame):
            rows = rows.iter_rows(named=True)
        self.counts[table] += service(self.session, rows, ACTOR)


def records_path(model: type) -> BulkService:
    def create(session: Session, rows: Iterable[dict[str, Any]], actor: str) -> int:
        return records.bulk_create(session, model, rows, actor)

    return create


def ensure_empty(session: Session) -> None:
    """Refuse to seed over a district: the generated keys would collide with
    the rows there, and mixing real and synthetic records helps nobody."""
    n_districts = session.scalar(select(func.count()).select_from(District))
    n_students = session.scalar(select(func.count()).select_from(Student))
    if n_districts or n_students:
        raise DistrictExists(
            f"the database already holds a district ({n_students} students); "
            "seed into an empty database: point --database-url at a new file, "
            "or delete this one first"
        )


@dataclass(frozen=True)
class SyntheticDistrict:
    """Everything generated before the first write."""

    plan: org.Plan
    population: Population
    people: People
    schedule: Schedule
    staffing: Staffing
    periods: list[org.PeriodPlan]
    reporters: dict[int, list[str]]  # school -> who reports its incidents


def generate(size: DistrictSize, seed: int, as_of: dt.date) -> SyntheticDistrict:
    started = time.perf_counter()
    plan = org.plan_district(size, seed, as_of)
    population = simulate(plan)
    people = make_people(plan, population)
    schedule = plan_schedule(plan, population)
    staffing = plan_staff(plan, schedule.sections)
    log.info(
        "planned the synthetic district (size %s, seed %d, as of %s): %d schools, "
        "%d students, %s in %.1f s",
        size.name,
        seed,
        as_of,
        len(plan.schools),
        population.students.height,
        ", ".join(year.name for year in plan.years),
        time.perf_counter() - started,
    )
    return SyntheticDistrict(
        plan,
        population,
        people,
        schedule,
        staffing,
        org.grading_periods(plan),
        reporter_names(staffing),
    )


def seed_district(
    session: Session, size: DistrictSize, seed: int, as_of: dt.date
) -> Counter[str]:
    """Generate a district and write it in the caller's transaction; returns
    the rows written per table."""
    ensure_empty(session)
    district = generate(size, seed, as_of)
    plan, population = district.plan, district.population

    loader = Loader(session)
    load_organisation(loader, plan, district.periods, district.staffing)
    load_people(loader, plan, population, district.people)
    for year in plan.years:
        load_year(loader, district, year)
    loader.create(PromotionDecision, promotion_rows(plan, population))
    loader.create(Diploma, diploma_rows(plan, population, district.people.profiles))
    loader.counts.update(load_operations(session, seed, as_of))
    loader.counts.update(seed_coursework(session, seed, as_of, ACTOR))
    loader.counts.update(load_timetable_and_messages(session, seed, as_of))
    return loader.counts


def load_organisation(
    loader: Loader,
    plan: org.Plan,
    periods: list[org.PeriodPlan],
    staffing: Staffing,
) -> None:
    loader.create(District, org.district_rows())
    loader.create(GradeScale, org.grade_scale_rows())
    loader.create(GradeScaleBand, org.grade_band_rows())
    loader.create(GraduationRequirement, org.graduation_requirement_rows())
    loader.create(AttendanceCode, org.attendance_code_rows())
    loader.create(School, org.school_rows(plan))
    loader.create(Room, staffing.rooms)
    loader.create(SchoolYear, org.school_year_rows(plan))
    loader.create(GradingPeriod, org.grading_period_rows(plan, periods))
    loader.create(CalendarDay, org.calendar_day_rows(plan))
    loader.create(Course, org.course_rows())
    loader.create(Staff, staffing.staff)
    loader.create(StaffAssignment, staffing.assignments)
    loader.create(Section, staffing.sections.select(SECTION_COLUMNS))
    log.info(
        "wrote the organisation: %d schools, %d calendar days, %d sections",
        loader.counts["school"],
        loader.counts["calendar_day"],
        loader.counts["section"],
    )


def load_people(
    loader: Loader, plan: org.Plan, population: Population, people: People
) -> None:
    loader.create(Student, people.students)
    loader.create(StudentProgram, people.programs)
    loader.create(Guardian, people.guardians)
    loader.create(StudentGuardian, people.student_guardians)
    loader.create(Application, application_rows(plan, population, people))
    log.info(
        "wrote %d students, %d program flags, %d guardians",
        loader.counts["student"],
        loader.counts["student_program"],
        loader.counts["guardian"],
    )


def load_year(loader: Loader, district: SyntheticDistrict, year: YearCalendar) -> None:
    """One school year: its enrollments, then school by school the rosters,
    discipline, attendance and marks; the periods that ended close last."""
    started = time.perf_counter()
    plan = district.plan
    in_year = pl.col("school_year_id") == year.school_year_id
    enrollments = district.population.enrollments.filter(in_year)
    rows = enrollment_dates(plan, enrollments).select(ENROLLMENT_COLUMNS)
    for school in plan.schools:
        chunk = rows.filter(pl.col("school_id") == school.school_id)
        loader.through(enrollment.bulk_enroll, "enrollment", chunk)

    stays = stays_with_traits(district.population, district.people).filter(in_year)
    by_school = stays.partition_by("school_id", as_dict=True, maintain_order=True)
    subjects = district.staffing.sections.select("section_id", "subject")
    placements = district.schedule.placements.filter(in_year)
    placements = placements.join(subjects, on="section_id")
    for school in plan.schools:
        here = by_school.get((school.school_id,))
        if here is not None:
            roster = placements.filter(pl.col("school_id") == school.school_id)
            load_school_year(loader, district, year, school, here, roster)

    for period in district.periods:
        if period.school_year_id == year.school_year_id and period.has_ended(year):
            grading.close_grading_period(
                loader.session, ACTOR, period.grading_period_id
            )
    log.info(
        "wrote %s in %.1f s: %d attendance records and %d marks so far",
        year.name,
        time.perf_counter() - started,
        loader.counts["daily_attendance"],
        loader.counts["mark"],
    )


def load_school_year(
    loader: Loader,
    district: SyntheticDistrict,
    year: YearCalendar,
    school: org.SchoolPlan,
    stays: pl.DataFrame,
    roster: pl.DataFrame,
) -> None:
    """One school's year after its enrollments: `stays` are its enrollments
    with traits, `roster` its section places."""
    plan = district.plan
    loader.through(
        rosters.bulk_place, "section_enrollment", roster.select(PLACEMENT_COLUMNS)
    )

    member = membership(stays, year)
    discipline = school_discipline(
        plan,
        year,
        school,
        stays,
        member,
        district.reporters[school.school_id],
        loader.counts["behavior_incident"] + 1,
    )
    loader.create(BehaviorIncident, discipline.incidents)
    loader.create(DisciplineAction, discipline.actions)
    days = school_attendance(
        plan,
        year,
        school,
        stays,
        member,
        discipline,
        loader.counts["daily_attendance"] + 1,
    )
    loader.through(attendance.bulk_record_daily, "daily_attendance", days.rows)
    if not school.has_sections:
        return

    periods = [
        period
        for period in district.periods
        if (period.school_id, period.school_year_id)
        == (school.school_id, year.school_year_id)
    ]
    graduates = graduates_of(district.population, year.school_year_id)
    marks = school_marks(
        plan, year, school, stays, roster, periods, member, days.absent, graduates
    )
    loader.through(grading.bulk_post_marks, "mark", marks.marks)
    loader.through(grading.bulk_post_final_grades, "final_grade", marks.finals)


def reporter_names(staffing: Staffing) -> dict[int, list[str]]:
    """Who reports incidents at each school: its teachers and leaders."""
    reporting = staffing.assignments.filter(
        pl.col("position").is_in(["teacher", "assistant_principal", "principal"])
    ).unique("staff_id", keep="first", maintain_order=True)
    named = reporting.join(staffing.staff, on="staff_id").sort("staff_id")
    names: dict[int, list[str]] = {}
    for school_id, first, last in named.select(
        "school_id", "first_name", "last_name"
    ).iter_rows():
        names.setdefault(school_id, []).append(f"{first} {last}")
    return names
