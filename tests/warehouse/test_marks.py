"""fct_marks and fct_final_grades: period marks and grades of record, with
their course, subject, school, year and grading period.

The district's marks (conftest MARKS): seven period marks in Algebra and
English at Lincoln in 2025-2026; final grades for P1 and P2.
"""

from decimal import Decimal

from tests.warehouse.district import rows
from tests.warehouse.district_students import MARKS


def test_each_mark_carries_its_course_and_period(warehouse, district):
    marks = rows(
        warehouse,
        "select * from fct_marks where student_id = ? order by grading_period_sequence",
        district.students["W3"],
    )

    # W3: Algebra P2 60 (a D: 60 to 69.99), Algebra P3 70 (C), English P3 90 (A).
    assert [
        (m["course_code"], m["subject"], m["grading_period"], m["percent"], m["letter"])
        for m in marks
    ] == [
        ("MATH-101", "mathematics", "P2", Decimal("60.00"), "D"),
        ("MATH-101", "mathematics", "P3", Decimal("70.00"), "C"),
        ("ENG-101", "english", "P3", Decimal("90.00"), "A"),
    ]
    assert {m["school_id"] for m in marks} == {district.lincoln.school_id}
    assert {m["school_year"] for m in marks} == {"2025-2026"}
    assert [m["grading_period_sequence"] for m in marks] == [2, 3, 3]


def test_every_posted_mark_is_a_row(warehouse):
    (count,) = warehouse.execute("select count(*) from fct_marks").fetchone()

    assert count == len(MARKS) == 7


def test_final_grades_carry_points_credits_and_failure(warehouse, district):
    grades = rows(
        warehouse,
        "select section_code, school_year, letter, grade_points, credits_attempted, "
        "credits_earned, is_failed from fct_final_grades where student_id = ? "
        "order by school_year, section_code",
        district.students["P1"],
    )

    # Algebra 92 is an A (4 points, its 1 credit earned); Drawing 75 a C
    # (2 points, 0.5 credit); English 55 an F: 1 credit attempted, none earned.
    assert [tuple(g.values()) for g in grades] == [
        (
            "ALG-24",
            "2024-2025",
            "A",
            Decimal("4.00"),
            Decimal("1.00"),
            Decimal("1.00"),
            False,
        ),
        (
            "ART-24",
            "2024-2025",
            "C",
            Decimal("2.00"),
            Decimal("0.50"),
            Decimal("0.50"),
            False,
        ),
        (
            "ENG-25",
            "2025-2026",
            "F",
            Decimal("0.00"),
            Decimal("1.00"),
            Decimal("0.00"),
            True,
        ),
    ]
