"""mart_cohort_graduation: the four-year adjusted cohort graduation rate
(34 CFR 200.19(b)), per cohort and school, and for the district.

As of October 15 2025:

- 2021-2022: C1-C4 first entered 9th grade at Lincoln. C1 graduates from
  Lincoln and C2, who moved to Roosevelt in 10th grade, from Roosevelt, both
  with regular diplomas on June 12 2025, the last day of the cohort's fourth
  year. C3 transferred out of the district in 10th grade (removed); C4
  dropped out in 11th (stays in the cohort).
- 2018-2019: E1 transferred in from outside in 12th grade in 2021-2022, so
  joins the cohort that started three years earlier; the diploma came on
  August 15 2022, after that cohort's fourth year ended on June 12 2022.
- 2022-2023: D1 (repeated 9th grade), D3 (home-schooled for a while, back
  since 2024-2025) and D5 (emigrated in 11th grade, removed) first entered
  9th grade at Lincoln; D2 transferred in to Roosevelt in 10th grade in
  2023-2024. The fourth year, 2025-2026, is still running.
"""

import pytest

from tests.warehouse.district import rows


def cohort(warehouse, school_year):
    found = rows(
        warehouse,
        "select school_id, n_first_time_grade_9, n_transfers_in, n_removed, "
        "n_cohort, n_graduates, n_dropouts, graduation_rate, is_complete "
        "from mart_cohort_graduation where cohort_school_year = ?",
        school_year,
    )
    return {row.pop("school_id"): row for row in found}


def test_a_completed_cohort(warehouse, district):
    schools = cohort(warehouse, "2021-2022")
    lincoln, roosevelt = district.lincoln.school_id, district.roosevelt.school_id

    # 4 first-time 9th graders - 1 transfer out = 3; 2 graduates: 2/3.
    assert schools[None] == {
        "n_first_time_grade_9": 4,
        "n_transfers_in": 0,
        "n_removed": 1,
        "n_cohort": 3,
        "n_graduates": 2,
        "n_dropouts": 1,
        "graduation_rate": pytest.approx(2 / 3),
        "is_complete": True,
    }
    # Lincoln: C1, C4 (C3 removed): 1/2. Roosevelt, C2's last school: 1/1.
    assert (schools[lincoln]["n_cohort"], schools[lincoln]["n_removed"]) == (2, 1)
    assert schools[lincoln]["graduation_rate"] == pytest.approx(0.5)
    assert schools[roosevelt]["n_first_time_grade_9"] == 1
    assert schools[roosevelt]["graduation_rate"] == pytest.approx(1.0)
    assert set(schools) == {None, lincoln, roosevelt}


def test_a_late_transfer_in_joins_the_cohort_of_its_grade(warehouse, district):
    schools = cohort(warehouse, "2018-2019")

    # E1 counts (1 of 1) but the diploma came after the fourth year: 0/1.
    assert schools[None]["n_transfers_in"] == 1
    assert schools[None]["n_cohort"] == 1
    assert schools[None]["n_graduates"] == 0
    assert schools[None]["graduation_rate"] == pytest.approx(0.0)
    assert schools[None]["is_complete"] is True
    assert set(schools) == {None, district.lincoln.school_id}


def test_a_cohort_still_in_its_fourth_year(warehouse, district):
    schools = cohort(warehouse, "2022-2023")

    # 3 first-time 9th graders + 1 transfer in - 1 emigrant = 3; D3 came back,
    # so stays.
    district_total = schools[None]
    assert (
        district_total["n_first_time_grade_9"],
        district_total["n_transfers_in"],
        district_total["n_removed"],
        district_total["n_cohort"],
    ) == (3, 1, 1, 3)
    assert district_total["is_complete"] is False
    assert schools[district.roosevelt.school_id]["n_transfers_in"] == 1


def test_who_counts_how(warehouse, district):
    students = {
        row["student_id"]: row
        for row in rows(
            warehouse,
            "select student_id, cohort_school_year, is_removed, is_dropout, "
            "is_graduate from int_cohort_student",
        )
    }
    ids = district.students

    assert students[ids["D1"]]["cohort_school_year"] == "2022-2023"  # not 2023
    assert students[ids["D3"]]["is_removed"] is False
    assert students[ids["D5"]]["is_removed"] is True
    assert students[ids["C4"]]["is_dropout"] is True
    assert students[ids["E1"]]["is_graduate"] is False
    # M2 left the district three weeks into 9th grade.
    assert students[ids["M2"]]["is_removed"] is True
