-- dim_school: one row per school.
select
    school_id,
    district_id,
    school_number,
    school_name,
    school_level,
    low_grade,
    high_grade
from stg_school
