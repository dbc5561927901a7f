-- stg_calendar_day: one row per school and date of its calendar.
-- Source: raw_calendar_day.
select
    school_id,
    calendar_date,
    school_year_id,
    is_instructional,
    reason as closed_reason
from raw_calendar_day
