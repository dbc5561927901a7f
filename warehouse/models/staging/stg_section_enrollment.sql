-- stg_section_enrollment: one row per place of a student on a section roster.
-- Source: raw_section_enrollment.
select
    section_enrollment_id,
    section_id,
    student_id,
    entry_date,
    exit_date
from raw_section_enrollment
