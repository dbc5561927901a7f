"""The district's operations: the duty rota, staff leave, fees, and the
applications for next year, written after the record is loaded.

`load_operations` is the one call the seeding sequence makes. Every school
year gets a weekly supervision rota made on its first day; then leave is
asked for through the approval service and mostly granted, so some duties
need cover. Next year's applications arrive in spring and stand at every
step, from just submitted to accepted.
"""

import datetime as dt
import logging
import time
from collections import Counter, defaultdict

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.generator import names
from operational.generator.fees import ACTOR, load_fees
from operational.generator.people import RACE_SHARES, choose
from operational.generator.sizes import stream
from operational.models import (
    Enrollment,
    School,
    SchoolYear,
    StaffAssignment,
    StaffLeave,
)
from operational.services import admissions, approvals, records, staff

log = logging.getLogger(__name__)

# place, start, end (minutes after midnight); one staff member a weekday.
DUTY_SLOTS = (
    ("front gate", 7 * 60 + 40, 8 * 60 + 10),
    ("cafeteria", 11 * 60 + 45, 12 * 60 + 15),
    ("playground", 12 * 60 + 15, 12 * 60 + 45),
    ("bus loading", 15 * 60, 15 * 60 + 25),
)
ON_DUTY = ("teacher", "support")

LEAVE_SHARE = 0.35  # staff asking for leave in a year
# Capped per school and year: each request goes through the approval
# workflow one by one.
LEAVE_PER_SCHOOL_YEAR = 12
# type, share, shortest and longest (calendar days), notice (days)
LEAVE_KINDS = (
    ("sick", 0.45, 1, 3, 0),
    ("personal", 0.20, 1, 2, 10),
    ("professional_development", 0.18, 1, 2, 20),
    ("bereavement", 0.06, 3, 5, 1),
    ("jury_duty", 0.04, 1, 5, 14),
    ("parental", 0.04, 30, 60, 45),
    ("unpaid", 0.03, 1, 5, 10),
)
LEAVE_OUTCOMES = (("approved", 0.85), ("rejected", 0.10), ("withdrawn", 0.05))

APPLICATIONS_SHARE = 0.03  # of a school's students, applying for next year
APPLICATIONS_PER_SCHOOL = 10
APPLICATION_OUTCOMES = (
    ("accepted", 0.60),
    ("waitlisted", 0.15),
    ("rejected", 0.15),
    ("withdrawn", 0.10),
)


def load_operations(session: Session, seed: int, as_of: dt.date) -> Counter[str]:
    """Rota, leave, fees and next year's applications; rows per table."""
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    counts["approver_role"] += approvals.grant_default_approver_roles(session, ACTOR)
    years = list(session.scalars(select(SchoolYear).order_by(SchoolYear.start_date)))
    schools = list(session.scalars(select(School).order_by(School.school_id)))
    for year in (y for y in years if y.start_date <= as_of):
        for school in schools:
            rng = stream(seed, "operations", school.school_id, year.school_year_id)
            crew = staff_of(session, school.school_id, year.school_year_id)
            counts["duty"] += make_rota(session, rng, school, year, crew)
            ask_for_leave(session, rng, school, year, crew, as_of, counts)
    counts.update(load_fees(session, seed, as_of))
    apply_for_next_year(session, seed, schools, years, as_of, counts)
    log.info(
        "wrote %d duties, %d leave requests and %d applications for next year "
        "in %.1f s",
        counts["duty"],
        counts["staff_leave"],
        counts["application"],
        time.perf_counter() - started,
    )
    return counts


def staff_of(
    session: Session, school_id: int, school_year_id: int
) -> dict[str, list[int]]:
    """The school's staff that year, by position."""
    crew: dict[str, list[int]] = defaultdict(list)
    for staff_id, position in session.execute(
        select(StaffAssignment.staff_id, StaffAssignment.position)
        .where(
            StaffAssignment.school_id == school_id,
            StaffAssignment.school_year_id == school_year_id,
        )
        .order_by(StaffAssignment.staff_id)
    ):
        crew[position].append(staff_id)
    return crew


