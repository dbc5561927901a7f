-- stg_student_program: one row per program flag and the dates it held.
-- Source: raw_student_program. An open flag holds until further notice.
select
    student_program_id,
    student_id,
    program,
    start_date,
    coalesce(end_date, date '9999-12-31') as end_date,
    end_date is null as is_open
from raw_student_program
