-- int_cohort_student: one row per student of a four-year graduation cohort,
-- with the cohort, the student's school and how the student counts.
-- After the federal adjusted cohort (34 CFR 200.19(b)(1)): cohort Y is the
-- students who first entered grade 9 in the district in school year Y, plus
-- those who transferred in later: a first district enrollment in grade 10,
-- 11 or 12 entered as transfer_from_outside joins the cohort of its grade
-- (grade 10 in Y+1, 11 in Y+2, 12 in Y+3). A student is removed when the
-- last enrollment of the window Y..Y+3 ended in a transfer out
-- (transfer_out_district, transfer_private_or_home), emigration or death,
-- with no later enrollment; the exit code stands for the written
-- confirmation the rule asks for. Dropouts stay. A graduate holds a regular
-- diploma awarded by the end of year Y+3 (and by the as-of date).
-- The school is the one of the last grade 9-12 enrollment in the window.
with enrollments as (
    select * from stg_enrollment
    where entry_date <= getvariable('as_of_date')
),

years as (
    select
        school_year_id,
        school_year,
        year(start_date) as start_year,
        start_date,
        end_date
    from stg_school_year
),

diplomas as (
    select * from stg_diploma
    where diploma_type = 'regular'
        and awarded_date <= getvariable('as_of_date')
),

located as (
    select enrollments.*, years.start_year
    from enrollments
    inner join years using (school_year_id)
),

first_time_grade_9 as (
    select
        student_id,
        min(start_year) as cohort_start_year,
        'first_time_grade_9' as cohort_entry
    from located
    where grade_level = 9
    group by all
),

first_enrollments as (
    select
        student_id,
        arg_min(grade_level, entry_date) as grade_level,
        arg_min(entry_code, entry_date) as entry_code,
        arg_min(start_year, entry_date) as start_year
    from located
    group by all
),

transfers_in as (
    select
        student_id,
        start_year - (grade_level - 9) as cohort_start_year,
        'transfer_in' as cohort_entry
    from first_enrollments
    where grade_level between 10 and 12
        and entry_code = 'transfer_from_outside'
        and student_id not in (select student_id from first_time_grade_9)
),

members as (
    select * from first_time_grade_9
    union all
    select * from transfers_in
),

windows as (
    select
        members.*,
        coalesce(
            cohort_years.school_year,
            format('{}-{}', members.cohort_start_year, members.cohort_start_year + 1)
        ) as cohort_school_year,
        last_years.end_date as window_end_date
    from members
    left join years as cohort_years
        on cohort_years.start_year = members.cohort_start_year
    left join years as last_years
        on last_years.start_year = members.cohort_start_year + 3
),

window_enrollments as (
    select
        windows.student_id,
        arg_max(located.school_id, located.entry_date)
            filter (where located.grade_level between 9 and 12) as school_id,
        max(located.entry_date) as last_entry_date,
        arg_max_null(located.exit_code, located.entry_date) as last_exit_code
    from windows
    inner join located
        on located.student_id = windows.student_id
        and located.start_year
            between windows.cohort_start_year and windows.cohort_start_year + 3
    group by all
),

later_enrollments as (
    select distinct window_enrollments.student_id
    from window_enrollments
    inner join located
        on located.student_id = window_enrollments.student_id
        and located.entry_date > window_enrollments.last_entry_date
),

graduates as (
    select distinct windows.student_id
    from windows
    inner join diplomas
        on diplomas.student_id = windows.student_id
        and diplomas.awarded_date
            <= coalesce(windows.window_end_date, getvariable('as_of_date'))
),

flagged as (
    select
        windows.student_id,
        windows.cohort_school_year,
        windows.cohort_start_year,
        windows.cohort_entry,
        window_enrollments.school_id,
        windows.window_end_date,
        window_enrollments.last_exit_code,
        graduates.student_id is not null as is_graduate,
        later_enrollments.student_id is not null as has_later_enrollment
    from windows
    inner join window_enrollments using (student_id)
    left join later_enrollments using (student_id)
    left join graduates using (student_id)
)

select
    student_id,
    cohort_school_year,
    cohort_start_year,
    cohort_entry,
    school_id,
    window_end_date,
    last_exit_code,
    is_graduate,
    not is_graduate
        and not has_later_enrollment
        and coalesce(last_exit_code in (
            'transfer_out_district',
            'transfer_private_or_home',
            'emigrated',
            'deceased'
        ), false) as is_removed,
    not is_graduate
        and not has_later_enrollment
        and coalesce(last_exit_code = 'dropped_out', false) as is_dropout
from flagged
