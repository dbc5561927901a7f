"""Staff, their yearly assignments, rooms, and who teaches each section.

Each school has a principal, assistant principals and counselors in
proportion to its students, a registrar and support staff. Middle and high
schools have teachers by subject, each teaching up to five sections;
elementary schools a homeroom teacher per 22 students and two specialists.
Staff stay at their school for every year of the record.
"""

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from operational.generator import names
from operational.generator.organisation import Plan, SchoolPlan
from operational.generator.people import RACE_SHARES, ascii_name, choose
from operational.generator.sizes import stream

SECTIONS_PER_TEACHER = 5
STUDENTS_PER_HOMEROOM = 22
STAFF_DOMAIN = "riverbend.example.org"  # example.org is reserved for examples


@dataclass(frozen=True)
class Staffing:
    staff: pl.DataFrame
    assignments: pl.DataFrame
    rooms: pl.DataFrame
    sections: pl.DataFrame  # the schedule's sections, with teacher and room


def positions(school: SchoolPlan, n_teachers: int) -> list[str]:
    """Every position of a school, teachers last."""
    n_students = sum(school.targets.values())
    return (
        ["principal"]
        + ["assistant_principal"] * (n_students // 600)
        + ["counselor"] * max(1, round(n_students / 400))
        + ["registrar"]
        + ["support"] * max(2, n_students // 250)
        + ["teacher"] * n_teachers
    )


def teaching_subjects(school: SchoolPlan, sections: pl.DataFrame) -> list[str]:
    """The subject of each teacher the school needs, one entry a teacher."""
    if not school.has_sections:
        homerooms = math.ceil(sum(school.targets.values()) / STUDENTS_PER_HOMEROOM)
        return ["homeroom"] * homerooms + ["arts", "physical_education"]
    busiest_year = (
        sections.filter(pl.col("school_id") == school.school_id)
        .group_by("school_year_id", "subject")
        .agg(n=pl.len())
        .group_by("subject")
        .agg(pl.col("n").max())
        .sort("subject")
    )
    return [
        subject
        for subject, n in busiest_year.iter_rows()
        for _ in range(math.ceil(n / SECTIONS_PER_TEACHER))
    ]


def plan_staff(plan: Plan, sections: pl.DataFrame) -> Staffing:
    staff, rooms, teachers = [], [], []
    for school in plan.schools:
        subjects = teaching_subjects(school, sections)
        gym = {"room_id": len(rooms) + 1, "name": "Gymnasium", "capacity": 120}
        library = {"room_id": len(rooms) + 2, "name": "Library", "capacity": 60}
        school_rooms = [gym, library]
        for position in positions(school, len(subjects)):
            staff.append((len(staff) + 1, school.school_id, position))
        first_teacher = len(staff) - len(subjects) + 1
        for number, subject in enumerate(subjects):
            room_id = gym["room_id"]
            # Physical education is taught in the gymnasium.
            if subject != "physical_education":
                room_id = len(rooms) + len(school_rooms) + 1
                school_rooms.append(
                    {"room_id": room_id, "name": f"Room {101 + number}", "capacity": 32}
                )
            teachers.append(
                {
                    "school_id": school.school_id,
                    "subject": subject,
                    "staff_id": first_teacher + number,
                    "room_id": room_id,
                }
            )
        rooms += [room | {"school_id": school.school_id} for room in school_rooms]

    staff_ids, school_ids, position_names = (
        np.array(column) for column in zip(*staff, strict=True)
    )
    return Staffing(
        staff=staff_rows(plan, staff_ids),
        assignments=assignment_rows(plan, staff_ids, school_ids, position_names),
        rooms=pl.DataFrame(rooms).select("room_id", "school_id", "name", "capacity"),
        sections=with_teachers(sections, pl.DataFrame(teachers)),
    )


def staff_rows(plan: Plan, staff_ids: np.ndarray) -> pl.DataFrame:
    rng = stream(plan.seed, "staff")
    n = len(staff_ids)
    sex = np.where(rng.random(n) < 0.6, "F", "M").astype(object)
    races = choose(rng, RACE_SHARES.items(), n)
    first = names.first_names(rng, sex, races == "hispanic_latino")
    last = names.surnames(rng, races)
    return pl.DataFrame(
        {
            "staff_id": staff_ids,
            "staff_number": [f"E{10_000 + number}" for number in staff_ids],
            "first_name": first.tolist(),
            "last_name": last.tolist(),
            "email": [
                f"{ascii_name(given)}.{ascii_name(family)}{number}@{STAFF_DOMAIN}"
                for given, family, number in zip(first, last, staff_ids, strict=True)
            ],
        }
    )


def assignment_rows(
    plan: Plan, staff_ids: np.ndarray, school_ids: np.ndarray, positions: np.ndarray
) -> pl.DataFrame:
    parts = [
        pl.DataFrame(
            {
                "staff_id": staff_ids,
                "school_id": school_ids,
                "school_year_id": np.full(len(staff_ids), year.school_year_id),
                "position": positions.tolist(),
            }
        )
        for year in plan.years
    ]
    assignments = pl.concat(parts).with_row_index("staff_assignment_id", offset=1)
    return assignments.with_columns(pl.col("staff_assignment_id").cast(pl.Int64))


def with_teachers(sections: pl.DataFrame, teachers: pl.DataFrame) -> pl.DataFrame:
    """Deal each school's sections of a subject out to its teachers of that
    subject in turn, year by year."""
    if sections.is_empty():
        return sections.with_columns(
            teacher_id=pl.lit(None, pl.Int64), room_id=pl.lit(None, pl.Int64)
        )
    teachers = teachers.with_columns(
        slot=pl.int_range(pl.len()).over("school_id", "subject"),
        n_teachers=pl.len().over("school_id", "subject"),
    )
    group = ["school_id", "school_year_id", "subject"]
    dealt = sections.sort("section_id").with_columns(
        turn=pl.int_range(pl.len()).over(group)
    )
    counts = teachers.select("school_id", "subject", "n_teachers").unique()
    dealt = dealt.join(counts, on=["school_id", "subject"], how="left")
    dealt = dealt.with_columns(slot=pl.col("turn") % pl.col("n_teachers"))
    dealt = dealt.join(
        teachers.select("school_id", "subject", "slot", "staff_id", "room_id"),
        on=["school_id", "subject", "slot"],
        how="left",
    )
    return (
        dealt.rename({"staff_id": "teacher_id"})
        .drop("turn", "slot", "n_teachers")
        .sort("section_id")
    )