def make_rota(
    session: Session,
    rng: np.random.Generator,
    school: School,
    year: SchoolYear,
    crew: dict[str, list[int]],
) -> int:
    """A weekly rota for the year: each slot and weekday to the next person
    of a shuffled list of teachers and support staff. The slots' times do
    not overlap, so nobody is double-booked whatever the list's length."""
    pool = [int(s) for s in rng.permutation(sum((crew[p] for p in ON_DUTY), []))]
    if not pool:
        return 0
    rows = []
    for turn, (weekday, (place, start, end)) in enumerate(
        (weekday, slot) for weekday in range(1, 6) for slot in DUTY_SLOTS
    ):
        rows.append(
            staff.duty_row(
                staff_id=pool[turn % len(pool)],
                school_id=school.school_id,
                place=place,
                start_time=dt.time(start // 60, start % 60),
                end_time=dt.time(end // 60, end % 60),
                weekday=weekday,
                start_date=year.start_date,
                end_date=year.end_date,
            )
        )
    return staff.bulk_assign_duties(session, rows, ACTOR)


def ask_for_leave(
    session: Session,
    rng: np.random.Generator,
    school: School,
    year: SchoolYear,
    crew: dict[str, list[int]],
    as_of: dt.date,
    counts: Counter[str],
) -> None:
    """Leave for some of the staff, one request each, decided by the
    principal (the principal's own by an assistant principal, when the
    school has one; otherwise it waits for the district)."""
    everyone = sorted({s for members in crew.values() for s in members})
    n_asking = min(LEAVE_PER_SCHOOL_YEAR, int(rng.binomial(len(everyone), LEAVE_SHARE)))
    asking = sorted(int(s) for s in rng.choice(everyone, n_asking, replace=False))
    kinds = [kind for kind, *_ in LEAVE_KINDS]
    shares = [share for _, share, *_ in LEAVE_KINDS]
    for staff_id in asking:
        kind_index = int(rng.choice(len(kinds), p=shares))
        _, _, shortest, longest, notice = LEAVE_KINDS[kind_index]
        n_days = int(rng.integers(shortest, longest + 1))
        span = (year.end_date - year.start_date).days - n_days
        start = year.start_date + dt.timedelta(days=int(rng.integers(0, span)))
        end = start + dt.timedelta(days=n_days - 1)
        requested = max(year.start_date, start - dt.timedelta(days=notice))
        if requested > as_of:
            continue
        leave = staff.request_leave(
            session,
            ACTOR,
            staff_id=staff_id,
            school_id=school.school_id,
            leave_type=kinds[kind_index],
            start_date=start,
            end_date=end,
            reason=f"{kinds[kind_index].replace('_', ' ')} leave",
            requested_date=requested,
        )
        counts["staff_leave"] += 1
        counts["approval_request"] += 1
        decided = requested + dt.timedelta(days=int(rng.integers(0, 4)))
        decider = leave_decider(crew, staff_id)
        if decided > as_of or decider is None:
            continue
        decide_leave(session, rng, leave, kinds[kind_index], decider, decided)


def leave_decider(crew: dict[str, list[int]], staff_id: int) -> int | None:
    deciders = crew["principal"] + crew["assistant_principal"]
    return next((s for s in deciders if s != staff_id), None)


def decide_leave(
    session: Session,
    rng: np.random.Generator,
    leave: StaffLeave,
    leave_type: str,
    decider: int,
    decided: dt.date,
) -> None:
    outcome = str(choose(rng, LEAVE_OUTCOMES, 1)[0])
    key = leave.approval_request_id
    # Sick leave is granted: the day is gone whatever anyone decides.
    if outcome == "approved" or leave_type == "sick":
        approvals.approve(
            session, ACTOR, key, decided_by_staff_id=decider, decided_date=decided
        )
    elif outcome == "rejected":
        approvals.reject(
            session,
            ACTOR,
            key,
            decided_by_staff_id=decider,
            reason="too many colleagues away that week; please pick other dates",
            decided_date=decided,
        )
    else:
        approvals.withdraw(session, ACTOR, key)


def next_year(
    session: Session, years: list[SchoolYear], as_of: dt.date
) -> SchoolYear | None:
    """The year after the one under way, created when the record has none:
    its applications arrive before it starts."""
    latest = years[-1]
    if latest.start_date > as_of:
        return latest
    start = latest.start_date + dt.timedelta(days=364)
    name = f"{start.year}-{start.year + 1}"
    existing = session.scalars(select(SchoolYear).where(SchoolYear.name == name))
    return existing.first() or records.create(
        session,
        SchoolYear,
        ACTOR,
        name=name,
        start_date=start,
        end_date=latest.end_date + dt.timedelta(days=364),
    )


def apply_for_next_year(
    session: Session,
    seed: int,
    schools: list[School],
    years: list[SchoolYear],
    as_of: dt.date,
    counts: Counter[str],
) -> None:
    if not years:
        return
    year = next_year(session, years, as_of)
    counts["school_year"] += year not in years
    current = approvals.school_year_as_of(session, as_of)
    this_year = session.get(SchoolYear, current)
    for school in schools:
        rng = stream(seed, "next-year-applications", school.school_id)
        n_students = session.scalar(
            select(func.count(func.distinct(Enrollment.student_id))).where(
                Enrollment.school_id == school.school_id,
                Enrollment.school_year_id == current,
            )
        )
        n = min(APPLICATIONS_PER_SCHOOL, max(2, round(APPLICATIONS_SHARE * n_students)))
        crew = staff_of(session, school.school_id, current)
        if not crew["registrar"] or not crew["principal"]:
            continue
        for child in children(rng, school, year, this_year, n, as_of):
            take_application(session, rng, school, year, crew, child, as_of, counts)


def children(
    rng: np.random.Generator,
    school: School,
    year: SchoolYear,
    this_year: SchoolYear,
    n: int,
    as_of: dt.date,
) -> list[dict]:
    """Who applies: mostly for the school's entry grade, from the winter
    before (or the last two months, early in a year), never before this
    year began, whose principal decides."""
    race = choose(rng, RACE_SHARES.items(), n)
    sex = np.where(rng.random(n) < 0.5, "F", "M").astype(object)
    first = names.first_names(rng, sex, race == "hispanic_latino")
    last = names.surnames(rng, race)
    opens = min(year.start_date - dt.timedelta(days=240), as_of - dt.timedelta(60))
    opens = max(opens, this_year.start_date)
    window = max(1, (as_of - opens).days)
    result = []
    for k in range(n):
        grade = school.low_grade
        if rng.random() > 0.7:
            grade = int(rng.integers(school.low_grade, school.high_grade + 1))
        age = dt.timedelta(days=int(365.25 * (grade + 5)) + int(rng.integers(0, 365)))
        result.append(
            {
                "grade_level": grade,
                "first_name": str(first[k]),
                "last_name": str(last[k]),
                "birth_date": year.start_date - age,
                "submitted_date": opens
                + dt.timedelta(days=int(rng.integers(0, window))),
            }
        )
    return sorted(result, key=lambda child: child["submitted_date"])


def take_application(
    session: Session,
    rng: np.random.Generator,
    school: School,
    year: SchoolYear,
    crew: dict[str, list[int]],
    child: dict,
    as_of: dt.date,
    counts: Counter[str],
) -> None:
    """One application, taken as far as the days since it arrived allow:
    a week to review, two more to propose a decision, a few to decide."""
    application = admissions.submit_application(
        session,
        ACTOR,
        school_id=school.school_id,
        school_year_id=year.school_year_id,
        **child,
    )
    counts["application"] += 1
    key = application.application_id
    reviewed = child["submitted_date"] + dt.timedelta(days=int(rng.integers(2, 8)))
    if reviewed > as_of:
        return
    admissions.start_review(session, ACTOR, key)
    outcome = str(choose(rng, APPLICATION_OUTCOMES, 1)[0])
    proposed = reviewed + dt.timedelta(days=int(rng.integers(3, 15)))
    if proposed > as_of:
        return
    if outcome == "withdrawn":
        admissions.withdraw_application(
            session, ACTOR, key, reason="the family chose another school"
        )
        return
    request = admissions.request_decision(
        session,
        ACTOR,
        key,
        decision=outcome,
        requested_by_staff_id=crew["registrar"][0],
        reason=f"{outcome}: admissions panel recommendation",
        requested_date=proposed,
    )
    counts["approval_request"] += 1
    decided = proposed + dt.timedelta(days=int(rng.integers(1, 6)))
    if decided > as_of:
        return
    approvals.approve(
        session,
        ACTOR,
        request.approval_request_id,
        decided_by_staff_id=crew["principal"][0],
        decided_date=decided,
    )
    admissions.apply_decision(
        session, ACTOR, request.approval_request_id, applied_date=decided
    )
