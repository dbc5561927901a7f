-- dim_course: one row per course of the district catalogue.
select
    course_id,
    course_code,
    course_title,
    subject,
    credits,
    low_grade,
    high_grade,
    subject in ('mathematics', 'english') as is_core_subject
from stg_course
