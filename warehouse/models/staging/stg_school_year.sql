-- stg_school_year: one row per school year ("2025-2026").
-- Source: raw_school_year.
select
    school_year_id,
    name as school_year,
    start_date,
    end_date
from raw_school_year
