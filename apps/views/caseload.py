"""Caseload: the counselor's students this year, their absences and marks.

The list comes from the counselor's own caseload, and a student picked by
id in the address (`?student=12`) is checked against it, so a student
of another counselor is refused like any other record out of reach.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from apps import ui
from operational.services import access, approvals, caseload
from operational.services.enrollment import grade_name

principal = ui.require_page(__file__)
today = dt.date.today()

st.title("Caseload")


def load_caseload(session):
    access.require_role(principal, ("counselor",), "a counselor's caseload")
    year_id = approvals.school_year_as_of(session, today)
    if year_id is None:
        return [], {}, {}
    students = caseload.caseload_students(session, principal.staff_id, year_id)
    ids = [student.student_id for student in students]
    return (
        students,
        caseload.days_absent(session, ids, year_id, today),
        caseload.current_marks(session, ids, year_id),
    )


def describe(mark: caseload.CurrentMark) -> str:
    return (
        f"{mark.section_code} {mark.course_title}: {mark.percent} {mark.letter} "
        f"({mark.grading_period})"
    )


students, absences, marks = ui.read(principal, load_caseload)
by_id = {student.student_id: student for student in students}

wanted = ui.query_int("student")
if wanted is not None and wanted not in by_id:
    # Not on this year's caseload: refused when out of reach, else ignored.
    ui.read(principal, lambda s: access.require_student(s, principal, wanted))

if not students:
    st.info("No students are on your caseload this school year.")
    st.stop()

st.dataframe(
    pd.DataFrame(
        {
            "Student": [s.name for s in students],
            "Number": [s.student_number for s in students],
            "School": [s.school or "not enrolled" for s in students],
            "Grade": [
                grade_name(s.grade_level) if s.grade_level is not None else ""
                for s in students
            ],
            "Days absent": [absences[s.student_id] for s in students],
            "Current marks": [
                "; ".join(describe(m) for m in marks[s.student_id]) or "none yet"
                for s in students
            ],
        }
    ),
    hide_index=True,
)

student_ids = list(by_id)
picked = st.selectbox(
    "Student",
    student_ids,
    index=student_ids.index(wanted) if wanted in by_id else 0,
    format_func=lambda sid: f"{by_id[sid].name} ({by_id[sid].student_number})",
    key="caseload_student",
)
st.query_params["student"] = str(picked)
ui.read(principal, lambda s: access.require_student(s, principal, picked))

student = by_id[picked]
st.subheader(ui.escape_markdown(student.name))
st.text(f"Days absent this year: {absences[picked]}")
current = marks[picked]
if not current:
    st.text("No marks posted yet this year.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "Section": [m.section_code for m in current],
                "Course": [m.course_title for m in current],
                "Grading period": [m.grading_period for m in current],
                "Percent": [str(m.percent) for m in current],
                "Letter": [m.letter for m in current],
            }
        ),
        hide_index=True,
    )
