-- fct_final_grades: one row per student and section grade of record, with
-- the course, subject, school and year, grade points and credits. A course
-- is failed when it earned no credit of the credit it attempted.
with grades as (
    select * from stg_final_grade
),

sections as (
    select * from dim_section
)

select
    grades.final_grade_id,
    grades.student_id,
    grades.section_id,
    sections.section_code,
    sections.school_id,
    sections.school_year_id,
    sections.school_year,
    sections.course_id,
    sections.course_code,
    sections.subject,
    grades.percent,
    grades.letter,
    grades.grade_points,
    grades.credits_attempted,
    grades.credits_earned,
    grades.credits_earned = 0 and grades.credits_attempted > 0 as is_failed
from grades
inner join sections using (section_id)
