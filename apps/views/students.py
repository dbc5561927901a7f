"""Admissions and enrollment: a new student with guardians, enrolled in one
save; finding a student; enrolling, transferring and withdrawing them.

A registrar works with the schools on their account: a new student is
enrolled at one of them; a student is found once enrolled at one of them,
now or before, and withdrawn or transferred while enrolled there. A transfer
may go to any school of the district, because the sending school is the one
that knows the student is moving. Every read and write checks that scope on
the server, so a school or student id typed into the address (`?school=`,
`?student=`) is refused like any other.

Applications (`operational/services/admissions.py`) are not handled here:
each decision on one goes through an approval request decided in the
approvals inbox, and admitting an accepted one creates the student without
guardians, so it needs its own form once the admissions service takes them.
"""

import datetime as dt

import streamlit as st

from apps import ui
from apps.choices import school_choices
from operational import vocabulary as v
from operational.errors import InvalidValue
from operational.services import access, enrollment, student_intake, student_lookup
from operational.services.enrollment import grade_name
from operational.services.student_intake import (
    FirstEnrollment,
    NewGuardian,
    NewStudent,
)

principal = ui.require_page(__file__)

SEXES = {"F": "Female", "M": "Male", "X": "X (another or not stated)"}
RACE_ETHNICITY = {
    "hispanic_latino": "Hispanic or Latino",
    "american_indian_alaska_native": "American Indian or Alaska Native",
    "asian": "Asian",
    "black_african_american": "Black or African American",
    "native_hawaiian_pacific_islander": "Native Hawaiian or Other Pacific Islander",
    "white": "White",
    "two_or_more_races": "Two or more races",
}
EVERY_GRADE = list(range(v.GRADE_LEVEL_MIN, v.GRADE_LEVEL_MAX + 1))
OLDEST_BIRTH_DATE = dt.date(1990, 1, 1)
GUARDIAN_FIELDS = (
    "first",
    "last",
    "relationship",
    "email",
    "phone",
    "primary",
    "custody",
)
NEW_STUDENT_FIELDS = (
    "new_number",
    "new_first",
    "new_middle",
    "new_last",
    "new_birth",
    "new_sex",
    "new_race",
    "new_language",
) + tuple(f"guardian{n}_{field}" for n in (1, 2) for field in GUARDIAN_FIELDS)


def code_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def needs_date(day: dt.date | None, what: str) -> dt.date:
    if day is None:
        raise InvalidValue(f"choose {what}")
    return day


def student_label(student) -> str:
    return f"{student.last_name}, {student.first_name} ({student.student_number})"


def year_choices() -> tuple[dict[int, str], int]:
    """The school years, newest first, and the position of the one that holds
    today (else the newest) to preselect."""
    years = ui.read(principal, student_lookup.school_years)
    today = dt.date.today()
    current = next(
        (
            i
            for i, year in enumerate(years)
            if year.start_date <= today <= year.end_date
        ),
        0,
    )
    return {year.school_year_id: year.name for year in years}, current


def guardian_fields(number: int) -> NewGuardian | None:
    """One guardian's inputs; None when the second is left empty."""
    key = f"guardian{number}"
    st.markdown(f"**Guardian {number}**" + (" (optional)" if number > 1 else ""))
    first = st.text_input("First name", key=f"{key}_first")
    last = st.text_input("Last name", key=f"{key}_last")
    relationship = st.selectbox(
        "Relationship",
        v.GUARDIAN_RELATIONSHIPS,
        index=None,
        format_func=code_label,
        placeholder="Choose",
        key=f"{key}_relationship",
    )
    email = st.text_input("Email", key=f"{key}_email")
    phone = st.text_input("Phone", key=f"{key}_phone")
    primary = st.checkbox("Primary contact", value=number == 1, key=f"{key}_primary")
    custody = st.checkbox("Has custody", value=True, key=f"{key}_custody")
    if number > 1 and not any(
        (first.strip(), last.strip(), email.strip(), phone.strip(), relationship)
    ):
        return None
    return NewGuardian(
        first_name=first,
        last_name=last,
        relationship=relationship,
        email=email,
        phone=phone,
        is_primary_contact=primary,
        has_custody=custody,
    )


def new_student_done(stay) -> str:
    """The confirmation; it also empties the form for the next family."""
    for key in NEW_STUDENT_FIELDS:
        st.session_state.pop(key, None)
    st.query_params["student"] = str(stay.student_id)
    return (
        f"New student saved and enrolled in {grade_name(stay.grade_level)} "
        f"from {stay.entry_date}."
    )


