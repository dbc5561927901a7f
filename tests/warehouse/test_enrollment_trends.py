"""mart_enrollment_trends, mart_enrollment_entries, mart_enrollment_exits:
membership by month and group, entries and exits by reason.

Lincoln's 9th grade in 2025-2026: W1-W6 from September 1; M2 from September
1 until a transfer out of the district on September 19; M3 from September 1
until October 1, then at Roosevelt from October 2; M1 from October 6 (a
transfer from outside). Grades 10 (P1, P2) and 11 (D1, D3) continue from
September 1. W5 and M3 are male, W5 Hispanic/Latino, everyone else female
and white. W1 is an English learner from September 1; W2 economically
disadvantaged from September 1 to 30; W4 has an IEP from October 6.
"""

import datetime as dt

from tests.warehouse.district import rows

SEPTEMBER, OCTOBER = dt.date(2025, 9, 1), dt.date(2025, 10, 1)


def trend(warehouse, school, month, grade, group_type="all", group_value="all"):
    found = rows(
        warehouse,
        "select n_students, n_entries, n_exits from mart_enrollment_trends "
        "where school_id = ? and month = ? and grade_level = ? "
        "and group_type = ? and group_value = ?",
        school.school_id,
        month,
        grade,
        group_type,
        group_value,
    )
    return tuple(found[0].values()) if found else None


def test_membership_entries_and_exits_by_month(warehouse, district):
    lincoln = district.lincoln

    # September: W1-W6, M2 and M3 in membership (8), all 8 entered on Sep 1;
    # M2 exited on Sep 19.
    assert trend(warehouse, lincoln, SEPTEMBER, 9) == (8, 8, 1)
    # October: W1-W6, M3 (in membership on Oct 1) and M1 (from Oct 6): 8;
    # M1 entered, M3 exited.
    assert trend(warehouse, lincoln, OCTOBER, 9) == (8, 1, 1)
    assert trend(warehouse, lincoln, OCTOBER, 10) == (2, 0, 0)
    assert trend(warehouse, district.roosevelt, OCTOBER, 9) == (1, 1, 0)


def test_groups_follow_demographics(warehouse, district):
    lincoln = district.lincoln

    # Male in 9th grade: W5 and M3 in both months; M3 exits in October.
    assert trend(warehouse, lincoln, SEPTEMBER, 9, "sex", "M") == (2, 2, 0)
    assert trend(warehouse, lincoln, OCTOBER, 9, "sex", "M") == (2, 0, 1)
    # Female: W1-W4, W6 and M2 in September; M1 instead of M2 in October.
    assert trend(warehouse, lincoln, OCTOBER, 9, "sex", "F") == (6, 1, 0)
    assert trend(
        warehouse, lincoln, OCTOBER, 9, "race_ethnicity", "hispanic_latino"
    ) == (
        1,
        0,
        0,
    )


def test_program_flags_as_they_stood_on_the_first_day_of_the_month(warehouse, district):
    lincoln = district.lincoln

    assert trend(warehouse, lincoln, OCTOBER, 9, "program", "english_learner") == (
        1,
        0,
        0,
    )
    # W2's flag held on September 1, ended on September 30.
    assert trend(
        warehouse, lincoln, SEPTEMBER, 9, "program", "economically_disadvantaged"
    ) == (1, 1, 0)
    assert (
        trend(warehouse, lincoln, OCTOBER, 9, "program", "economically_disadvantaged")
        is None
    )
    # W4's IEP began on October 6, after W4's first October day (October 1).
    assert trend(warehouse, lincoln, OCTOBER, 9, "program", "disability_iep") is None


def test_entries_and_exits_by_reason(warehouse, district):
    lincoln, roosevelt = district.lincoln.school_id, district.roosevelt.school_id
    this_year = "select school_id, month, {code}, n_students from {mart} "
    this_year += "where school_year = '2025-2026' order by all"

    entries = rows(
        warehouse, this_year.format(code="entry_code", mart="mart_enrollment_entries")
    )
    exits = rows(
        warehouse, this_year.format(code="exit_code", mart="mart_enrollment_exits")
    )

    # Lincoln in September: 8 new 9th graders and 4 continuing students (P1,
    # P2, D1, D3); M1 from outside in October. Roosevelt: D2 continuing, M3.
    assert [tuple(e.values()) for e in entries] == [
        (lincoln, SEPTEMBER, "continuing", 4),
        (lincoln, SEPTEMBER, "new", 8),
        (lincoln, OCTOBER, "transfer_from_outside", 1),
        (roosevelt, SEPTEMBER, "continuing", 1),
        (roosevelt, OCTOBER, "transfer_in_district", 1),
    ]
    assert [tuple(e.values()) for e in exits] == [
        (lincoln, SEPTEMBER, "transfer_out_district", 1),
        (lincoln, OCTOBER, "transfer_in_district", 1),
    ]
