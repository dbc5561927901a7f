-- stg_course: one row per course of the district catalogue.
-- Source: raw_course.
select
    course_id,
    course_code,
    title as course_title,
    subject,
    credits,
    low_grade,
    high_grade
from raw_course