def new_student_panel() -> None:
    schools = ui.read(principal, lambda s: school_choices(s, principal))
    if not schools:
        st.info("Your account serves no school yet.")
        return
    # The school a new student joins; `?school=` preselects one in scope.
    school_id = ui.choose(
        principal,
        "School",
        schools,
        param="school",
        key="new_school",
        empty="Your account serves no school yet.",
        check=lambda s, wanted: access.require_school(s, principal, wanted),
    )
    grades = ui.read(principal, lambda s: student_lookup.grade_span(s, school_id))
    years, current_year = year_choices()

    with st.form("new_student"):
        st.markdown("**Student**")
        left, middle, right = st.columns(3)
        number = left.text_input("Student number", key="new_number")
        first = left.text_input("First name", key="new_first")
        middle_name = middle.text_input("Middle name", key="new_middle")
        last = middle.text_input("Last name", key="new_last")
        birth = right.date_input(
            "Birth date",
            value=None,
            min_value=OLDEST_BIRTH_DATE,
            max_value=dt.date.today(),
            format="YYYY-MM-DD",
            key="new_birth",
        )
        sex = right.selectbox(
            "Sex",
            v.SEXES,
            index=None,
            format_func=lambda code: SEXES.get(code, code),
            placeholder="Choose",
            key="new_sex",
        )
        race = left.selectbox(
            "Race and ethnicity",
            v.RACE_ETHNICITY,
            index=None,
            format_func=lambda code: RACE_ETHNICITY.get(code, code_label(code)),
            placeholder="Choose",
            key="new_race",
        )
        language = middle.text_input(
            "Home language", value="English", key="new_language"
        )

        first_column, second_column = st.columns(2)
        with first_column:
            guardian1 = guardian_fields(1)
        with second_column:
            guardian2 = guardian_fields(2)

        st.markdown("**Enrollment**")
        left, middle, right = st.columns(3)
        year_id = left.selectbox(
            "School year",
            list(years),
            index=current_year,
            format_func=years.get,
            key="new_year",
        )
        grade = middle.selectbox(
            "Grade", list(grades), format_func=grade_name, key=f"new_grade_{school_id}"
        )
        entry_date = right.date_input(
            "Entry date", value=dt.date.today(), format="YYYY-MM-DD", key="new_entry"
        )
        entry_code = left.selectbox(
            "Entry code", v.ENTRY_CODES, format_func=code_label, key="new_entry_code"
        )
        submitted = st.form_submit_button("Save and enroll", type="primary")

    if submitted:
        guardians = [g for g in (guardian1, guardian2) if g is not None]

        def admit(session):
            access.require_school(session, principal, school_id)
            return student_intake.admit_new_student(
                session,
                principal.actor,
                NewStudent(
                    student_number=number,
                    first_name=first,
                    middle_name=middle_name,
                    last_name=last,
                    birth_date=needs_date(birth, "a birth date"),
                    sex=sex,
                    race_ethnicity=race,
                    home_language=language,
                ),
                guardians,
                FirstEnrollment(
                    school_id=school_id,
                    school_year_id=year_id,
                    grade_level=grade,
                    entry_date=needs_date(entry_date, "an entry date"),
                    entry_code=entry_code,
                ),
            )

        ui.save(admit, new_student_done)


def chosen_student():
    """The student picked from a search, or named by `?student=` in the URL."""
    wanted = ui.query_int("student")
    search = st.text_input("Student number or name", key="find_text")
    if search.strip():
        found = ui.read(
            principal, lambda s: student_lookup.find_students(s, principal, search)
        )
        if not found:
            st.info("No student in your schools matches that number or name.")
            return None
        by_id = {student.student_id: student for student in found}
        ids = list(by_id)
        picked = st.selectbox(
            "Student",
            ids,
            index=ids.index(wanted) if wanted in ids else 0,
            format_func=lambda sid: student_label(by_id[sid]),
            key="find_pick",
        )
        st.query_params["student"] = str(picked)
        return by_id[picked]
    if wanted is None:
        return None
    return ui.read(
        principal, lambda s: student_lookup.reachable_student(s, principal, wanted)
    )


def show_student(student, history, guardians) -> None:
    st.subheader(ui.escape_markdown(f"{student.first_name} {student.last_name}"))
    st.text(
        f"{student.first_name} {student.last_name}, student number "
        f"{student.student_number}, born {student.birth_date}, home language "
        f"{student.home_language}"
    )
    st.markdown("**Enrollments**")
    if history:
        st.dataframe(
            [
                {
                    "School": line.school_name,
                    "Year": line.school_year,
                    "Grade": grade_name(line.grade_level),
                    "Entry date": line.entry_date,
                    "Entry code": code_label(line.entry_code),
                    "Exit date": line.exit_date,
                    "Exit code": code_label(line.exit_code) if line.exit_code else "",
                }
                for line in history
            ],
            hide_index=True,
        )
    else:
        st.text("No enrollment yet.")
    st.markdown("**Guardians**")
    st.dataframe(
        [
            {
                "Name": guardian.name,
                "Relationship": code_label(guardian.relationship),
                "Email": guardian.email or "",
                "Phone": guardian.phone or "",
                "Primary contact": guardian.is_primary_contact,
                "Has custody": guardian.has_custody,
            }
            for guardian in guardians
        ],
        hide_index=True,
    )


