-- mart_enrollment_trends: one row per school, month, grade level and
-- reporting group (group_type 'all', 'sex', 'race_ethnicity' or 'program',
-- with its group_value), with the students in membership that month and the
-- students who entered and exited.
-- In membership in a month: at least one membership day in it. A student's
-- groups in a month are those of the first membership day of the month at
-- that school; an entry's or exit's are those of its entry or exit date.
-- Entries and exits are counted in the month of their date, up to the as-of
-- date; the reasons are in mart_enrollment_entries and mart_enrollment_exits.
-- Counts are per school: a student who moved counts at both schools that
-- month, so a district total is not the sum of its schools' rows.
with membership_days as (
    select * from int_membership_day
),

enrollments as (
    select * from stg_enrollment
),

student_groups as (
    select * from int_student_group
),

members as (
    select
        school_id,
        school_year_id,
        date_trunc('month', calendar_date)::date as month,
        grade_level,
        student_id,
        min(calendar_date) as reference_date,
        'member' as movement
    from membership_days
    group by all
),

entries as (
    select
        school_id,
        school_year_id,
        date_trunc('month', entry_date)::date as month,
        grade_level,
        student_id,
        entry_date as reference_date,
        'entry' as movement
    from enrollments
    where entry_date <= getvariable('as_of_date')
),

exits as (
    select
        school_id,
        school_year_id,
        date_trunc('month', exit_date)::date as month,
        grade_level,
        student_id,
        exit_date as reference_date,
        'exit' as movement
    from enrollments
    where exit_date <= getvariable('as_of_date')
),

movements as (
    select * from members
    union all
    select * from entries
    union all
    select * from exits
),

grouped as (
    select
        movements.*,
        student_groups.group_type,
        student_groups.group_value
    from movements
    inner join student_groups
        on student_groups.student_id = movements.student_id
        and movements.reference_date
            between student_groups.valid_from and student_groups.valid_to
)

select
    grouped.school_id,
    years.school_year,
    grouped.school_year_id,
    grouped.month,
    grouped.grade_level,
    grouped.group_type,
    grouped.group_value,
    count(distinct grouped.student_id) filter (where grouped.movement = 'member')
        as n_students,
    count(distinct grouped.student_id) filter (where grouped.movement = 'entry')
        as n_entries,
    count(distinct grouped.student_id) filter (where grouped.movement = 'exit')
        as n_exits
from grouped
inner join stg_school_year as years using (school_year_id)
group by all
