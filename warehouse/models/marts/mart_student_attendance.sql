-- mart_student_attendance: one row per student, school and school year.
-- Attendance rate = (membership days - absent days) / membership days.
-- Chronically absent: absent on 10% or more of membership days, among
-- students with at least the minimum membership days (US federal EDFacts
-- definition; a student counts in each school where this holds). At risk:
-- a rate above 0.90 and at most 0.95.
with days as (
    select
        student_id,
        school_id,
        school_year_id,
        count(*) as days_enrolled,
        count(*) filter (where is_absent) as days_absent,
        count(*) filter (where is_tardy) as days_tardy
    from fct_student_day
    group by all
)

select
    days.student_id,
    days.school_id,
    years.school_year,
    days.school_year_id,
    days.days_enrolled,
    days.days_absent,
    days.days_tardy,
    (days.days_enrolled - days.days_absent) / days.days_enrolled
        as attendance_rate,
    days.days_enrolled >= getvariable('chronic_min_days')
        as is_counted_for_chronic_absence,
    -- 10 x absent >= enrolled is "absent on 10% or more" without rounding.
    days.days_enrolled >= getvariable('chronic_min_days')
        and 10 * days.days_absent >= days.days_enrolled as is_chronically_absent,
    days.days_enrolled >= getvariable('chronic_min_days')
        and 10 * days.days_absent < days.days_enrolled
        and 20 * days.days_absent >= days.days_enrolled as is_at_risk
from days
inner join stg_school_year as years using (school_year_id)
