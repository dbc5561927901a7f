"""mart_coursework_completion and mart_coursework_completion_student: how
much of the work past its due date was handed in, on time, and scored.

Algebra (ALG-25), homework losing 10% of the score a day late, 50% at most:
A1 (10 points, due Sep 10), A2 (20 points, due Sep 24), A3 (due Oct 15, the
as-of date, so not due yet) and a draft A4 (not given to students).

- W1: A1 on time, 8 points; A2 on time, not scored yet; A3 early.
- W2: A1 two days late, 10 points less 20% = 8; A2 never handed in, scored 0.
- W3: excused from A1; A2 on time, 15 points.
- W5: A1 never handed in; A2 six days late, 20 points less 50% (the cap) = 10.
"""

import pytest

from tests.warehouse.district import rows

COUNTS = (
    "n_assignments_due",
    "n_submitted",
    "n_on_time",
    "n_late",
    "n_missing",
    "n_excused",
)


def student_work(warehouse, district):
    found = rows(
        warehouse,
        "select * from mart_coursework_completion_student where section_id = ?",
        district.sections["ALG-25"].section_id,
    )
    return {row["student_id"]: row for row in found}


def test_each_students_work(warehouse, district):
    work = student_work(warehouse, district)
    ids = district.students

    assert {student for student in work} == {ids[n] for n in ("W1", "W2", "W3", "W5")}
    assert [work[ids["W1"]][c] for c in COUNTS] == [2, 2, 2, 0, 0, 0]
    assert [work[ids["W2"]][c] for c in COUNTS] == [2, 1, 0, 1, 1, 0]
    assert [work[ids["W3"]][c] for c in COUNTS] == [2, 1, 1, 0, 0, 1]
    assert [work[ids["W5"]][c] for c in COUNTS] == [2, 1, 0, 1, 1, 0]


def test_rates_leave_excused_work_out(warehouse, district):
    work = student_work(warehouse, district)
    ids = district.students

    # W3: 1 handed in of the 1 not excused.
    assert work[ids["W3"]]["completion_rate"] == pytest.approx(1.0)
    assert work[ids["W2"]]["completion_rate"] == pytest.approx(0.5)
    assert work[ids["W2"]]["on_time_rate"] == pytest.approx(0.0)


def test_average_score_of_scored_work_after_late_penalties(warehouse, district):
    work = student_work(warehouse, district)
    ids = district.students

    # W1: 8/10 (A2 waits for grading); W2: (8 + 0) / (10 + 20); W5: 10/20.
    assert work[ids["W1"]]["average_score_percent"] == pytest.approx(80.0)
    assert work[ids["W2"]]["average_score_percent"] == pytest.approx(800 / 30)
    assert work[ids["W3"]]["average_score_percent"] == pytest.approx(75.0)
    assert work[ids["W5"]]["average_score_percent"] == pytest.approx(50.0)


def test_the_section_overall(warehouse, district):
    (section,) = rows(
        warehouse,
        "select * from mart_coursework_completion where section_id = ?",
        district.sections["ALG-25"].section_id,
    )

    # 2 assignments x 4 students = 8 pieces of work: 5 handed in (3 on time,
    # 2 late), 2 missing, 1 excused: 5/7 complete, 3/7 on time.
    assert (section["n_assignments_due"], section["n_students"]) == (2, 4)
    assert section["n_student_assignments_due"] == 8
    assert [section[c] for c in COUNTS[1:]] == [5, 3, 2, 2, 1]
    assert section["completion_rate"] == pytest.approx(5 / 7)
    assert section["on_time_rate"] == pytest.approx(3 / 7)
    # Points counted 8 + 8 + 0 + 15 + 10 = 41 of 10 + 10 + 20 + 20 + 20 = 80.
    assert section["average_score_percent"] == pytest.approx(51.25)
