-- mart_school_attendance_monthly: one row per school and month, with ADA,
-- ADM and the attendance rate over that month's days in session.
with monthly as (
    select
        school_id,
        school_year_id,
        date_trunc('month', calendar_date)::date as month,
        count(*) as days_enrolled,
        count(*) filter (where not is_absent) as days_attended
    from fct_student_day
    group by all
)

select
    monthly.school_id,
    years.school_year,
    monthly.school_year_id,
    monthly.month,
    session_days.days_in_session,
    monthly.days_attended / session_days.days_in_session as ada,
    monthly.days_enrolled / session_days.days_in_session as adm,
    monthly.days_attended / monthly.days_enrolled as attendance_rate
from monthly
inner join int_days_in_session as session_days
    using (school_id, school_year_id, month)
inner join stg_school_year as years using (school_year_id)
