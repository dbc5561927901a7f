-- mart_academic_progression: one row per student and school year in which
-- the student was enrolled or has final grades, with the year's and the
-- cumulative GPA and credits.
-- GPA: credit-weighted mean grade points of final grades (quality points =
-- grade points x credits attempted, over credits attempted), to two places,
-- as the transcript computes it. A failed course earned no credit of the
-- credit it attempted.
-- On track to graduate, for grades 9 to 12, decided when the year has ended:
-- cumulative credits earned >= the credits required to graduate (the sum of
-- graduation_requirement) x (grade level - 8) / 4, the share of a four-year
-- programme due by the end of that grade. Empty before the year's end.
with grades as (
    select * from fct_final_grades
),

enrollments as (
    select * from stg_enrollment
    where entry_date <= getvariable('as_of_date')
),

years as (
    select * from stg_school_year
),

requirements as (
    select sum(credits_required) as credits_required
    from stg_graduation_requirement
),

-- The year's last enrollment gives the school and grade of the year.
year_enrollments as (
    select
        student_id,
        school_year_id,
        arg_max(school_id, entry_date) as school_id,
        arg_max(grade_level, entry_date) as grade_level
    from enrollments
    group by all
),

year_grades as (
    select
        student_id,
        school_year_id,
        min(school_id) as school_id,
        sum(grade_points * credits_attempted) as quality_points,
        sum(credits_attempted) as credits_attempted,
        sum(credits_earned) as credits_earned,
        count(*) filter (where is_failed) as n_courses_failed
    from grades
    group by all
),

student_years as (
    select student_id, school_year_id from year_enrollments
    union
    select student_id, school_year_id from year_grades
),

combined as (
    select
        student_years.student_id,
        student_years.school_year_id,
        years.school_year,
        years.start_date,
        years.end_date,
        coalesce(year_enrollments.school_id, year_grades.school_id) as school_id,
        year_enrollments.grade_level,
        coalesce(year_grades.quality_points, 0) as quality_points,
        coalesce(year_grades.credits_attempted, 0) as credits_attempted,
        coalesce(year_grades.credits_earned, 0) as credits_earned,
        coalesce(year_grades.n_courses_failed, 0) as n_courses_failed
    from student_years
    inner join years using (school_year_id)
    left join year_enrollments using (student_id, school_year_id)
    left join year_grades using (student_id, school_year_id)
),

cumulative as (
    select
        *,
        sum(quality_points) over to_date as cumulative_quality_points,
        sum(credits_attempted) over to_date as cumulative_credits_attempted,
        sum(credits_earned) over to_date as cumulative_credits_earned,
        sum(n_courses_failed) over to_date as n_courses_failed_to_date
    from combined
    window to_date as (
        partition by student_id
        order by start_date
        rows between unbounded preceding and current row
    )
),

expected as (
    select
        cumulative.*,
        case when cumulative.grade_level between 9 and 12 then
            requirements.credits_required * (cumulative.grade_level - 8) / 4
        end as expected_credits_earned,
        cumulative.end_date <= getvariable('as_of_date') as is_year_complete
    from cumulative
    cross join requirements
)

select
    student_id,
    school_year_id,
    school_year,
    school_id,
    grade_level,
    round(quality_points / nullif(credits_attempted, 0), 2) as gpa,
    round(
        cumulative_quality_points / nullif(cumulative_credits_attempted, 0), 2
    ) as cumulative_gpa,
    credits_attempted,
    credits_earned,
    cumulative_credits_attempted,
    cumulative_credits_earned,
    n_courses_failed,
    n_courses_failed_to_date,
    expected_credits_earned,
    is_year_complete,
    case when is_year_complete then
        cumulative_credits_earned >= expected_credits_earned
    end as is_on_track
from expected
