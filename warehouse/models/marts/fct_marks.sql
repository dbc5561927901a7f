-- fct_marks: one row per student, section and grading period mark, with the
-- section's course, subject, school and year and the period's place in the
-- year. Final grades, the grade of record with credits, are fct_final_grades.
with marks as (
    select * from stg_mark
),

sections as (
    select * from dim_section
),

periods as (
    select * from stg_grading_period
)

select
    marks.mark_id,
    marks.student_id,
    marks.section_id,
    marks.grading_period_id,
    sections.section_code,
    sections.school_id,
    sections.school_year_id,
    sections.school_year,
    sections.course_id,
    sections.course_code,
    sections.subject,
    periods.grading_period,
    periods.grading_period_sequence,
    periods.start_date as grading_period_start_date,
    periods.end_date as grading_period_end_date,
    periods.is_closed as is_grading_period_closed,
    marks.percent,
    marks.letter,
    marks.posted_at
from marks
inner join sections using (section_id)
inner join periods using (grading_period_id)
