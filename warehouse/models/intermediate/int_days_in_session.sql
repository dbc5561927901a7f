-- int_days_in_session: one row per school, school year and month, with the
-- school's instructional days up to the as-of date.
select
    school_id,
    school_year_id,
    date_trunc('month', calendar_date)::date as month,
    count(*) as days_in_session
from stg_calendar_day
where is_instructional
    and calendar_date <= getvariable('as_of_date')
group by all
