"""Who is enrolled where, year by year.

The district's population is simulated one school year at a time: students
start the year (continuing, new to kindergarten, arriving from outside, back
after dropping out), some move to another school of the district, leave it or
drop out during the year, others arrive; at the end of a completed year each
student still enrolled is promoted, retained or graduates, and moves up to
the next school when the grade requires it.

Every student carries three latent traits drawn once, standard normal and
correlated: how often they miss school, how well they do in class, and how
often they get into trouble. Attendance, marks, incidents, dropping out and
graduating all follow from them, which is what makes the record hang
together (a student who misses school gets lower marks and drops out more).
"""

import logging
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import polars as pl

from operational.generator.organisation import Plan
from operational.generator.school_calendar import INSTRUCTIONAL_DAYS, YearCalendar
from operational.generator.sizes import stream

log = logging.getLogger(__name__)

# Correlation of the traits: absence, achievement, conduct problems.
TRAIT_CORRELATION = np.array(
    [[1.0, -0.35, 0.35], [-0.35, 1.0, -0.30], [0.35, -0.30, 1.0]]
)

# Yearly chances of a mid-year event, for one student.
LEAVE_DISTRICT = 0.045
MOVE_IN_DISTRICT = 0.025
ARRIVALS = 0.035  # students arriving after the first day, per enrolled student
REENTRY = 0.15  # dropouts who come back the next school year

# Why students leave the district during the year, and how often.
LEAVE_REASONS = (
    ("transfer_out_district", 0.70),
    ("transfer_private_or_home", 0.16),
    ("emigrated", 0.10),
    ("other", 0.04),
)

NEXT_LEVEL = {"elementary": "middle", "middle": "high"}
LAST_DAY = INSTRUCTIONAL_DAYS - 1


@dataclass(frozen=True)
class Population:
    # student_id, school_year_id and grade_level when first enrolled,
    # entry_code of that first enrollment, the traits absence_z, ability_z,
    # conduct_z.
    students: pl.DataFrame
    # enrollment_id, student_id, school_id, school_year_id, grade_level,
    # entry_day and exit_day (indexes of instructional days; exit_day null
    # while enrolled), entry_code, exit_code.
    enrollments: pl.DataFrame
    # student_id, school_id, school_year_id, grade_level, outcome.
    decisions: pl.DataFrame


