-- stg_mark: one row per student, section and grading period mark.
-- Source: raw_mark.
select
    mark_id,
    student_id,
    section_id,
    grading_period_id,
    percent,
    letter,
    posted_at
from raw_mark
