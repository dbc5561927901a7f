"""The synthetic district's timetable, then its calendar events and messages.

`load_timetable_and_messages` is the one call the seeding sequence makes,
after the record is loaded. Every school gets a bell schedule each year
(elementary: morning, lunch and afternoon, with early release on Wednesday;
middle and high: seven periods, the high schools starting late on
Wednesday). Every section meets in one period all week: periods are chosen
section by section, most constrained first, so that no teacher, room or
rostered student is in two places at once wherever the rosters allow it;
physical education spreads over extra gymnasium courts. Then, in the year
holding the as-of date, four mistakes are planted at one school for the
clash check to find: a teacher put down to cover a class while teaching
their own, a room booked twice, a student added to a class at a time
already taken, and a class sent to a seminar room too small for it.

Known shortcoming: scheduling draws each course's roster at random on its
own, so any two classes of different courses in a grade share students and
no seven-period week is free of student clashes; with rosters drawn once a
grade (students travelling as cohorts) the check finds only the planted
mistakes. It goes when scheduling draws rosters that way.
"""

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational.generator.calendar_events import event_rows
from operational.generator.communication import load_messages
from operational.generator.sizes import stream
from operational.models import (
    Course,
    Room,
    School,
    SchoolYear,
    Section,
    SectionEnrollment,
)
from operational.services import calendar_events, records, rosters, timetable

log = logging.getLogger(__name__)

ACTOR = "system:seed"
WEEK = ("mon", "tue", "wed", "thu", "fri")

# name, start and end in minutes after midnight, on the weekdays listed.
ELEMENTARY_BELLS = (
    ("Morning", 8 * 60 + 30, 11 * 60 + 45, WEEK),
    ("Lunch", 11 * 60 + 45, 12 * 60 + 30, WEEK),
    ("Afternoon", 12 * 60 + 30, 15 * 60, ("mon", "tue", "thu", "fri")),
    ("Afternoon", 12 * 60 + 30, 13 * 60 + 30, ("wed",)),  # early release
)
N_PERIODS = 7
PASSING_MINUTES = 5
# first bell and period length: (weekdays but Wednesday), (Wednesday)
PERIOD_BELLS = {
    "middle": ((8 * 60 + 15, 48), (8 * 60 + 15, 48)),
    "high": ((7 * 60 + 45, 50), (8 * 60 + 45, 42)),  # late start Wednesday
}
PE = "physical_education"
COURT = "Gymnasium court"
COURT_CAPACITY = 40
SEMINAR_CAPACITY = 12


@dataclass
class SchoolYearRows:
    """What one school's year of the timetable needs from the record."""

    school: School
    year: SchoolYear
    sections: list[tuple[int, str, int | None, int | None, str]]
    rosters: dict[int, list[tuple[int, dt.date, dt.date | None]]]
    rooms: dict[int, tuple[str, int]] = field(default_factory=dict)


def load_timetable_and_messages(
    session: Session, seed: int, as_of: dt.date
) -> Counter[str]:
    """Bell schedules, meetings, planted clashes, calendar events, then the
    announcements and messages; rows per table."""
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    years = list(session.scalars(select(SchoolYear).order_by(SchoolYear.start_date)))
    schools = list(session.scalars(select(School).order_by(School.school_id)))
    keys = Keys.after(session)
    # The year holding the as-of date (later years are only being planned).
    current = [year for year in years if year.start_date <= as_of][-1]

    for year in years:
        for school in schools:
            periods = bell_schedule(school, year, keys)
            counts["period"] += timetable.bulk_add_periods(session, periods, ACTOR)
            rows = load_school_year(session, school, year)
            if not rows.sections:
                continue
            meetings = plan_meetings(rows, periods, keys, session, counts)
            if year is current and school is clash_school(schools):
                plant_clashes(session, seed, as_of, rows, meetings, keys, counts)
            counts["section_meeting"] += timetable.bulk_schedule(
                session, meetings, ACTOR
            )

    events = [row for y in years for s in schools for row in event_rows(session, s, y)]
    counts["calendar_event"] += calendar_events.bulk_add_events(session, events, ACTOR)
    log.info(
        "wrote the timetable and calendar: %d periods, %d meetings, %d events in "
        "%.1f s",
        counts["period"],
        counts["section_meeting"],
        counts["calendar_event"],
        time.perf_counter() - started,
    )
    counts.update(load_messages(session, seed, as_of, current))
    return counts


