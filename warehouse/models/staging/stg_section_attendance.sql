-- stg_section_attendance: one row per student, section and day marked as
-- a class-period exception by the section's register; unmarked students
-- attended the class. Source: raw_section_attendance.
select
    section_attendance_id,
    section_id,
    student_id,
    attendance_date,
    code
from raw_section_attendance
