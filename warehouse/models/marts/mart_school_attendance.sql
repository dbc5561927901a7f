-- mart_school_attendance: one row per school and school year.
-- ADA = days attended by all students / days in session; ADM = membership
-- days / days in session; days in session are the school's instructional
-- days up to the as-of date.
with students as (
    select * from mart_student_attendance
),

session_days as (
    select school_id, school_year_id, sum(days_in_session) as days_in_session
    from int_days_in_session
    group by all
),

totals as (
    select
        school_id,
        school_year_id,
        school_year,
        sum(days_enrolled) as days_enrolled,
        sum(days_enrolled - days_absent) as days_attended,
        count(distinct student_id) as n_students,
        count(*) filter (where is_chronically_absent) as n_chronically_absent,
        count(*) filter (where is_counted_for_chronic_absence)
            as n_counted_for_chronic_absence
    from students
    group by all
)

select
    totals.school_id,
    totals.school_year,
    totals.school_year_id,
    session_days.days_in_session,
    totals.days_attended / session_days.days_in_session as ada,
    totals.days_enrolled / session_days.days_in_session as adm,
    totals.days_attended / totals.days_enrolled as attendance_rate,
    totals.n_students,
    totals.n_chronically_absent,
    totals.n_counted_for_chronic_absence
from totals
inner join session_days using (school_id, school_year_id)
