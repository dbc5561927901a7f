"""The generated timetable, calendar events and messages.

The assignment of periods is tested on a hand-made school; the rest on the
tiny district (one high school), seed 42, as of Friday March 13 2026.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational.db import session_scope
from operational.generator.load import seed_district
from operational.generator.sizes import SIZES
from operational.generator.timetable import PE, SchoolYearRows, assign_periods
from operational.models import (
    Announcement,
    CalendarEvent,
    Message,
    Period,
    School,
    SchoolYear,
    Section,
    SectionMeeting,
)
from operational.services import calendar_events, outbox, timetable_clashes
from tests.support.databases import migrated_database

AS_OF = dt.date(2026, 3, 13)
SEP_1 = dt.date(2025, 9, 1)


def hand_made(sections, rosters) -> SchoolYearRows:
    return SchoolYearRows(
        school=School(school_id=1, name="Test", level="high"),
        year=SchoolYear(school_year_id=1, name="2025-2026"),
        sections=sections,
        rosters={key: [(s, SEP_1, None) for s in ids] for key, ids in rosters.items()},
    )


def test_periods_keep_teachers_rooms_and_students_apart():
    # Two cohorts (students 1-2 and 3-4) each take A, B and C; teacher 10
    # teaches both A sections, teacher 11 both B sections, 12 both C.
    sections = [
        (1, "A-01", 10, 100, "english"),
        (2, "A-02", 10, 100, "english"),
        (3, "B-01", 11, 101, "mathematics"),
        (4, "B-02", 11, 101, "mathematics"),
        (5, "C-01", 12, 102, "science"),
        (6, "C-02", 12, 102, "science"),
    ]
    rosters = {1: [1, 2], 3: [1, 2], 5: [1, 2], 2: [3, 4], 4: [3, 4], 6: [3, 4]}

    chosen = assign_periods(hand_made(sections, rosters), courts=[])

    periods = {key: period for key, (period, _) in chosen.items()}
    # Same teacher (and room) apart, same cohort apart.
    for first, second in [(1, 2), (3, 4), (5, 6), (1, 3), (1, 5), (3, 5)]:
        assert periods[first] != periods[second]
    for first, second in [(2, 4), (2, 6), (4, 6)]:
        assert periods[first] != periods[second]


def test_physical_education_spreads_over_the_courts():
    # Four PE classes of four teachers, all at home in the gymnasium (90),
    # with courts 91 and 92 beside it, and no student in two of them.
    sections = [(n, f"PE-0{n}", 20 + n, 90, PE) for n in (1, 2, 3, 4)]
    rosters = {n: [n] for n in (1, 2, 3, 4)}

    chosen = assign_periods(hand_made(sections, rosters), courts=[90, 91, 92])

    # Three courts take three classes in the first period; the fourth class
    # waits for the next period, in the gymnasium.
    assert chosen == {1: (0, 90), 2: (0, 91), 3: (0, 92), 4: (1, 90)}


def test_a_section_with_no_free_period_goes_where_it_clashes_least():
    # Teacher 10 has eight sections and there are seven periods.
    sections = [(n, f"A-0{n}", 10, 100 + n, "english") for n in range(1, 9)]
    rosters = {n: [n] for n in range(1, 9)}

    chosen = assign_periods(hand_made(sections, rosters), courts=[])

    periods = Counter(period for period, _ in chosen.values())
    assert sorted(periods.values()) == [1, 1, 1, 1, 1, 1, 2]


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def seeded(request, tmp_path_factory) -> Iterator[Session]:
    directory = tmp_path_factory.mktemp("tiny")
    with migrated_database(request.param, directory) as engine:
        with session_scope(engine) as session:
            seed_district(session, SIZES["tiny"], 42, AS_OF)
        with session_scope(engine) as session:
            yield session


def current_year(session: Session) -> SchoolYear:
    years = session.scalars(select(SchoolYear).order_by(SchoolYear.start_date))
    return [year for year in years if year.start_date <= AS_OF][-1]


def test_every_school_has_a_bell_schedule_and_every_section_meets(seeded):
    n_schools = seeded.scalar(select(func.count()).select_from(School))
    with_bells = seeded.scalar(select(func.count(func.distinct(Period.school_id))))
    assert with_bells == n_schools
    weekly = seeded.execute(
        select(SectionMeeting.section_id, func.count())
        .group_by(SectionMeeting.section_id)
        .order_by(SectionMeeting.section_id)
    ).all()
    n_sections = seeded.scalar(select(func.count()).select_from(Section))
    # Every section meets Monday to Friday.
    assert len(weekly) == n_sections
    assert {n for _, n in weekly} == {5}


def test_the_planted_mistakes_are_found(seeded):
    clashes = timetable_clashes.find_clashes(
        seeded, current_year(seeded).school_year_id
    )

    kinds = Counter(clash.kind for clash in clashes)
    assert kinds["teacher"] >= 1 and kinds["room"] >= 1
    # The late addition to one class meets its own class all week.
    assert kinds["student"] >= 5
    [small_room] = [c for c in clashes if c.kind == "room_capacity"]
    assert "room Seminar room seats 12 but" in small_room.description


def test_holidays_fall_on_closed_days(seeded):
    year = current_year(seeded)
    holidays = seeded.scalars(
        select(CalendarEvent.title).where(
            CalendarEvent.kind == "holiday",
            CalendarEvent.school_year_id == year.school_year_id,
        )
    ).all()

    assert {"Thanksgiving Day", "Winter break", "Memorial Day"} <= set(holidays)
    assert (
        calendar_events.holidays_on_instructional_days(seeded, year.school_year_id)
        == []
    )


def test_messages_were_sent_bounced_and_queued(seeded):
    statuses = outbox.counts_by_status(seeded)
    assert set(statuses) == {"sent", "failed", "queued"}
    assert statuses["sent"] > statuses["queued"] > 0
    categories = set(seeded.scalars(select(Announcement.category).distinct()))
    assert {"general", "calendar_event", "academic", "unexcused_absence"} <= (
        categories
    )
    # Nothing queued is older than the last week before the as-of date.
    oldest_queued = seeded.scalar(
        select(func.min(Announcement.audience_date))
        .join(Message, Message.announcement_id == Announcement.announcement_id)
        .where(Message.status == "queued", Message.n_attempts == 0)
    )
    assert oldest_queued >= AS_OF - dt.timedelta(days=7)
