"""School overview: attendance aggregates from the published warehouse.

Leadership sees schools, never students: small groups are suppressed and
the drill-down to student rows is for administrators only, refused (and
logged) for anyone else even when asked for through the address.
"""

import polars as pl
import streamlit as st

from apps import ui
from apps import warehouse as published
from operational.errors import AccessDenied
from operational.services import access
from operational.settings import get_settings

principal = ui.require_page(__file__)
STUDENT_ROWS = ("administrator",)

st.title("School overview")
if not published.is_published():
    st.info("The warehouse has not been built yet: run `quad pipeline run`.")
    st.stop()

schools_in_scope = ui.read(
    principal, lambda s: sorted(access.school_ids_in_scope(s, principal))
)
years = published.query(
    "select distinct school_year from mart_school_attendance order by 1 desc"
)["school_year"].to_list()
if not years:
    st.info("The warehouse holds no attendance yet.")
    st.stop()
year = st.selectbox("School year", years, key="overview_year")

schools = published.query(
    """
    select
        school.school_id,
        school.school_name as school,
        attendance.n_students as students,
        attendance.ada,
        attendance.adm,
        attendance.attendance_rate,
        attendance.n_chronically_absent,
        attendance.n_counted_for_chronic_absence
    from mart_school_attendance as attendance
    inner join dim_school as school using (school_id)
    where attendance.school_year = ?
    order by school.school_name
    """,
    (year,),
).filter(pl.col("school_id").is_in(schools_in_scope))

# A figure about fewer students than the threshold is not shown, so no one
# can be singled out from a small group: a small school shows no figures,
# and chronic absence needs enough students counted for it.
minimum = get_settings().suppression_min_count
large_enough = pl.col("students") >= minimum
schools = schools.with_columns(
    pl.when(large_enough & (pl.col("n_counted_for_chronic_absence") >= minimum))
    .then(pl.col("n_chronically_absent") / pl.col("n_counted_for_chronic_absence"))
    .otherwise(None)
    .alias("chronically_absent"),
    *[
        pl.when(large_enough).then(pl.col(name)).otherwise(None)
        for name in ("students", "ada", "adm", "attendance_rate")
    ],
)
st.dataframe(
    schools.select(
        "school", "students", "ada", "adm", "attendance_rate", "chronically_absent"
    ),
    hide_index=True,
    column_config={
        "ada": st.column_config.NumberColumn("ADA", format="%.1f"),
        "adm": st.column_config.NumberColumn("ADM", format="%.1f"),
        "attendance_rate": st.column_config.NumberColumn(
            "Attendance rate", format="percent"
        ),
        "chronically_absent": st.column_config.NumberColumn(
            "Chronically absent", format="percent"
        ),
    },
)
st.caption(
    f"Figures are shown for groups of at least {minimum} students; an empty "
    "cell is a smaller group."
)

st.subheader("Students of a school")
wants_students = ui.query_int("students") is not None
if principal.role not in STUDENT_ROWS:
    if wants_students:
        try:
            access.deny(principal, "student-level rows")
        except AccessDenied as error:
            st.error(error.message)
    else:
        st.caption("Your role sees schools as a whole; student rows are not shown.")
    st.stop()

names = dict(zip(schools["school_id"], schools["school"], strict=True))
school_id = ui.choose(
    principal,
    "School",
    names,
    param="school",
    key="overview_school",
    empty="No school has attendance for that year.",
    check=lambda s, wanted: access.require_school(s, principal, wanted),
)
st.query_params["students"] = "1"
students = published.query(
    """
    with names as (
        select distinct student_id, student_number, first_name, last_name
        from dim_student
    )
    select
        names.student_number,
        names.last_name || ', ' || names.first_name as student,
        attendance.days_enrolled,
        attendance.days_absent,
        attendance.attendance_rate,
        attendance.is_chronically_absent
    from mart_student_attendance as attendance
    inner join names using (student_id)
    where attendance.school_id = ? and attendance.school_year = ?
    order by attendance.attendance_rate, student
    """,
    (school_id, year),
)
st.dataframe(
    students,
    hide_index=True,
    column_config={
        "attendance_rate": st.column_config.NumberColumn(
            "Attendance rate", format="percent"
        ),
    },
)
