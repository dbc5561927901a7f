"""Messages to families: an announcement to a school, a grade, a section or
one student's guardians, queued in the outbox as one message per guardian.

Who may address whom is `operational.services.announcements`; the choices
offered follow it, and the save checks it again inside its transaction, so
a section or student id typed into the address (`?section=`, `?student=`)
is refused like any other record out of reach.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from apps import ui
from operational.services import access, announcements, communication, registers

principal = ui.require_page(__file__)

AUDIENCE_LABELS = {
    "school": "Whole school",
    "grade": "A grade",
    "section": "A section",
    "student": "One student's family",
}
# Unexcused-absence notices are queued by attendance itself, not written here.
CATEGORY_LABELS = {
    "general": "General",
    "calendar_event": "Calendar event",
    "academic": "Academic",
    "emergency": "Emergency",
}

st.title("Messages to families")

wanted_section = ui.query_int("section")
wanted_student = ui.query_int("student")
section_school = None
if wanted_section is not None:
    section_school = ui.read(
        principal,
        lambda s: access.require_section(s, principal, wanted_section).school_id,
    )
if wanted_student is not None:
    ui.read(principal, lambda s: access.require_student(s, principal, wanted_student))


schools = ui.read(principal, lambda s: announcements.schools_for(s, principal))
if not schools:
    st.info("You have no school, section or student to write to yet.")
    st.stop()

audiences = announcements.audiences_for(principal)
preferred = "section" if wanted_section else "student" if wanted_student else None
audience = st.radio(
    "Audience",
    audiences,
    index=audiences.index(preferred) if preferred in audiences else 0,
    format_func=AUDIENCE_LABELS.get,
    horizontal=True,
    key="message_audience",
)
school_ids = list(schools)
school_id = st.selectbox(
    "School",
    school_ids,
    index=school_ids.index(section_school) if section_school in schools else 0,
    format_func=schools.get,
    key="message_school",
)
day = st.date_input(
    "Families of the students in the audience on",
    value=dt.date.today(),
    key="message_day",
    format="YYYY-MM-DD",
)


def count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def pick(label: str, choices: dict[int, str], wanted: int | None, key: str):
    """A selectbox of ids, starting on the one from the address if offered."""
    if not choices:
        where = ui.escape_markdown(schools[school_id])
        st.info(ui.plain(f"No {label.lower()} to write to at {where} on {day}."))
        st.stop()
    ids = list(choices)
    return st.selectbox(
        label,
        ids,
        index=ids.index(wanted) if wanted in choices else 0,
        format_func=choices.get,
        key=key,
    )


grade_level = section_id = student_id = None
if audience == "grade":
    grades = ui.read(principal, lambda s: registers.grade_choices(s, school_id, day))
    grade_names = {grade: name.capitalize() for grade, name in grades.items()}
    grade_level = pick("Grade", grade_names, None, "message_grade")
elif audience == "section":
    sections = ui.read(
        principal, lambda s: announcements.sections_for(s, principal, school_id)
    )
    section_id = pick("Section", sections, wanted_section, "message_section")
elif audience == "student":
    students = ui.read(
        principal, lambda s: announcements.students_for(s, principal, school_id, day)
    )
    student_id = pick("Student", students, wanted_student, "message_student")

with st.form("message_form"):
    category = st.selectbox(
        "Category",
        list(CATEGORY_LABELS),
        format_func=CATEGORY_LABELS.get,
        key="message_category",
    )
    subject = st.text_input("Subject", key="message_subject")
    body = st.text_area("Message", key="message_body", height=180)
    submitted = st.form_submit_button("Queue the announcement", type="primary")

if submitted:

    def send(session):
        announcements.require_audience(
            session,
            principal,
            school_id=school_id,
            audience=audience,
            section_id=section_id,
            student_id=student_id,
        )
        return communication.announce(
            session,
            principal.actor,
            school_id=school_id,
            audience=audience,
            subject=subject,
            body=body,
            category=category,
            grade_level=grade_level,
            section_id=section_id,
            student_id=student_id,
            audience_date=day,
        )

    def queued(announcement) -> str:
        return (
            f"Announcement queued: {count(announcement.n_recipients, 'message')} "
            "in the outbox; "
            f"{count(announcement.n_unreachable, 'guardian')} without an email "
            "address to call instead."
        )

    ui.save(send, queued)

st.subheader("Your recent announcements")
recent = ui.read(principal, lambda s: announcements.recent_announcements(s, principal))
if not recent:
    st.text("You have not sent an announcement yet.")
    st.stop()
st.dataframe(
    pd.DataFrame(
        {
            "Audience on": [a.audience_date for a in recent],
            "Audience": [a.audience for a in recent],
            "Subject": [a.subject for a in recent],
            "Messages queued": [a.n_recipients for a in recent],
            "Without email": [a.n_unreachable for a in recent],
        }
    ),
    hide_index=True,
)
by_id = {a.announcement_id: a for a in recent}
shown = st.selectbox(
    "Read an announcement",
    list(by_id),
    format_func=lambda key: by_id[key].subject,
    key="message_shown",
)
st.text(by_id[shown].subject)
st.text(by_id[shown].body)