@dataclass
class Keys:
    """The next free key of each table the timetable fills with set keys."""

    period: int
    meeting: int
    room: int

    @classmethod
    def after(cls, session: Session) -> "Keys":
        last_room = session.scalar(select(Room.room_id).order_by(Room.room_id.desc()))
        return cls(period=1, meeting=1, room=(last_room or 0) + 1)

    def take(self, name: str) -> int:
        key = getattr(self, name)
        setattr(self, name, key + 1)
        return key


def clash_school(schools: list[School]) -> School:
    """Where the mistakes go: the first high school, else the first with
    sections."""
    by_level = {school.level: school for school in reversed(schools)}
    return by_level.get("high") or by_level.get("middle") or schools[0]


def bell_schedule(school: School, year: SchoolYear, keys: Keys) -> list[dict]:
    rows = []

    def ring(name: str, sequence: int, start: int, end: int, days) -> None:
        for day in days:
            rows.append(
                {
                    "period_id": keys.take("period"),
                    "school_id": school.school_id,
                    "school_year_id": year.school_year_id,
                    "name": name,
                    "sequence": sequence,
                    "day": day,
                    "start_minute": start,
                    "end_minute": end,
                }
            )

    if school.level == "elementary":
        for sequence, (name, start, end, days) in enumerate(ELEMENTARY_BELLS, 1):
            ring(name, min(sequence, 3), start, end, days)
        return rows
    usual, wednesday = PERIOD_BELLS[school.level]
    for number in range(1, N_PERIODS + 1):
        for (first, length), days in (
            (usual, WEEK[:2] + WEEK[3:]),
            (wednesday, ("wed",)),
        ):
            start = first + (number - 1) * (length + PASSING_MINUTES)
            ring(str(number), number, start, start + length, days)
    return rows


def load_school_year(session: Session, school: School, year: SchoolYear):
    """The sections (with subject, teacher and room), rosters and rooms."""
    sections = session.execute(
        select(
            Section.section_id,
            Section.section_code,
            Section.teacher_id,
            Section.room_id,
            Course.subject,
        )
        .join(Course, Course.course_id == Section.course_id)
        .where(
            Section.school_id == school.school_id,
            Section.school_year_id == year.school_year_id,
        )
        .order_by(Section.section_id)
    ).all()
    rosters: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for section_id, student_id, entry, exit_ in session.execute(
        select(
            SectionEnrollment.section_id,
            SectionEnrollment.student_id,
            SectionEnrollment.entry_date,
            SectionEnrollment.exit_date,
        )
        .join(Section, Section.section_id == SectionEnrollment.section_id)
        .where(
            Section.school_id == school.school_id,
            Section.school_year_id == year.school_year_id,
        )
    ):
        rosters[section_id].append((student_id, entry, exit_))
    rooms = session.execute(
        select(Room.room_id, Room.name, Room.capacity).where(
            Room.school_id == school.school_id
        )
    )
    return SchoolYearRows(
        school,
        year,
        [tuple(row) for row in sections],
        rosters,
        {room_id: (name, capacity) for room_id, name, capacity in rooms},
    )


