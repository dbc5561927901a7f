-- dim_student: one row per student and span of dates over which the
-- student's program flags stayed the same (valid_from to valid_to,
-- inclusive), so any date's flags are found by a range join.
with boundaries as (
    select student_id, date '1900-01-01' as boundary_date from stg_student
    union
    select student_id, start_date from stg_student_program
    union
    select student_id, end_date + 1 from stg_student_program where not is_open
),

spans as (
    select
        student_id,
        boundary_date as valid_from,
        coalesce(
            lead(boundary_date) over (
                partition by student_id order by boundary_date
            ) - 1,
            date '9999-12-31'
        ) as valid_to
    from boundaries
),

flags as (
    select
        spans.student_id,
        spans.valid_from,
        spans.valid_to,
        coalesce(bool_or(programs.program = 'english_learner'), false)
            as is_english_learner,
        coalesce(bool_or(programs.program = 'disability_iep'), false) as has_iep,
        coalesce(bool_or(programs.program = 'section_504'), false) as has_504_plan,
        coalesce(bool_or(programs.program = 'economically_disadvantaged'), false)
            as is_economically_disadvantaged,
        coalesce(bool_or(programs.program = 'homeless'), false) as is_homeless,
        coalesce(bool_or(programs.program = 'foster'), false) as is_foster,
        coalesce(bool_or(programs.program = 'migrant'), false) as is_migrant
    from spans
    left join stg_student_program as programs
        on programs.student_id = spans.student_id
        and programs.start_date <= spans.valid_from
        and programs.end_date >= spans.valid_from
    group by all
)

select
    flags.*,
    students.student_number,
    students.first_name,
    students.last_name,
    students.birth_date,
    students.sex,
    students.race_ethnicity,
    students.home_language
from flags
inner join stg_student as students using (student_id)
