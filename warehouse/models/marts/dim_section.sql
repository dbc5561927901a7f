-- dim_section: one row per section, with its course, school and year.
select
    sections.section_id,
    sections.section_code,
    sections.school_id,
    sections.school_year_id,
    years.school_year,
    sections.course_id,
    courses.course_code,
    courses.course_title,
    courses.subject,
    sections.teacher_id,
    sections.room_id,
    sections.capacity
from stg_section as sections
inner join stg_course as courses using (course_id)
inner join stg_school_year as years using (school_year_id)
