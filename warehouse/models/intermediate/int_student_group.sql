-- int_student_group: one row per student, span of dim_student (valid_from
-- to valid_to, inclusive) and reporting group the student belongs to over
-- that span: all students, sex, race/ethnicity, and each program flag held.
-- Program groups carry the operational vocabulary's names (english_learner,
-- disability_iep, ...); a student in no program is in no program group.
with students as (
    select * from dim_student
),

programs as (
    unpivot (
        select
            student_id,
            valid_from,
            valid_to,
            is_english_learner as english_learner,
            has_iep as disability_iep,
            has_504_plan as section_504,
            is_economically_disadvantaged as economically_disadvantaged,
            is_homeless as homeless,
            is_foster as foster,
            is_migrant as migrant
        from students
    )
    on english_learner, disability_iep, section_504, economically_disadvantaged,
        homeless, foster, migrant
    into name program value is_in_program
)

select student_id, valid_from, valid_to, 'all' as group_type, 'all' as group_value
from students

union all

select student_id, valid_from, valid_to, 'sex', sex
from students

union all

select student_id, valid_from, valid_to, 'race_ethnicity', race_ethnicity
from students

union all

select student_id, valid_from, valid_to, 'program', program
from programs
where is_in_program
