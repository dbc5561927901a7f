-- int_membership_day: one row per enrollment and membership day.
-- A membership day is an instructional day of the enrollment's school and
-- year, between entry and exit dates inclusive, and not after the as-of date
-- (days still to come are not days present).
with enrollments as (
    select * from stg_enrollment
),

instructional_days as (
    select school_id, school_year_id, calendar_date
    from stg_calendar_day
    where is_instructional
        and calendar_date <= getvariable('as_of_date')
)

select
    enrollments.enrollment_id,
    enrollments.student_id,
    enrollments.school_id,
    enrollments.school_year_id,
    enrollments.grade_level,
    instructional_days.calendar_date
from enrollments
inner join instructional_days
    on instructional_days.school_id = enrollments.school_id
    and instructional_days.school_year_id = enrollments.school_year_id
    and instructional_days.calendar_date >= enrollments.entry_date
    and instructional_days.calendar_date
        <= coalesce(enrollments.exit_date, date '9999-12-31')
