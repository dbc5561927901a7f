-- stg_section: one row per section (a class of a course in a school year).
-- Source: raw_section.
select
    section_id,
    course_id,
    school_id,
    school_year_id,
    section_code,
    teacher_id,
    room_id,
    capacity
from raw_section
