-- dim_date: one row per school and calendar date: the school calendar, with
-- each day's place in its school year.
with days as (
    select * from stg_calendar_day
)

select
    days.school_id,
    days.calendar_date,
    days.school_year_id,
    years.school_year,
    days.is_instructional,
    days.closed_reason,
    date_trunc('month', days.calendar_date)::date as month,
    dayname(days.calendar_date) as weekday_name,
    isodow(days.calendar_date) as iso_weekday,
    case when days.is_instructional then
        count(*) filter (where days.is_instructional) over (
            partition by days.school_id, days.school_year_id
            order by days.calendar_date
        )
    end as instructional_day_number
from days
inner join stg_school_year as years using (school_year_id)
