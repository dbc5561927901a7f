"""A classroom on top of the test school, built through the coursework
services: a section of Algebra I at Lincoln High with room for thirty,
gradebook categories Homework 30%, Quizzes 20% and Tests 50%, and students
enrolled from Monday September 1 2025 and on the roster from that day.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from operational.models import Assignment, GradingCategory, Section, Student
from operational.services import assignments, records, rosters
from tests.support.school import ACTOR, FIRST_DAY, TestSchool

TEACHER = "test:teacher"


@dataclass
class Classroom:
    school: TestSchool
    section: Section
    homework: GradingCategory
    quizzes: GradingCategory
    tests: GradingCategory

    def student(
        self, session: Session, number: str, entry_date: dt.date = FIRST_DAY
    ) -> Student:
        """A new student, enrolled from September 1 and on the section's roster
        from `entry_date`."""
        student = self.school.enrolled(session, number)
        rosters.place(
            session,
            ACTOR,
            section_id=self.section.section_id,
            student_id=student.student_id,
            entry_date=entry_date,
        )
        return student

    def assignment(
        self,
        session: Session,
        category: GradingCategory,
        due_date: dt.date,
        points_possible: Any = 10,
        *,
        publish: bool = True,
        **values: Any,
    ) -> Assignment:
        """Published work in `category`, due on `due_date`."""
        work = assignments.add_assignment(
            session,
            TEACHER,
            section_id=self.section.section_id,
            grading_category_id=category.grading_category_id,
            title=values.pop("title", f"{category.name} due {due_date}"),
            points_possible=points_possible,
            due_date=due_date,
            **values,
        )
        if publish:
            assignments.publish_assignment(session, TEACHER, work.assignment_id)
        return work


def build_classroom(
    session: Session, school: TestSchool, drops: tuple[int, int, int] = (0, 0, 0)
) -> Classroom:
    """The classroom; `drops` are the lowest scores each category drops."""
    section = records.create(
        session,
        Section,
        ACTOR,
        course_id=school.course.course_id,
        school_id=school.school.school_id,
        school_year_id=school.year.school_year_id,
        section_code="MATH-101-02",
        teacher_id=school.teacher.staff_id,
        capacity=30,
    )
    categories = [
        assignments.add_category(
            session,
            TEACHER,
            section_id=section.section_id,
            name=name,
            weight_percent=Decimal(weight),
            n_drop_lowest=n_drop,
        )
        for (name, weight), n_drop in zip(
            [("Homework", 30), ("Quizzes", 20), ("Tests", 50)], drops, strict=True
        )
    ]
    return Classroom(school, section, *categories)