def plan_meetings(
    rows: SchoolYearRows,
    periods: list[dict],
    keys: Keys,
    session: Session,
    counts: Counter[str],
) -> list[dict]:
    """Five meetings a section, Monday to Friday, in the period chosen for it."""
    courts = gym_courts(rows, keys, session, counts)
    chosen = assign_periods(rows, courts)
    period_ids = {(p["name"], p["day"]): p["period_id"] for p in periods}
    meetings = []
    for section_id, _, _, home, _ in rows.sections:
        number, room_id = chosen[section_id]
        for day in WEEK:
            meetings.append(
                {
                    "section_meeting_id": keys.take("meeting"),
                    "section_id": section_id,
                    "period_id": period_ids[(str(number + 1), day)],
                    "teacher_id": None,
                    "room_id": None if room_id == home else room_id,
                    "start_date": None,
                    "end_date": None,
                }
            )
    return meetings


def gym_courts(
    rows: SchoolYearRows, keys: Keys, session: Session, counts: Counter[str]
) -> list[int]:
    """The gymnasium and as many further courts as physical education needs
    to run one class a court in every period; missing courts are built."""
    home = {room for _, _, _, room, subject in rows.sections if subject == PE}
    if not home:
        return []
    n_classes = sum(subject == PE for *_, subject in rows.sections)
    # One court more than an even spread, as rosters rarely spread evenly.
    needed = -(-n_classes // N_PERIODS) + 1
    courts = sorted(home) + sorted(
        room_id for room_id, (name, _) in rows.rooms.items() if name.startswith(COURT)
    )
    new = [
        {
            "room_id": keys.take("room"),
            "school_id": rows.school.school_id,
            "name": f"{COURT} {len(courts) + n}",
            "capacity": COURT_CAPACITY,
        }
        for n in range(1, needed - len(courts) + 1)
    ]
    if new:
        counts["room"] += records.bulk_create(session, Room, new, ACTOR)
        for room in new:
            rows.rooms[room["room_id"]] = (room["name"], room["capacity"])
    return courts + [room["room_id"] for room in new]


def assign_periods(
    rows: SchoolYearRows, courts: list[int]
) -> dict[int, tuple[int, int | None]]:
    """A period (0-based) and a room for every section.

    Most constrained first: the section with the fewest periods left where
    its teacher, its students and a room are all free is placed next (the
    one with most sections still waiting on it, among equals), in the period
    that leaves those sections the most choice. A section with no period
    left goes where it clashes least, which the clash check then reports.
    """
    sections = {s[0]: s for s in rows.sections}
    students = {
        section_id: [student for student, *_ in roster]
        for section_id, roster in rows.rosters.items()
    }
    taken: dict[tuple[str, object], set[int]] = defaultdict(set)
    free = {section_id: set(range(N_PERIODS)) for section_id in sections}
    sharing = neighbours(rows, students)
    chosen: dict[int, tuple[int, int | None]] = {}
    waiting = {section_id: len(sharing[section_id]) for section_id in sections}

    def cost(key: int, period: int) -> int:
        """How many waiting neighbours would lose the period."""
        return sum(period in free.get(other, ()) for other in sharing[key])

    while free:
        # Fewest periods left first; among those, the most neighbours waiting.
        section_id = min(free, key=lambda key: (len(free[key]), -waiting[key], key))
        options = free.pop(section_id)
        _, _, teacher, home, subject = sections[section_id]
        if options:
            period = min(options, key=lambda p: (cost(section_id, p), p))
        else:
            period = least_clash(section_id, teacher, home, students, taken)
        room = home
        if subject == PE:
            room = next((c for c in courts if period not in taken[("room", c)]), home)
        chosen[section_id] = (period, room)

        taken[("teacher", teacher)].add(period)
        taken[("room", room)].add(period)
        for student in students.get(section_id, ()):
            taken[("student", student)].add(period)
        for other in sharing[section_id]:
            if other in free:
                free[other].discard(period)
                waiting[other] -= 1
        if subject == PE and all(period in taken[("room", c)] for c in courts):
            for other, (*_, other_subject) in sections.items():
                if other in free and other_subject == PE:
                    free[other].discard(period)
    return chosen


def neighbours(rows: SchoolYearRows, students: dict[int, list[int]]):
    """For each section, the sections that share a teacher, a room (other
    than the shared gymnasium) or a student with it."""
    by_resource: dict[tuple[str, object], list[int]] = defaultdict(list)
    for section_id, _, teacher, room, subject in rows.sections:
        by_resource[("teacher", teacher)].append(section_id)
        if subject != PE:
            by_resource[("room", room)].append(section_id)
        for student in students.get(section_id, ()):
            by_resource[("student", student)].append(section_id)
    sharing: dict[int, set[int]] = defaultdict(set)
    for (kind, key), group in by_resource.items():
        if key is None and kind != "student":
            continue
        for section_id in group:
            sharing[section_id].update(group)
    for section_id, group in sharing.items():
        group.discard(section_id)
    return sharing


def least_clash(section_id, teacher, room, students, taken) -> int:
    def clashes(period: int) -> int:
        return (
            sum(period in taken[("student", s)] for s in students.get(section_id, ()))
            + 10 * (period in taken[("room", room)])
            + 100 * (period in taken[("teacher", teacher)])
        )

    return min(range(N_PERIODS), key=lambda period: (clashes(period), period))


def plant_clashes(
    session: Session,
    seed: int,
    as_of: dt.date,
    rows: SchoolYearRows,
    meetings: list[dict],
    keys: Keys,
    counts: Counter[str],
) -> None:
    """Four mistakes for the clash check to find (see the module's
    docstring), in three classes of one period: three changes to meetings
    not yet written, and one roster place."""
    rng = stream(seed, "timetable clashes", rows.school.school_id)
    week: dict[int, list[dict]] = defaultdict(list)  # section -> Monday..Friday
    for meeting in meetings:
        week[meeting["section_id"]].append(meeting)
    classes = {s[0]: s for s in rows.sections if s[4] != PE}
    in_period: dict[int, list[int]] = defaultdict(list)
    for section_id in classes:
        in_period[week[section_id][0]["period_id"]].append(section_id)
    busy = [ids for _, ids in sorted(in_period.items()) if len(ids) >= 3]
    if not busy:
        return
    chosen = busy[int(rng.integers(len(busy)))]
    first, second, third = (int(s) for s in rng.choice(chosen, 3, replace=False))
    thursday, tuesday, wednesday = (WEEK.index(day) for day in ("thu", "tue", "wed"))

    # A teacher down to cover a colleague's class while teaching their own.
    week[second][thursday]["teacher_id"] = classes[first][2]
    # A room booked for a second class.
    week[third][tuesday]["room_id"] = classes[first][3]
    # A class sent to a seminar room too small for it.
    seminar = {
        "room_id": keys.take("room"),
        "school_id": rows.school.school_id,
        "name": "Seminar room",
        "capacity": SEMINAR_CAPACITY,
    }
    counts["room"] += records.bulk_create(session, Room, [seminar], ACTOR)
    week[first][wednesday]["room_id"] = seminar["room_id"]

    counts["section_enrollment"] += add_student_at_a_taken_time(
        session, rng, as_of, rows, week, first
    )


def add_student_at_a_taken_time(session, rng, as_of, rows, slots, target) -> int:
    """Put a student of another class in that period on `target`'s roster
    from a recent day: a schedule change that forgot the student's own class."""
    entry = max(rows.year.start_date, min(as_of, rows.year.end_date) - dt.timedelta(14))
    on_target = {student for student, *_ in rows.rosters[target]}
    period = slots[target][0]["period_id"]
    candidates = sorted(
        student
        for section_id, meetings in slots.items()
        if section_id != target and meetings[0]["period_id"] == period
        for student, start, end in rows.rosters[section_id]
        if student not in on_target and start <= entry and end is None
    )
    if not candidates:
        return 0
    student = candidates[int(rng.integers(len(candidates)))]
    row = {"section_id": target, "student_id": student, "entry_date": entry}
    return rosters.bulk_place(session, [row], ACTOR)
