-- stg_enrollment: one row per stay of a student in a school.
-- Source: raw_enrollment. exit_date stays empty while the student is enrolled.
select
    enrollment_id,
    student_id,
    school_id,
    school_year_id,
    grade_level,
    entry_date,
    entry_code,
    exit_date,
    exit_code
from raw_enrollment
