-- mart_cohort_graduation: one row per graduation cohort and school, plus one
-- per cohort for the district (school_id empty), with the four-year adjusted
-- cohort graduation rate (ACGR, 34 CFR 200.19(b)(1)): students who earned a
-- regular diploma by the end of the cohort's fourth year / (first-time grade
-- 9 students + transfers in - transfers out, emigrants and deceased).
-- Dropouts stay in the denominator. Who counts how is in int_cohort_student.
-- A cohort is complete once its fourth school year has ended by the as-of
-- date; until then the rate is provisional.
with students as (
    select * from int_cohort_student
),

totals as (
    select
        cohort_school_year,
        school_id,
        any_value(window_end_date) as window_end_date,
        count(*) filter (where cohort_entry = 'first_time_grade_9')
            as n_first_time_grade_9,
        count(*) filter (where cohort_entry = 'transfer_in') as n_transfers_in,
        count(*) filter (where is_removed) as n_removed,
        count(*) filter (where not is_removed) as n_cohort,
        count(*) filter (where is_graduate and not is_removed) as n_graduates,
        count(*) filter (where is_dropout) as n_dropouts
    from students
    group by grouping sets ((cohort_school_year, school_id), (cohort_school_year))
)

select
    cohort_school_year,
    school_id,
    n_first_time_grade_9,
    n_transfers_in,
    n_removed,
    n_cohort,
    n_graduates,
    n_dropouts,
    n_graduates / nullif(n_cohort, 0) as graduation_rate,
    window_end_date,
    coalesce(window_end_date <= getvariable('as_of_date'), false) as is_complete
from totals
