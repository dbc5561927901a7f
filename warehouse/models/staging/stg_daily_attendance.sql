-- stg_daily_attendance: one row per student, school and day recorded as an
-- exception (absent, tardy, suspended); unrecorded days are days present.
-- Source: raw_daily_attendance.
select
    daily_attendance_id,
    student_id,
    school_id,
    attendance_date,
    code,
    minutes_absent
from raw_daily_attendance