def normal_scores(values: np.ndarray) -> np.ndarray:
    """The values replaced by the normal quantiles of their ranks: the same
    order, but an exactly normal spread, so a small school's share of
    chronically absent students does not swing with the draw."""
    ranks = np.argsort(np.argsort(values, kind="stable"), kind="stable")
    quantile = NormalDist().inv_cdf
    return np.array([quantile((rank + 0.5) / len(values)) for rank in ranks])


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class Simulation:
    """The simulation's state from one year to the next."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rng = stream(plan.seed, "population")
        self.level = np.array([school.level for school in plan.schools])
        self.high_grade = np.array([school.high_grade for school in plan.schools])
        self.targets = np.zeros((len(plan.schools), 13), dtype=np.int64)
        for index, school in enumerate(plan.schools):
            for grade, target in school.targets.items():
                self.targets[index, grade] = target
        self.peers = {
            level: np.flatnonzero(self.level == level)
            for level in sorted(set(self.level))
        }
        self.feeds_into = np.array(
            [self.feeder(index) for index in range(len(plan.schools))]
        )
        self.chol = np.linalg.cholesky(TRAIT_CORRELATION)
        self.traits = np.zeros((0, 3))
        self.students: list[dict[str, np.ndarray]] = []
        self.enrollments: list[dict[str, np.ndarray]] = []
        self.decisions: list[dict[str, np.ndarray]] = []

    def feeder(self, index: int) -> int:
        """The school a school's last grade moves on to (-1 for none): the
        schools of one level feed the next level's in contiguous blocks."""
        following = self.peers.get(NEXT_LEVEL.get(self.level[index], ""))
        if following is None:
            return -1
        peers = self.peers[self.level[index]]
        position = int(np.flatnonzero(peers == index)[0])
        return int(following[position * len(following) // len(peers)])

    def run(self) -> Population:
        roster = self.first_roster(self.plan.years[0])
        for year in self.plan.years:
            if year is not self.plan.years[0]:
                roster = joined(roster, self.newcomers(year, *self.missing(roster)))
            roster = self.run_year(year, roster)
            log.debug("simulated %s", year.name)
        return self.population()

    def new_students(
        self, year: YearCalendar, grades: np.ndarray, codes: np.ndarray
    ) -> np.ndarray:
        """Create students with their traits; returns their ids."""
        first_id = len(self.traits) + 1
        ids = np.arange(first_id, first_id + len(grades))
        traits = self.rng.standard_normal((len(grades), 3)) @ self.chol.T
        traits[:, 0] = normal_scores(traits[:, 0])
        self.traits = np.vstack([self.traits, traits])
        self.students.append(
            {
                "student_id": ids,
                "school_year_id": np.full(len(ids), year.school_year_id),
                "grade_level": grades,
                "entry_code": codes,
            }
        )
        return ids

    def first_roster(self, year: YearCalendar) -> dict[str, np.ndarray]:
        school, grade = np.nonzero(self.targets)
        counts = self.targets[school, grade]
        school, grade = np.repeat(school, counts), np.repeat(grade, counts)
        # The record starts mid-history: everyone above kindergarten was
        # already in the district the year before.
        codes = np.where(grade == 0, "new", "continuing").astype(object)
        ids = self.new_students(year, grade, codes)
        return {"student": ids, "school": school, "grade": grade, "code": codes}

    def missing(self, roster: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
        """School and grade of each seat short of the grade's usual size."""
        counts = np.zeros_like(self.targets)
        np.add.at(counts, (roster["school"], roster["grade"]), 1)
        short = np.clip(self.targets - counts, 0, None)
        school, grade = np.nonzero(short)
        repeats = short[school, grade]
        return np.repeat(school, repeats), np.repeat(grade, repeats)

    def newcomers(
        self, year: YearCalendar, school: np.ndarray, grade: np.ndarray
    ) -> dict[str, np.ndarray]:
        codes = np.where(grade == 0, "new", "transfer_from_outside").astype(object)
        ids = self.new_students(year, grade, codes)
        return {"student": ids, "school": school, "grade": grade, "code": codes}

    def run_year(
        self, year: YearCalendar, start: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """One year from its first-day roster; returns who continues next year."""
        n = len(start["student"])
        last = year.n_days_to_as_of - 1
        event, day = self.events(start, last)

        stays = {**start, "entry_day": np.zeros(n, dtype=np.int64)}
        stays["exit_day"] = np.where(event != "", day, -1)
        stays["exit_code"] = np.where(event != "", event, None)
        movers = event == "transfer_in_district"
        moved = {
            "student": start["student"][movers],
            "school": self.destinations(start["school"][movers]),
            "grade": start["grade"][movers],
            "code": np.full(int(movers.sum()), "transfer_in_district", dtype=object),
            "entry_day": day[movers] + 1,
        }
        arrived = self.arrivals(year, last)
        for part in (moved, arrived):
            part["exit_day"] = np.full(len(part["student"]), -1)
            part["exit_code"] = np.full(len(part["student"]), None, dtype=object)
        stays = joined(stays, moved, arrived)
        stays["year"] = np.full(len(stays["code"]), year.school_year_id)

        if not year.is_complete:
            self.enrollments.append(stays)
            return {}
        return self.close_year(stays)

    def events(
        self, start: dict[str, np.ndarray], last: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """What ends each first-day stay early (an exit code, or "" for
        nothing) and on which instructional day; `last` is the as-of day."""
        rng, n = self.rng, len(start["student"])
        absence = self.traits[start["student"] - 1, 0]
        ability = self.traits[start["student"] - 1, 1]

        # Dropping out is a high-school event, likelier for students who miss
        # school and struggle in class.
        p_drop = np.where(
            start["grade"] >= 9,
            np.minimum(0.012 * np.exp(0.9 * absence - 0.4 * ability), 0.3),
            0.0,
        )
        has_peers = np.array([len(self.peers[level]) > 1 for level in self.level])
        p_move = MOVE_IN_DISTRICT * has_peers[start["school"]]
        draw = rng.random(n)
        day = rng.integers(10, LAST_DAY - 4, n)
        event = np.select(
            [
                draw < p_drop,
                draw < p_drop + LEAVE_DISTRICT,
                draw < p_drop + LEAVE_DISTRICT + p_move,
            ],
            ["dropped_out", "leave", "transfer_in_district"],
            "",
        ).astype(object)
        reasons, shares = zip(*LEAVE_REASONS, strict=True)
        leaving = event == "leave"
        event[leaving] = rng.choice(reasons, int(leaving.sum()), p=shares)

        # Events after the as-of date have not happened yet; a move needs
        # its first day at the new school to have come too.
        event[day + (event == "transfer_in_district") > last] = ""
        return event, day

    def close_year(self, stays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Year-end outcomes for everyone enrolled on the last day; returns
        who continues next year, where and in which grade."""
        rng = self.rng
        still = np.flatnonzero(stays["exit_day"] < 0)
        student, school, grade = (
            stays[key][still] for key in ("student", "school", "grade")
        )
        absence = self.traits[student - 1, 0]
        ability = self.traits[student - 1, 1]

        senior = grade == 12
        graduates = senior & (
            rng.random(len(still)) < sigmoid(3.0 + 0.8 * ability - 0.7 * absence)
        )
        # Retention is rare, likelier for struggling students and in the
        # ninth grade, where credits decide it.
        p_retain = sigmoid(-4.6 - 0.8 * ability + 0.5 * absence + 0.9 * (grade == 9))
        retained = ~graduates & (senior | (rng.random(len(still)) < p_retain))
        next_grade = np.where(retained, grade, grade + 1)
        moves_up = ~retained & ~graduates & (next_grade > self.high_grade[school])
        stays["exit_day"][still] = LAST_DAY
        stays["exit_code"][still] = np.select(
            [graduates, moves_up],
            ["graduated", "promoted_to_next_school"],
            "end_of_year",
        )
        self.enrollments.append(stays)
        self.decisions.append(
            {
                "student": student,
                "school": school,
                "grade": grade,
                "outcome": np.select(
                    [graduates, retained], ["graduated", "retained"], "promoted"
                ),
                "year": stays["year"][still],
            }
        )

        next_school = np.where(moves_up, self.feeds_into[school], school)
        goes_on = ~graduates & (next_school >= 0)
        continuing = {
            "student": student[goes_on],
            "school": next_school[goes_on],
            "grade": next_grade[goes_on],
            "code": np.full(int(goes_on.sum()), "continuing", dtype=object),
        }
        dropped = np.flatnonzero(stays["exit_code"] == "dropped_out")
        back = dropped[rng.random(len(dropped)) < REENTRY]
        returning = {
            "student": stays["student"][back],
            "school": stays["school"][back],
            "grade": stays["grade"][back],
            "code": np.full(len(back), "reentry", dtype=object),
        }
        return joined(continuing, returning)

    def destinations(self, schools: np.ndarray) -> np.ndarray:
        """Another school of the same level, for each moving student."""
        chosen = []
        for school in schools:
            others = self.peers[self.level[school]]
            others = others[others != school]
            chosen.append(others[self.rng.integers(0, len(others))])
        return np.array(chosen, dtype=np.int64)

    def arrivals(self, year: YearCalendar, last: int) -> dict[str, np.ndarray]:
        """Students arriving from outside after the first day of school."""
        total = int(self.targets.sum())
        n = int(self.rng.binomial(total, ARRIVALS))
        cells = self.rng.choice(self.targets.size, n, p=self.targets.ravel() / total)
        entry = self.rng.integers(5, LAST_DAY - 9, n)
        keep = entry <= last
        school, grade = np.divmod(cells[keep], self.targets.shape[1])
        arrived = self.newcomers(year, school, grade)
        return {**arrived, "entry_day": entry[keep]}

    def population(self) -> Population:
        school_ids = np.array([school.school_id for school in self.plan.schools])
        students = {
            key: np.concatenate([part[key] for part in self.students])
            for key in self.students[0]
        }
        frame = pl.DataFrame(
            {
                "student_id": students["student_id"],
                "school_year_id": students["school_year_id"],
                "grade_level": students["grade_level"],
                "entry_code": pl.Series(
                    students["entry_code"].tolist(), dtype=pl.String
                ),
                "absence_z": self.traits[:, 0],
                "ability_z": self.traits[:, 1],
                "conduct_z": self.traits[:, 2],
            }
        )
        stays = joined(*self.enrollments)
        enrollments = pl.DataFrame(
            {
                "enrollment_id": np.arange(1, len(stays["student"]) + 1),
                "student_id": stays["student"],
                "school_id": school_ids[stays["school"]],
                "school_year_id": stays["year"],
                "grade_level": stays["grade"],
                "entry_day": stays["entry_day"],
                "exit_day": stays["exit_day"],
                "entry_code": pl.Series(stays["code"].tolist(), dtype=pl.String),
                "exit_code": pl.Series(stays["exit_code"].tolist(), dtype=pl.String),
            }
        ).with_columns(
            pl.when(pl.col("exit_day") >= 0).then(pl.col("exit_day")).alias("exit_day")
        )
        decisions = pl.DataFrame(
            schema={
                "student_id": pl.Int64,
                "school_id": pl.Int64,
                "school_year_id": pl.Int64,
                "grade_level": pl.Int64,
                "outcome": pl.String,
            }
        )
        if self.decisions:
            made = joined(*self.decisions)
            decisions = pl.DataFrame(
                {
                    "student_id": made["student"],
                    "school_id": school_ids[made["school"]],
                    "school_year_id": made["year"],
                    "grade_level": made["grade"],
                    "outcome": pl.Series(made["outcome"].tolist(), dtype=pl.String),
                }
            )
        return Population(frame, enrollments, decisions)


def joined(*rosters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rosters (dicts of equal-length arrays) one after the other."""
    return {
        key: np.concatenate([roster[key] for roster in rosters]) for key in rosters[0]
    }


def simulate(plan: Plan) -> Population:
    return Simulation(plan).run()
