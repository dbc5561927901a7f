-- stg_grading_period: one row per grading period of a school's year.
-- Source: raw_grading_period.
select
    grading_period_id,
    school_id,
    school_year_id,
    name as grading_period,
    sequence as grading_period_sequence,
    start_date,
    end_date,
    is_closed
from raw_grading_period
