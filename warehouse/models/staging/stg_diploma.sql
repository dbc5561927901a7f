-- stg_diploma: one row per diploma awarded to a student.
-- Source: raw_diploma.
select
    diploma_id,
    student_id,
    school_id,
    diploma_type,
    awarded_date
from raw_diploma
