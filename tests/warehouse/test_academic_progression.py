"""mart_academic_progression: GPA, credits and being on track, per student
and school year.

Graduation needs 8 credits (4 in mathematics, 4 in English), so being on
track means 8 x 1/4 = 2 credits earned by the end of 9th grade and 4 by the
end of 10th. P1 and P2 were 9th graders at Lincoln in 2024-2025 and are in
10th grade now (2025-2026, not over on October 15 2025).
"""

from decimal import Decimal

import pytest

from tests.warehouse.district import rows


def progression(warehouse, district, number):
    return rows(
        warehouse,
        "select * from mart_academic_progression where student_id = ? "
        "order by school_year",
        district.students[number],
    )


def test_gpa_is_weighted_by_credits(warehouse, district):
    ninth, tenth = progression(warehouse, district, "P1")

    # 2024-2025: an A (4.0) in a 1-credit course and a C (2.0) in a 0.5-credit
    # one: (4 x 1 + 2 x 0.5) / 1.5 = 3.33.
    assert ninth["gpa"] == pytest.approx(3.33)
    assert (ninth["credits_attempted"], ninth["credits_earned"]) == (
        Decimal("1.5"),
        Decimal("1.5"),
    )
    # 2025-2026: an F in English (1 credit attempted, none earned): GPA 0;
    # cumulative (5 + 0) / 2.5 = 2.00, 1.5 of 2.5 credits earned.
    assert tenth["gpa"] == pytest.approx(0)
    assert tenth["cumulative_gpa"] == pytest.approx(2.0)
    assert tenth["cumulative_credits_attempted"] == Decimal("2.5")
    assert tenth["cumulative_credits_earned"] == Decimal("1.5")
    assert (tenth["n_courses_failed"], tenth["n_courses_failed_to_date"]) == (1, 1)


def test_on_track_at_the_end_of_each_year(warehouse, district):
    (p1_ninth, p1_tenth), (p2_ninth, p2_tenth) = (
        progression(warehouse, district, number) for number in ("P1", "P2")
    )

    # 1.5 credits by the end of 9th grade is short of 2; P2's 2 is enough.
    assert (p1_ninth["expected_credits_earned"], p1_ninth["is_on_track"]) == (2, False)
    assert (p2_ninth["cumulative_credits_earned"], p2_ninth["is_on_track"]) == (
        Decimal("2"),
        True,
    )
    # 10th grade is still running: not decided yet.
    assert p1_tenth["expected_credits_earned"] == 4
    assert (p1_tenth["is_year_complete"], p1_tenth["is_on_track"]) == (False, None)
    assert p2_tenth["is_on_track"] is None


def test_a_year_without_final_grades_carries_the_cumulative_figures(
    warehouse, district
):
    ninth, tenth = progression(warehouse, district, "P2")

    # 9th grade: B (3.0) and A (4.0), 1 credit each: 3.5.
    assert ninth["gpa"] == pytest.approx(3.5)
    assert tenth["gpa"] is None
    assert tenth["credits_attempted"] == 0
    assert tenth["cumulative_gpa"] == pytest.approx(3.5)
    assert (tenth["school_id"], tenth["grade_level"]) == (
        district.lincoln.school_id,
        10,
    )
