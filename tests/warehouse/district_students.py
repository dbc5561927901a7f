"""The students of the test district, by student number (each test file
says what it needs of them):

- C1-C4, E1: a completed graduation cohort (2021-2022) and a transfer-in
  whose cohort (2018-2019) began before the records.
- D1, D2, D3, D5: the 2022-2023 cohort, still in its fourth year.
- P1, P2: 9th graders of 2024-2025 with final grades, 10th graders now.
- W1-W6: 9th graders at Lincoln now, with absences, incidents and marks.
- M1-M3: a late entry, a transfer out and a move to Roosevelt in 2025.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from operational.models import BehaviorIncident, StudentProgram
from operational.services import attendance, enrollment, grading, records
from tests.support.school import ACTOR, FIRST_DAY
from tests.warehouse.district import (
    TEACHER,
    District,
    current,
    diploma,
    final_grade,
    place,
    stay,
    student,
)


def add_cohorts(session: Session, district: District) -> None:
    lincoln, roosevelt = district.lincoln, district.roosevelt
    graduation_day = dt.date(2025, 6, 12)
    for number in ("C1", "C2", "C3", "C4", "E1", "D1", "D2", "D3", "D5"):
        student(session, district, number)

    # 2021-2022: four first-time 9th graders.
    for number in ("C1", "C2", "C3", "C4"):
        stay(session, district, number, 2021, 9, entry_code="new")
    stay(session, district, "C1", 2022, 10)
    stay(session, district, "C1", 2023, 11)
    stay(session, district, "C1", 2024, 12, exit_code="graduated")
    diploma(session, district, "C1", lincoln, graduation_day)
    # C2 moves to Roosevelt in 10th grade and graduates there.
    moving = stay(session, district, "C2", 2022, 10, exit_code=None)
    moved = enrollment.transfer(
        session,
        ACTOR,
        moving.enrollment_id,
        to_school_id=roosevelt.school_id,
        first_day=dt.date(2023, 1, 9),
    )
    enrollment.withdraw(
        session,
        ACTOR,
        moved.enrollment_id,
        exit_date=dt.date(2023, 6, 12),
        exit_code="end_of_year",
    )
    stay(session, district, "C2", 2023, 11, school=roosevelt)
    stay(session, district, "C2", 2024, 12, school=roosevelt, exit_code="graduated")
    diploma(session, district, "C2", roosevelt, graduation_day)
    # C3 transfers out in 10th grade; C4 drops out in 11th.
    stay(
        session,
        district,
        "C3",
        2022,
        10,
        exit_=dt.date(2023, 1, 15),
        exit_code="transfer_out_district",
    )
    stay(session, district, "C4", 2022, 10)
    stay(
        session,
        district,
        "C4",
        2023,
        11,
        exit_=dt.date(2024, 2, 1),
        exit_code="dropped_out",
    )
    # E1 arrives in 12th grade in 2021-2022 (so joins the 2018-2019 cohort)
    # and gets a diploma that summer, after the cohort's fourth year ended.
    stay(
        session,
        district,
        "E1",
        2021,
        12,
        entry=dt.date(2021, 9, 7),
        entry_code="transfer_from_outside",
    )
    diploma(session, district, "E1", lincoln, dt.date(2022, 8, 15))

    # 2022-2023: D1 repeats 9th grade; D2 transfers in to Roosevelt in 10th
    # grade in 2023-2024; D3 leaves for home schooling and comes back; D5
    # emigrates in 11th grade.
    stay(session, district, "D1", 2022, 9, entry_code="new")
    stay(session, district, "D1", 2023, 9)
    stay(session, district, "D1", 2024, 10)
    current(session, district, "D1", 11)
    stay(
        session,
        district,
        "D2",
        2023,
        10,
        school=roosevelt,
        entry=dt.date(2023, 9, 5),
        entry_code="transfer_from_outside",
    )
    stay(session, district, "D2", 2024, 11, school=roosevelt)
    current(session, district, "D2", 12, school=roosevelt)
    stay(
        session,
        district,
        "D3",
        2022,
        9,
        entry_code="new",
        exit_=dt.date(2023, 3, 1),
        exit_code="transfer_private_or_home",
    )
    stay(session, district, "D3", 2024, 10, entry_code="reentry")
    current(session, district, "D3", 11)
    stay(session, district, "D5", 2022, 9, entry_code="new")
    stay(session, district, "D5", 2023, 10)
    stay(
        session,
        district,
        "D5",
        2024,
        11,
        exit_=dt.date(2024, 11, 15),
        exit_code="emigrated",
    )


def add_progression(session: Session, district: District) -> None:
    for number in ("P1", "P2"):
        student(session, district, number)
        stay(session, district, number, 2024, 9, entry_code="new")
        current(session, district, number, 10)
    final_grade(session, district, "P1", "ALG-24", "92")
    final_grade(session, district, "P1", "ART-24", "75")
    final_grade(session, district, "P1", "ENG-25", "55")
    final_grade(session, district, "P2", "ALG-24", "85")
    final_grade(session, district, "P2", "ENG-24", "95")


# Days of Lincoln's September on which the early-warning students were away.


# Days of Lincoln's September on which the early-warning students were away.
ABSENT_DAYS = [dt.date(2025, 9, day) for day in (2, 3, 4, 5, 8, 9, 10)]
N_ABSENCES = {"W1": 7, "W3": 4, "W4": 6, "W5": 7}
INCIDENTS = {
    # number: [(date, kind), ...]
    "W2": [(dt.date(2025, 9, d), "conduct") for d in (3, 17)]
    + [(dt.date(2025, 10, d), "conduct") for d in (2, 20, 21, 22)],
    "W3": [(dt.date(2025, 9, 16), "state_reportable")],
    "W5": [(dt.date(2025, 9, d), "conduct") for d in (2, 3, 4, 8, 9, 10)],
    "W6": [(dt.date(2025, 5, 1), "conduct")] * 3,
}
MARKS = [
    # number, section, period, percent
    ("W1", "ALG-25", "P3", "80"),
    ("W2", "ALG-25", "P3", "75"),
    ("W3", "ALG-25", "P2", "60"),
    ("W3", "ALG-25", "P3", "70"),
    ("W3", "ENG-25", "P3", "90"),
    ("W4", "ENG-25", "P3", "64"),
    ("W5", "ALG-25", "P3", "85"),
]


def add_early_warning(session: Session, district: District) -> None:
    lincoln = district.lincoln
    demographics = {"W5": {"sex": "M", "race_ethnicity": "hispanic_latino"}}
    for number in ("W1", "W2", "W3", "W4", "W5", "W6"):
        student(session, district, number, **demographics.get(number, {}))
        current(session, district, number, 9, entry_code="new")
    for number, program, start, end in [
        ("W1", "english_learner", FIRST_DAY, None),
        ("W2", "economically_disadvantaged", FIRST_DAY, dt.date(2025, 9, 30)),
        ("W4", "disability_iep", dt.date(2025, 10, 6), None),
    ]:
        records.create(
            session,
            StudentProgram,
            ACTOR,
            student_id=district.students[number],
            program=program,
            start_date=start,
            end_date=end,
        )

    attendance.bulk_record_daily(
        session,
        [
            {
                "student_id": district.students[number],
                "school_id": lincoln.school_id,
                "attendance_date": day,
                "code": "EA",
            }
            for number, n_days in N_ABSENCES.items()
            for day in ABSENT_DAYS[:n_days]
        ],
        ACTOR,
    )
    records.bulk_create(
        session,
        BehaviorIncident,
        [
            {
                "student_id": district.students[number],
                "school_id": lincoln.school_id,
                "incident_date": day,
                "kind": kind,
                "offence": "weapon" if kind == "state_reportable" else "disruption",
                "reported_by": TEACHER,
            }
            for number, incidents in INCIDENTS.items()
            for day, kind in incidents
        ],
        ACTOR,
    )

    for number, code in [
        ("W1", "ALG-25"),
        ("W2", "ALG-25"),
        ("W3", "ALG-25"),
        ("W5", "ALG-25"),
        ("W3", "ENG-25"),
        ("W4", "ENG-25"),
    ]:
        place(session, district, number, code)
    grading.bulk_post_marks(
        session,
        [
            {
                "student_id": district.students[number],
                "section_id": district.sections[code].section_id,
                "grading_period_id": district.periods[period].grading_period_id,
                "percent": Decimal(percent),
            }
            for number, code, period, percent in MARKS
        ],
        TEACHER,
    )


def add_movements(session: Session, district: District) -> None:
    student(session, district, "M1")
    current(
        session,
        district,
        "M1",
        9,
        entry=dt.date(2025, 10, 6),
        entry_code="transfer_from_outside",
    )
    student(session, district, "M2")
    leaving = current(session, district, "M2", 9, entry_code="new")
    enrollment.withdraw(
        session,
        ACTOR,
        leaving.enrollment_id,
        exit_date=dt.date(2025, 9, 19),
        exit_code="transfer_out_district",
    )
    student(session, district, "M3", sex="M")
    moving = current(session, district, "M3", 9, entry_code="new")
    enrollment.transfer(
        session,
        ACTOR,
        moving.enrollment_id,
        to_school_id=district.roosevelt.school_id,
        first_day=dt.date(2025, 10, 2),
    )
