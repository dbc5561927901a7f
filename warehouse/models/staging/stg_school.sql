-- stg_school: one row per school.
-- Source: raw_school.
select
    school_id,
    district_id,
    school_number,
    name as school_name,
    level as school_level,
    low_grade,
    high_grade
from raw_school
