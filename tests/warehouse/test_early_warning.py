"""mart_early_warning: attendance, behavior and course performance flags
for the students of the as-of school year (2025-2026, as of October 15).

Lincoln had 30 instructional days by then (19 in September, 11 in October),
so 7 days absent is a rate of 23/30 = 0.767 (at risk, below 0.80), 6 days
24/30 = 0.80 (a warning: not below 0.80, below 0.88) and 4 days 26/30 =
0.867 (a warning). Marks are in Algebra and English, grading periods P2
(Sep 15-26) and P3 (Sep 29-Oct 31).
"""

import pytest

from tests.warehouse.district import rows

LEVELS = ("attendance_level", "behavior_level", "course_performance_level")


def flags(warehouse, district, number):
    (row,) = rows(
        warehouse,
        "select * from mart_early_warning where student_id = ?",
        district.students[number],
    )
    return row


def levels(row):
    return tuple(row[level] for level in (*LEVELS, "flag_level", "flag_reasons"))


def test_attendance_below_080_is_at_risk(warehouse, district):
    row = flags(warehouse, district, "W1")

    # 7 of 30 days absent; Algebra 80 is fine.
    assert row["attendance_rate"] == pytest.approx(23 / 30)
    assert levels(row) == ("at_risk", "ok", "ok", "at_risk", "attendance")


def test_three_conduct_incidents_are_a_warning(warehouse, district):
    row = flags(warehouse, district, "W2")

    # Three incidents by October 15; three more come after it.
    assert row["n_conduct_incidents"] == 3
    assert levels(row) == ("ok", "warning", "ok", "warning", "behavior")


def test_the_flag_names_only_the_worst_indicators(warehouse, district):
    row = flags(warehouse, district, "W3")

    # A state-reportable offence (at risk) outweighs attendance of 26/30 and
    # the latest Algebra mark, P3's 70 (warnings; P2's 60 is older).
    assert row["attendance_rate"] == pytest.approx(26 / 30)
    assert row["n_state_reportable_incidents"] == 1
    assert (row["lowest_core_mark_percent"], row["lowest_core_mark_subject"]) == (
        70,
        "mathematics",
    )
    assert levels(row) == ("warning", "at_risk", "warning", "at_risk", "behavior")


def test_a_rate_of_exactly_080_is_a_warning(warehouse, district):
    row = flags(warehouse, district, "W4")

    # 24/30 = 0.80; English 64 is below 65.
    assert row["attendance_rate"] == pytest.approx(0.80)
    assert levels(row) == (
        "warning",
        "ok",
        "at_risk",
        "at_risk",
        "course_performance",
    )


def test_two_indicators_at_risk(warehouse, district):
    row = flags(warehouse, district, "W5")

    # 7 days absent and 6 conduct incidents (more than 5).
    assert row["n_conduct_incidents"] == 6
    assert levels(row) == (
        "at_risk",
        "at_risk",
        "ok",
        "at_risk",
        "attendance, behavior",
    )


def test_last_years_incidents_do_not_count(warehouse, district):
    row = flags(warehouse, district, "W6")

    # Three conduct incidents in May 2025, before this school year began.
    assert row["n_conduct_incidents"] == 0
    assert levels(row) == ("ok", "ok", "ok", "ok", None)


def test_every_student_of_the_year_once(warehouse, district):
    found = rows(
        warehouse,
        "select student_id, school_id, is_currently_enrolled from mart_early_warning",
    )
    by_id = {row["student_id"]: row for row in found}
    ids = district.students

    # Everyone enrolled in 2025-2026: D1-D3 (not D5), P1, P2, W1-W6, M1-M3.
    assert len(found) == 14
    assert by_id[ids["M2"]]["is_currently_enrolled"] is False
    assert by_id[ids["M3"]]["school_id"] == district.roosevelt.school_id
    assert ids["C1"] not in by_id
