"""mart_official_enrollment_count: students in membership on the count date,
October 1, or the school's next instructional day when it is closed.

Lincoln is open on Wednesday October 1 2025; Roosevelt is closed for fall
break, so its count is taken on Thursday October 2. Who is where on those
days is in test_enrollment_trends.py.
"""

import datetime as dt

from tests.warehouse.district import rows


def counts(warehouse, school):
    found = rows(
        warehouse,
        "select scheduled_count_date, count_date, grade_level, group_type, "
        "group_value, n_students from mart_official_enrollment_count "
        "where school_id = ? and group_type in ('all', 'program') order by all",
        school.school_id,
    )
    return [tuple(row.values()) for row in found]


def test_count_on_october_first(warehouse, district):
    day = dt.date(2025, 10, 1)

    # 9th grade on Oct 1: W1-W6 and M3 (its last day at Lincoln) = 7; M2 left
    # on Sep 19 and M1 comes on Oct 6. Of them only W1 is in a program: W2's
    # flag ended on Sep 30 and W4's IEP starts on Oct 6.
    assert counts(warehouse, district.lincoln) == [
        (day, day, 9, "all", "all", 7),
        (day, day, 9, "program", "english_learner", 1),
        (day, day, 10, "all", "all", 2),
        (day, day, 11, "all", "all", 2),
    ]
    (male,) = warehouse.execute(
        "select n_students from mart_official_enrollment_count where school_id = ? "
        "and grade_level = 9 and group_type = 'sex' and group_value = 'M'",
        [district.lincoln.school_id],
    ).fetchone()
    assert male == 2  # W5 and M3


def test_count_on_the_next_instructional_day_when_closed(warehouse, district):
    scheduled, taken = dt.date(2025, 10, 1), dt.date(2025, 10, 2)

    # On Oct 2 Roosevelt has D2 in 12th grade and M3, arrived that day, in 9th.
    assert counts(warehouse, district.roosevelt) == [
        (scheduled, taken, 9, "all", "all", 1),
        (scheduled, taken, 12, "all", "all", 1),
    ]


def test_no_count_for_a_year_without_its_count_day(warehouse):
    # The earlier school years have no calendar in the district's records.
    years = warehouse.execute(
        "select distinct school_year from mart_official_enrollment_count"
    ).fetchall()

    assert years == [("2025-2026",)]
