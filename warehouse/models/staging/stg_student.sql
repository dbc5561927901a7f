-- stg_student: one row per student, with demographics as recorded today.
-- Source: raw_student.
select
    student_id,
    student_number,
    first_name,
    last_name,
    birth_date,
    sex,
    race_ethnicity,
    home_language
from raw_student
