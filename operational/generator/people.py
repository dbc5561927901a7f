"""Students' demographics, their families and guardians, and program flags.

Students are grouped into families first: siblings share a family name, a
race/ethnicity, a home language, economic status and their guardians.
"""

import unicodedata
from dataclasses import dataclass

import numpy as np
import polars as pl

from operational.generator import names
from operational.generator.organisation import Plan
from operational.generator.population import Population
from operational.generator.sizes import stream

# Shares of US public-school students by the seven federal categories
# (NCES, Digest of Education Statistics, fall 2021, rounded).
RACE_SHARES = {
    "white": 0.446,
    "hispanic_latino": 0.284,
    "black_african_american": 0.150,
    "asian": 0.054,
    "two_or_more_races": 0.052,
    "american_indian_alaska_native": 0.009,
    "native_hawaiian_pacific_islander": 0.005,
}

FAMILY_SIZES = ((1, 0.55), (2, 0.33), (3, 0.12))

# Per program: the chance a student without it gains it during the record,
# and the chance a held flag ends (reclassified EL, income above the line,
# IEP exited, housing found).
PROGRAM_CHANGES = {
    "economically_disadvantaged": (0.05, 0.08),
    "english_learner": (0.002, 0.12),
    "disability_iep": (0.015, 0.04),
    "section_504": (0.01, 0.05),
    "homeless": (0.02, 0.5),
    "foster": (0.001, 0.25),
    "migrant": (0.0, 0.15),
}
# Flags that often began years before the record starts (an IEP from first
# grade); the rest began shortly before.
LONG_STANDING = {"economically_disadvantaged", "english_learner", "disability_iep"}

# Who the first guardian is, and the second given the first.
FIRST_GUARDIAN = (
    ("mother", 0.80),
    ("father", 0.10),
    ("grandparent", 0.06),
    ("legal_guardian", 0.03),
    ("other", 0.01),
)
SECOND_GUARDIAN = {
    "mother": (("father", 0.85), ("stepparent", 0.12), ("grandparent", 0.03)),
    "father": (("mother", 0.80), ("stepparent", 0.20)),
    "grandparent": (("grandparent", 1.0),),
    "legal_guardian": (("legal_guardian", 1.0),),
    "other": (("other", 1.0),),
    "foster_parent": (("foster_parent", 1.0),),
}
# How often a guardian's family name differs from the children's.
OWN_SURNAME = {
    "mother": 0.2,
    "father": 0.0,
    "stepparent": 0.6,
    "grandparent": 0.3,
    "foster_parent": 0.9,
    "legal_guardian": 0.9,
    "other": 0.9,
}


@dataclass(frozen=True)
class People:
    students: pl.DataFrame  # the student table's rows
    programs: pl.DataFrame  # student_program rows
    guardians: pl.DataFrame
    student_guardians: pl.DataFrame
    # student_id and the programs a student ever held in the record, which
    # attendance and marks depend on.
    profiles: pl.DataFrame


def quota(shares: dict[str, float], n: int) -> np.ndarray:
    """`n` labels in the given shares exactly (largest remainder), each at
    least once when n allows, so small districts still show every group."""
    labels = list(shares)
    raw = np.array([shares[label] for label in labels]) * n / sum(shares.values())
    counts = np.floor(raw).astype(int)
    if n >= len(labels):
        counts = np.maximum(counts, 1)
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    for index in order[: max(0, n - counts.sum())]:
        counts[index] += 1
    while counts.sum() > n:
        counts[int(np.argmax(counts))] -= 1
    return np.repeat(np.array(labels, dtype=object), counts)


def choose(rng: np.random.Generator, options, n: int) -> np.ndarray:
    labels, shares = zip(*options, strict=True)
    return rng.choice(np.array(labels, dtype=object), n, p=shares)


