-- stg_final_grade: one row per student and section grade of record.
-- Source: raw_final_grade.
select
    final_grade_id,
    student_id,
    section_id,
    percent,
    letter,
    grade_points,
    credits_attempted,
    credits_earned
from raw_final_grade
