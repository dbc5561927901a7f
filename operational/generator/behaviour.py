"""Behaviour incidents and the discipline that follows, per school and year.

Incidents are rare for most students and frequent for a few: each student's
yearly rate follows the conduct trait, heavily skewed. Suspensions take the
instructional days after the incident, which attendance then codes.
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from operational.generator.organisation import Plan, SchoolPlan
from operational.generator.school_calendar import INSTRUCTIONAL_DAYS, YearCalendar
from operational.generator.sizes import stream

# Incidents per student and full year, and the share that are offences a
# state collects (fighting, weapons, drugs...), by school level.
INCIDENT_RATE = {"elementary": 0.15, "middle": 0.8, "high": 0.55}
STATE_REPORTABLE_SHARE = {"elementary": 0.04, "middle": 0.10, "high": 0.14}

CONDUCT = (
    ("classroom disruption", 0.30),
    ("defiance of authority", 0.20),
    ("inappropriate language", 0.15),
    ("cell phone violation", 0.12),
    ("dress code violation", 0.06),
    ("academic dishonesty", 0.07),
    ("leaving class without permission", 0.10),
)
STATE_REPORTABLE = (
    ("fighting", 0.35),
    ("harassment or bullying", 0.20),
    ("possession of a vaping device", 0.15),
    ("possession of drugs", 0.08),
    ("physical assault", 0.08),
    ("theft", 0.07),
    ("vandalism", 0.05),
    ("possession of a weapon", 0.02),
)
PLACES = {
    "elementary": ("classroom", "hallway", "cafeteria", "playground", "school bus"),
    "middle": ("classroom", "hallway", "cafeteria", "gym", "school bus"),
    "high": ("classroom", "hallway", "cafeteria", "gym", "parking lot"),
}

# Actions by incident kind, and suspension lengths in days.
CONDUCT_ACTIONS = (
    ("warning", 0.30),
    ("detention", 0.45),
    ("in_school_suspension", 0.25),
)
REPORTABLE_ACTIONS = (("out_of_school_suspension", 0.7), ("in_school_suspension", 0.3))
OSS_DAYS = ((1, 0.25), (2, 0.25), (3, 0.25), (5, 0.17), (10, 0.08))
ISS_DAYS = ((1, 0.5), (2, 0.3), (3, 0.2))


@dataclass(frozen=True)
class Discipline:
    incidents: pl.DataFrame
    actions: pl.DataFrame
    out_of_school: np.ndarray  # (enrollments x days) suspended out of school
    in_school: np.ndarray


def draw(rng: np.random.Generator, options, n: int) -> np.ndarray:
    labels, shares = zip(*options, strict=True)
    return rng.choice(np.array(labels, dtype=object), n, p=shares)


def school_discipline(
    plan: Plan,
    year: YearCalendar,
    school: SchoolPlan,
    stays: pl.DataFrame,
    member: np.ndarray,
    reporters: list[str],
    first_id: int,
) -> Discipline:
    """Incidents of one school's year, one action each; `first_id` is the
    next free key of both tables."""
    rng = stream(plan.seed, "behaviour", year.school_year_id, school.school_id)
    n, n_days = member.shape
    days_in = member.sum(axis=1)
    conduct = stays["conduct_z"].to_numpy()
    # exp(0.9 z) has mean exp(0.405): divide it out to keep the level's rate.
    rate = INCIDENT_RATE[school.level] * np.exp(0.9 * conduct - 0.405)
    counts = rng.poisson(rate * days_in / INSTRUCTIONAL_DAYS)
    who = np.repeat(np.arange(n), counts)
    first_day = member.argmax(axis=1)[who]
    day = first_day + (rng.random(len(who)) * days_in[who]).astype(np.int64)

    k = len(who)
    reportable = rng.random(k) < STATE_REPORTABLE_SHARE[school.level]
    offence = draw(rng, CONDUCT, k)
    offence[reportable] = draw(rng, STATE_REPORTABLE, int(reportable.sum()))
    places = PLACES[school.level]
    place = np.array(places)[rng.integers(0, len(places), k)]
    incident_ids = np.arange(first_id, first_id + k)
    dates = year.days[day]
    incidents = pl.DataFrame(
        {
            "behavior_incident_id": incident_ids,
            "student_id": stays["student_id"].to_numpy()[who],
            "school_id": np.full(k, school.school_id),
            "incident_date": dates,
            "kind": np.where(reportable, "state_reportable", "conduct").tolist(),
            "offence": offence.tolist(),
            "description": [f"Happened in the {p}." for p in place],
            "reported_by": np.array(reporters, dtype=object)[
                rng.integers(0, len(reporters), k)
            ].tolist(),
        }
    )

    action = draw(rng, CONDUCT_ACTIONS, k)
    action[reportable] = draw(rng, REPORTABLE_ACTIONS, int(reportable.sum()))
    suspended = np.isin(action, ["in_school_suspension", "out_of_school_suspension"])
    # `days` counts days removed from class: none for a warning or detention.
    length = np.zeros(k, dtype=np.int64)
    out = action == "out_of_school_suspension"
    inside = action == "in_school_suspension"
    length[out] = draw(rng, OSS_DAYS, int(out.sum())).astype(np.int64)
    length[inside] = draw(rng, ISS_DAYS, int(inside.sum())).astype(np.int64)
    # A suspension starts the next school day; a warning or detention the same.
    start = np.where(suspended, np.minimum(day + 1, n_days - 1), day)
    actions = pl.DataFrame(
        {
            "discipline_action_id": incident_ids,
            "behavior_incident_id": incident_ids,
            "action": action.tolist(),
            "start_date": year.days[start],
            "days": [Decimal(int(days)) for days in length],
        }
    )

    out_of_school = np.zeros((n, n_days), dtype=bool)
    in_school = np.zeros((n, n_days), dtype=bool)
    for index in np.flatnonzero(suspended):
        mask = out_of_school if out[index] else in_school
        mask[who[index], start[index] : start[index] + length[index]] = True
    return Discipline(incidents, actions, out_of_school & member, in_school & member)