def ascii_name(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return folded.decode().lower().replace(" ", "")


@dataclass(frozen=True)
class Spans:
    """Each student's first school, first entry date and last date in the
    record (the as-of date while enrolled)."""

    first_school: np.ndarray  # index into plan.schools
    first_date: np.ndarray
    last_date: np.ndarray
    had_history: np.ndarray  # enrolled before the record starts


def spans(plan: Plan, population: Population) -> Spans:
    stays = population.enrollments.sort("enrollment_id")
    year_ids = stays["school_year_id"].to_numpy()
    entry = plan.dates(year_ids, stays["entry_day"].to_numpy())
    exit_days = stays["exit_day"].fill_null(-1).to_numpy()
    exits = plan.dates(year_ids, np.maximum(exit_days, 0))
    exits[exit_days < 0] = np.datetime64(plan.as_of, "D")
    student_index = stays["student_id"].to_numpy() - 1

    n = population.students.height
    first_date = np.full(n, np.datetime64("9999-12-31"), dtype="datetime64[D]")
    last_date = np.full(n, np.datetime64("0001-01-01"), dtype="datetime64[D]")
    np.minimum.at(first_date, student_index, entry)
    np.maximum.at(last_date, student_index, exits)
    first_school = np.zeros(n, dtype=np.int64)
    students, first_stay = np.unique(student_index, return_index=True)
    first_school[students] = stays["school_id"].to_numpy()[first_stay] - 1
    had_history = population.students["entry_code"].to_numpy() == "continuing"
    return Spans(first_school, first_date, last_date, had_history)


@dataclass(frozen=True)
class Families:
    """What the children of a family share, one entry a family."""

    of_student: np.ndarray  # each student's family
    race: np.ndarray
    surname: np.ndarray
    language: np.ndarray
    is_poor: np.ndarray
    is_foster: np.ndarray


def make_families(rng: np.random.Generator, plan: Plan, span: Spans) -> Families:
    n = len(span.first_date)
    family = families(rng, n)
    n_families = int(family.max()) + 1
    race = rng.permutation(quota(RACE_SHARES, n_families))
    first_child = np.full(n_families, n)
    np.minimum.at(first_child, family, np.arange(n))
    return Families(
        of_student=family,
        race=race,
        surname=names.surnames(rng, race),
        language=names.home_languages(rng, race),
        is_poor=poor_families(rng, plan, span.first_school[first_child]),
        is_foster=rng.random(n_families) < 0.005,
    )


def poor_families(
    rng: np.random.Generator, plan: Plan, school: np.ndarray
) -> np.ndarray:
    """Exactly each school's share of its families (by the first child's
    school) economically disadvantaged, chosen at random."""
    poverty = np.array([plan_school.poverty for plan_school in plan.schools])
    order = np.lexsort((rng.random(len(school)), school))
    rank = np.empty(len(school), dtype=np.int64)
    starts = np.searchsorted(school[order], school[order], side="left")
    rank[order] = np.arange(len(school)) - starts
    n_in_school = np.bincount(school, minlength=len(poverty))
    return rank < np.round(poverty * n_in_school)[school]


def make_people(plan: Plan, population: Population) -> People:
    rng = stream(plan.seed, "people")
    students = population.students
    span = spans(plan, population)
    family = make_families(rng, plan, span)
    sex = choose(rng, (("F", 0.49), ("M", 0.505), ("X", 0.005)), students.height)

    student_rows = demographics(rng, plan, students, family, sex)
    baseline = baseline_flags(rng, students, family, sex)
    flags, programs = program_rows(rng, students, span, baseline)
    guardians, links = guardian_rows(rng, family, students["student_id"].to_numpy())
    profiles = pl.DataFrame(
        {
            "student_id": students["student_id"],
            "race_ethnicity": student_rows["race_ethnicity"],
        }
        | flags
    )
    return People(student_rows, programs, guardians, links, profiles)


def demographics(
    rng: np.random.Generator,
    plan: Plan,
    students: pl.DataFrame,
    family: Families,
    sex: np.ndarray,
) -> pl.DataFrame:
    """The student table's rows: names, birth date, sex, race, language."""
    n = students.height
    race = family.race[family.of_student]
    is_hispanic = race == "hispanic_latino"
    middle = names.first_names(rng, sex, is_hispanic)
    middle[rng.random(n) < 0.35] = None

    # Kindergarteners are 5 on September 1 of their school year.
    start_years = np.array(
        [plan.start_year(year_id) for year_id in students["school_year_id"]]
    )
    grades = students["grade_level"].to_numpy()
    born_from = (start_years - 6 - grades).astype(str).astype(object) + "-09-02"
    birth = born_from.astype("datetime64[D]") + rng.integers(0, 365, n)
    return pl.DataFrame(
        {
            "student_id": students["student_id"],
            "student_number": [str(1_000_000 + i) for i in students["student_id"]],
            "first_name": names.first_names(rng, sex, is_hispanic).tolist(),
            "middle_name": pl.Series(middle.tolist(), dtype=pl.String),
            "last_name": family.surname[family.of_student].tolist(),
            "birth_date": birth,
            "sex": sex.tolist(),
            "race_ethnicity": race.tolist(),
            "home_language": family.language[family.of_student].tolist(),
        }
    )


def baseline_flags(
    rng: np.random.Generator, students: pl.DataFrame, family: Families, sex: np.ndarray
) -> dict[str, np.ndarray]:
    """Who holds each program on entering the record."""
    n = students.height
    grades = students["grade_level"].to_numpy()
    poor = family.is_poor[family.of_student]
    english = family.language[family.of_student] == "English"
    is_hispanic = family.race[family.of_student] == "hispanic_latino"
    # Boys are identified for special education about twice as often.
    iep = rng.random(n) < np.where(sex == "M", 0.17, 0.09)
    return {
        "economically_disadvantaged": poor,
        "english_learner": ~english
        & (rng.random(n) < np.where(grades <= 5, 0.55, 0.35)),
        "disability_iep": iep,
        "section_504": ~iep & (rng.random(n) < 0.035),
        "homeless": rng.random(n) < np.where(poor, 0.02, 0.003),
        "foster": family.is_foster[family.of_student],
        "migrant": is_hispanic & poor & (rng.random(n) < 0.07),
    }


def families(rng: np.random.Generator, n: int) -> np.ndarray:
    """The family of each student: random groups of one to three children."""
    sizes = choose(rng, FAMILY_SIZES, n).astype(np.int64)
    ends = np.cumsum(sizes)
    n_families = int(np.searchsorted(ends, n)) + 1
    sizes = sizes[:n_families]
    sizes[-1] -= int(ends[n_families - 1]) - n
    family = np.empty(n, dtype=np.int64)
    family[rng.permutation(n)] = np.repeat(np.arange(n_families), sizes)
    return family


def program_rows(
    rng: np.random.Generator,
    students: pl.DataFrame,
    span: Spans,
    baseline: dict[str, np.ndarray],
) -> tuple[dict[str, np.ndarray], pl.DataFrame]:
    """Program rows with start and end dates, and who ever held each flag.

    A flag held at the first entry starts then (or earlier, for a student
    with a history before the record); others start during the record. Ends
    fall on or before the student's last day in the record, never after the
    as-of date.
    """
    n = students.height
    grades = students["grade_level"].to_numpy()
    days_in_record = (span.last_date - span.first_date).astype(np.int64)
    years_before = np.where(span.had_history, np.minimum(grades, 5), 0)
    flags, parts = {}, []
    for program, held in baseline.items():
        p_new, p_end = PROGRAM_CHANGES[program]
        reach = (
            365 * years_before if program in LONG_STANDING else 150 * (years_before > 0)
        )
        backdated = span.first_date - rng.integers(0, reach + 1)
        newly = ~held & (days_in_record > 30) & (rng.random(n) < p_new)
        during = span.first_date + (rng.random(n) * days_in_record).astype(np.int64)
        start = np.where(held, backdated, during)
        has = held | newly

        # An end at least 20 days after the flag (or the record) began.
        earliest = np.maximum(start, span.first_date) + 20
        room = (span.last_date - earliest).astype(np.int64)
        ends = has & (room > 0) & (rng.random(n) < p_end)
        end = earliest + (rng.random(n) * np.maximum(room, 0)).astype(np.int64)
        chosen = np.flatnonzero(has)
        flags[program] = has
        parts.append(
            pl.DataFrame(
                {
                    "student_id": students["student_id"].to_numpy()[chosen],
                    "program": pl.Series([program] * len(chosen), dtype=pl.String),
                    "start_date": start[chosen],
                    "end_date": end[chosen],
                    "ends": pl.Series(ends[chosen], dtype=pl.Boolean),
                }
            ).with_columns(pl.when("ends").then("end_date").alias("end_date"))
        )
    programs = pl.concat(parts).drop("ends").sort("student_id", maintain_order=True)
    programs = programs.with_row_index("student_program_id", offset=1)
    return flags, programs.with_columns(pl.col("student_program_id").cast(pl.Int64))


def guardian_roles(
    rng: np.random.Generator, family: Families
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each guardian's family, relationship and whether they are the first
    (primary) one, ordered by family."""
    n_families = len(family.race)
    first = choose(rng, FIRST_GUARDIAN, n_families)
    first[family.is_foster] = "foster_parent"
    second = np.full(n_families, None, dtype=object)
    for relationship, options in SECOND_GUARDIAN.items():
        chosen = first == relationship
        second[chosen] = choose(rng, options, int(chosen.sum()))
    # Three families in ten have one guardian; foster children have two.
    second[(rng.random(n_families) < 0.3) & ~family.is_foster] = None

    has_second = np.array([role is not None for role in second], dtype=bool)
    of_family = np.concatenate([np.arange(n_families), np.flatnonzero(has_second)])
    relationship = np.concatenate([first, second[has_second]])
    is_first = np.arange(len(of_family)) < n_families
    order = np.argsort(of_family, kind="stable")
    return of_family[order], relationship[order], is_first[order]


def guardian_rows(
    rng: np.random.Generator, family: Families, student_ids: np.ndarray
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One or two guardians per family, linked to every child of it."""
    guardian_family, relationship, is_first = guardian_roles(rng, family)
    n = len(guardian_family)
    guardian_ids = np.arange(1, n + 1)

    sex = np.where(rng.random(n) < 0.5, "F", "M").astype(object)
    sex[relationship == "mother"] = "F"
    sex[relationship == "father"] = "M"
    race = family.race[guardian_family]
    last = family.surname[guardian_family]
    own = rng.random(n) < np.array([OWN_SURNAME[role] for role in relationship])
    last[own] = names.surnames(rng, race[own])
    first_names = names.first_names(rng, sex, race == "hispanic_latino")
    emails = [
        f"{ascii_name(given)}.{ascii_name(family_name)}{number}@example.com"
        for given, family_name, number in zip(
            first_names, last, guardian_ids, strict=True
        )
    ]
    email = np.array(emails, dtype=object)
    email[rng.random(n) < 0.08] = None
    guardians = pl.DataFrame(
        {
            "guardian_id": guardian_ids,
            "first_name": first_names.tolist(),
            "last_name": last.tolist(),
            "email": pl.Series(email.tolist(), dtype=pl.String),
            # 555-0100 to 555-0199 are the numbers set aside for fiction.
            "phone": [
                f"({200 + number % 800}) 555-01{number % 100:02d}"
                for number in guardian_ids
            ],
            "preferred_language": family.language[guardian_family].tolist(),
        }
    )

    lives_apart = rng.random(n) < np.where(relationship == "father", 0.15, 0.05)
    custody = ~np.isin(relationship, ["stepparent", "other"]) | (rng.random(n) < 0.3)
    members = pl.DataFrame({"student_id": student_ids, "family": family.of_student})
    links = pl.DataFrame(
        {
            "family": guardian_family,
            "guardian_id": guardian_ids,
            "relationship": relationship.tolist(),
            "is_primary_contact": is_first,
            "has_custody": custody,
            "lives_with_student": ~lives_apart,
        }
    )
    links = members.join(links, on="family").drop("family")
    return guardians, links.sort("student_id", "guardian_id")
