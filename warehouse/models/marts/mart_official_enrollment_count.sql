-- mart_official_enrollment_count: one row per school, school year, grade
-- level and reporting group (as in mart_enrollment_trends), with the
-- students in membership on the school's count date.
-- The scheduled count date is the settings' month and day (October 1 by
-- default) within the school year; when the school is closed that day, the
-- count is taken on its next instructional day. A day past the month's end
-- (February 30) means the month's last day. No count before its date.
with years as (
    select * from stg_school_year
),

membership_days as (
    select * from int_membership_day
),

student_groups as (
    select * from int_student_group
),

-- The count month falls in the first or the second calendar year of the
-- school year; both candidates are built and the one inside the year kept.
candidate_dates as (
    select
        years.school_year_id,
        years.start_date,
        years.end_date,
        make_date(
            year(years.start_date) + year_offset,
            getvariable('count_date_month'),
            least(
                getvariable('count_date_day'),
                day(last_day(make_date(
                    year(years.start_date) + year_offset,
                    getvariable('count_date_month'),
                    1
                )))
            )
        ) as scheduled_count_date
    from years
    cross join (values (0), (1)) as offsets (year_offset)
),

scheduled as (
    select school_year_id, min(scheduled_count_date) as scheduled_count_date
    from candidate_dates
    where scheduled_count_date between start_date and end_date
    group by all
),

count_days as (
    select
        calendar.school_id,
        calendar.school_year_id,
        scheduled.scheduled_count_date,
        min(calendar.calendar_date) as count_date
    from stg_calendar_day as calendar
    inner join scheduled using (school_year_id)
    where calendar.is_instructional
        and calendar.calendar_date >= scheduled.scheduled_count_date
    group by all
),

counted as (
    select
        count_days.school_id,
        count_days.school_year_id,
        count_days.scheduled_count_date,
        count_days.count_date,
        membership_days.grade_level,
        membership_days.student_id
    from count_days
    inner join membership_days
        on membership_days.school_id = count_days.school_id
        and membership_days.school_year_id = count_days.school_year_id
        and membership_days.calendar_date = count_days.count_date
)

select
    counted.school_id,
    years.school_year,
    counted.school_year_id,
    counted.scheduled_count_date,
    counted.count_date,
    counted.grade_level,
    student_groups.group_type,
    student_groups.group_value,
    count(distinct counted.student_id) as n_students
from counted
inner join student_groups
    on student_groups.student_id = counted.student_id
    and counted.count_date
        between student_groups.valid_from and student_groups.valid_to
inner join years using (school_year_id)
group by all
