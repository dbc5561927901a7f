"""Take attendance: a section's roster, or a school's daily register, for a day.

Everyone starts present; mark the exceptions and save once. A mark already
saved is changed through a correction, with a reason. Every read and write
checks the user's scope, so a section id typed into the address is refused
like any other.
"""

import datetime as dt

import streamlit as st

from apps import ui
from apps.choices import school_choices, section_choices
from operational.services import access, attendance, registers

principal = ui.require_page(__file__)
PRESENT = "Present"

st.title("Attendance")
day = st.date_input(
    "Day",
    value=min(ui.query_date("day") or dt.date.today(), dt.date.today()),
    max_value=dt.date.today(),
    key="attendance_day",
    format="YYYY-MM-DD",
)
# The address keeps the day, so a reload or a shared link opens the same register.
st.query_params["day"] = day.isoformat()

kinds = ["Section"] if principal.role == "teacher" else ["Section", "Daily register"]
kind = st.radio("Register", kinds, horizontal=True, key="attendance_kind")


def status_label(codes: dict[str, str]):
    return lambda code: PRESENT if code is None else codes.get(code, code)


def register_form(lines, codes, form_key: str) -> tuple[dict, dict, bool]:
    """The roster with a status and a comment per student; returns the marks."""
    options = [None, *codes]
    marks, comments = {}, {}
    with st.form(form_key):
        header = st.columns([3, 3, 4])
        header[0].markdown("**Student**")
        header[1].markdown("**Status**")
        header[2].markdown("**Comment**")
        for line in lines:
            name_column, status_column, comment_column = st.columns([3, 3, 4])
            name_column.text(f"{line.name} ({line.student_number})")
            marks[line.student_id] = status_column.selectbox(
                f"Status of {line.name}",
                options,
                index=options.index(line.code) if line.code in options else 0,
                format_func=status_label(codes),
                key=f"{form_key}_mark_{line.student_id}_{line.code}",
                label_visibility="collapsed",
                disabled=line.code is not None,
            )
            comments[line.student_id] = comment_column.text_input(
                f"Comment on {line.name}",
                value=line.comment or "",
                key=f"{form_key}_comment_{line.student_id}_{line.code}",
                label_visibility="collapsed",
                disabled=line.code is not None,
            )
        submitted = st.form_submit_button("Save attendance", type="primary")
    return marks, comments, submitted


def correction_form(lines, codes, form_key: str):
    """Change a saved mark; returns (student, new code, reason) once submitted."""
    marked = {line.student_id: line for line in lines if line.code is not None}
    if not marked:
        return None
    with st.expander("Correct a saved mark"), st.form(f"{form_key}_correct"):
        student_id = st.selectbox(
            "Student",
            list(marked),
            format_func=lambda sid: f"{marked[sid].name} ({marked[sid].code})",
            key=f"{form_key}_correct_student",
        )
        code = st.selectbox(
            "New status",
            [None, *codes],
            format_func=status_label(codes),
            key=f"{form_key}_correct_code",
        )
        reason = st.text_input("Reason", key=f"{form_key}_correct_reason")
        if st.form_submit_button("Save correction"):
            return student_id, code, reason
    return None


def exceptions(marks: dict) -> str:
    count = sum(code is not None for code in marks.values())
    return f"Attendance saved for {day}: {count} marked, everyone else present."


codes = ui.read(principal, registers.attendance_codes)

if kind == "Section":
    picked = ui.choose(
        principal,
        "Section",
        ui.read(principal, lambda s: section_choices(s, principal, day)),
        param="section",
        key="attendance_section",
        empty=f"You have no sections to take attendance for on {day}.",
        check=lambda s, wanted: access.require_section(s, principal, wanted),
    )
    section = ui.read(principal, lambda s: access.require_section(s, principal, picked))
    lines = ui.read(
        principal, lambda s: registers.section_register(s, section.section_id, day)
    )
    if not lines:
        st.info(f"No students are on this roster on {day}.")
        st.stop()
    form_key = f"section_{section.section_id}_{day}"
    marks, comments, submitted = register_form(lines, codes, form_key)
    if submitted:

        def take(session):
            access.require_section(session, principal, section.section_id)
            return registers.take_section_register(
                session,
                principal.actor,
                section_id=section.section_id,
                day=day,
                marks=marks,
                comments=comments,
            )

        ui.save(take, exceptions(marks))
    correction = correction_form(lines, codes, form_key)
    if correction:
        student_id, code, reason = correction

        def correct(session):
            access.require_section(session, principal, section.section_id)
            return registers.correct_section(
                session,
                principal.actor,
                section_id=section.section_id,
                student_id=student_id,
                attendance_date=day,
                code=code,
                reason=reason,
            )

        ui.save(correct, "Correction saved; the previous mark is kept in the history.")
else:
    school_id = ui.choose(
        principal,
        "School",
        ui.read(principal, lambda s: school_choices(s, principal)),
        param="school",
        key="attendance_school",
        empty="Your account serves no school yet.",
        check=lambda s, wanted: access.require_school(s, principal, wanted),
    )
    grades = ui.read(principal, lambda s: registers.grade_choices(s, school_id, day))
    grade = st.selectbox(
        "Grade",
        [None, *grades],
        format_func=lambda g: "Every grade" if g is None else grades[g],
        key="attendance_grade",
    )

    def daily_lines(session):
        access.require_school(session, principal, school_id)
        return registers.daily_register(session, school_id, day, grade)

    lines = ui.read(principal, daily_lines)
    if not lines:
        st.info(f"No students are in membership on {day}.")
        st.stop()
    form_key = f"daily_{school_id}_{grade}_{day}"
    marks, comments, submitted = register_form(lines, codes, form_key)
    if submitted:

        def take_daily(session):
            access.require_school(session, principal, school_id)
            return registers.take_daily_register(
                session,
                principal.actor,
                school_id=school_id,
                day=day,
                marks=marks,
                comments=comments,
            )

        ui.save(take_daily, exceptions(marks))
    correction = correction_form(lines, codes, form_key)
    if correction:
        student_id, code, reason = correction

        def correct_daily(session):
            access.require_school(session, principal, school_id)
            return attendance.correct_daily(
                session,
                principal.actor,
                student_id=student_id,
                school_id=school_id,
                attendance_date=day,
                code=code,
                reason=reason,
            )

        ui.save(
            correct_daily, "Correction saved; the previous mark is kept in the history."
        )