def transfer_form(stay, every_school: dict[int, str]) -> None:
    others = [sid for sid in every_school if sid != stay.school_id]
    if not others:
        return
    with st.form(f"transfer_{stay.enrollment_id}"):
        st.markdown("**Transfer to another school**")
        to_school = st.selectbox(
            "To school", others, format_func=every_school.get, key="transfer_school"
        )
        first_day = st.date_input(
            "First day at the new school",
            value=dt.date.today(),
            format="YYYY-MM-DD",
            key="transfer_date",
        )
        grade = st.selectbox(
            "Grade",
            [None, *EVERY_GRADE],
            format_func=lambda g: "Same grade" if g is None else grade_name(g),
            key="transfer_grade",
        )
        submitted = st.form_submit_button("Transfer")
    if submitted:

        def move(session):
            student_lookup.require_enrollment(session, principal, stay.enrollment_id)
            return enrollment.transfer(
                session,
                principal.actor,
                stay.enrollment_id,
                to_school_id=to_school,
                first_day=needs_date(first_day, "the first day at the new school"),
                grade_level=grade,
            )

        ui.save(
            move,
            lambda new: (
                "Transferred to "
                + ui.escape_markdown(every_school[new.school_id])
                + f" from {new.entry_date}."
            ),
        )


def withdraw_form(stay) -> None:
    with st.form(f"withdraw_{stay.enrollment_id}"):
        st.markdown("**Withdraw**")
        exit_date = st.date_input(
            "Last day in membership",
            value=dt.date.today(),
            format="YYYY-MM-DD",
            key="withdraw_date",
        )
        exit_code = st.selectbox(
            "Exit code",
            v.EXIT_CODES,
            index=None,
            format_func=code_label,
            placeholder="Choose",
            key="withdraw_code",
        )
        submitted = st.form_submit_button("Withdraw")
    if submitted:

        def end(session):
            student_lookup.require_enrollment(session, principal, stay.enrollment_id)
            return enrollment.withdraw(
                session,
                principal.actor,
                stay.enrollment_id,
                exit_date=needs_date(exit_date, "the last day in membership"),
                exit_code=exit_code,
            )

        ui.save(end, lambda ended: f"Withdrawn; the last day was {ended.exit_date}.")


def enroll_form(student, schools: dict[int, str]) -> None:
    years, current_year = year_choices()
    with st.form(f"enroll_{student.student_id}"):
        st.markdown("**Enroll**")
        left, middle, right = st.columns(3)
        school_id = left.selectbox(
            "School", list(schools), format_func=schools.get, key="enroll_school"
        )
        year_id = middle.selectbox(
            "School year",
            list(years),
            index=current_year,
            format_func=years.get,
            key="enroll_year",
        )
        grade = right.selectbox(
            "Grade", EVERY_GRADE, index=None, format_func=grade_name, key="enroll_grade"
        )
        entry_date = left.date_input(
            "Entry date", value=dt.date.today(), format="YYYY-MM-DD", key="enroll_date"
        )
        entry_code = middle.selectbox(
            "Entry code", v.ENTRY_CODES, format_func=code_label, key="enroll_code"
        )
        submitted = st.form_submit_button("Enroll")
    if submitted:

        def enroll(session):
            student_lookup.reachable_student(session, principal, student.student_id)
            access.require_school(session, principal, school_id)
            if grade is None:
                raise InvalidValue("choose a grade")
            return enrollment.enroll(
                session,
                principal.actor,
                student_id=student.student_id,
                school_id=school_id,
                school_year_id=year_id,
                grade_level=grade,
                entry_date=needs_date(entry_date, "an entry date"),
                entry_code=entry_code,
            )

        ui.save(
            enroll,
            lambda stay: (
                "Enrolled at "
                + ui.escape_markdown(schools[stay.school_id])
                + f" in {grade_name(stay.grade_level)} from {stay.entry_date}."
            ),
        )


def find_student_panel() -> None:
    student = chosen_student()
    if student is None:
        return
    history = ui.read(
        principal, lambda s: student_lookup.enrollment_history(s, student.student_id)
    )
    guardians = ui.read(
        principal, lambda s: student_lookup.guardians_of(s, student.student_id)
    )
    show_student(student, history, guardians)

    schools = ui.read(principal, lambda s: school_choices(s, principal))
    current = next((line for line in history if line.is_open), None)
    if current is None:
        enroll_form(student, schools)
    elif current.school_id in schools:
        every_school = ui.read(principal, student_lookup.school_names)
        transfer_form(current, every_school)
        withdraw_form(current)
    else:
        st.info(
            "The student is now enrolled at "
            + ui.escape_markdown(current.school_name)
            + ", which your account does not serve; that school transfers or "
            "withdraws them."
        )


st.title("Admissions and enrollment")
new_tab, find_tab = st.tabs(["New student", "Find a student"])
with new_tab:
    new_student_panel()
with find_tab:
    find_student_panel()
