-- fct_student_day: one row per student, school and instructional day in
-- membership, present, absent or tardy.
-- A day is absent when its code's category is an absence (excused,
-- unexcused, suspension) and either no minutes are recorded or the minutes
-- absent reach half the school day; tardy is present.
with membership as (
    select * from int_membership_day
),

exceptions as (
    select
        attendance.student_id,
        attendance.school_id,
        attendance.attendance_date,
        attendance.code,
        attendance.minutes_absent,
        codes.category,
        codes.is_absence_category
    from stg_daily_attendance as attendance
    inner join stg_attendance_code as codes using (code)
)

select
    membership.student_id,
    membership.school_id,
    membership.school_year_id,
    membership.enrollment_id,
    membership.grade_level,
    membership.calendar_date,
    exceptions.code as attendance_code,
    coalesce(exceptions.category, 'present') as attendance_category,
    exceptions.minutes_absent,
    coalesce(
        exceptions.is_absence_category
        and (
            exceptions.minutes_absent is null
            or exceptions.minutes_absent
                >= getvariable('school_day_minutes') / 2
        ),
        false
    ) as is_absent,
    coalesce(exceptions.category = 'tardy', false) as is_tardy
from membership
left join exceptions
    on exceptions.student_id = membership.student_id
    and exceptions.school_id = membership.school_id
    and exceptions.attendance_date = membership.calendar_date
