-- stg_attendance_code: one row per attendance code, with its category.
-- Source: raw_attendance_code.
select
    code,
    category,
    description,
    category in ('excused_absence', 'unexcused_absence', 'suspension')
        as is_absence_category
from raw_attendance_code
