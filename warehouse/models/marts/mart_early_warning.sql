-- mart_early_warning: one row per student enrolled in the as-of school year
-- (the latest year begun by the as-of date), with three indicators, each
-- 'ok', 'warning' or 'at_risk' and the value that set it:
-- attendance, the year's attendance rate over all the student's schools:
-- at risk below 0.80, warning below 0.88; behavior, the year's incidents
-- to date: at risk on any state-reportable offence or more than 5 conduct
-- incidents, warning on more than 2; course performance, the lowest of the
-- student's latest period marks in the mathematics and English sections:
-- at risk below 65, warning below 72. No value yet is 'ok'.
-- The flag is the worst of the three; flag_reasons names the indicators at
-- that level, in the order above (empty when the flag is 'ok').
with as_of_year as (
    select school_year_id, school_year, start_date
    from stg_school_year
    where start_date <= getvariable('as_of_date')
    order by start_date desc
    limit 1
),

students as (
    select
        enrollments.student_id,
        as_of_year.school_year_id,
        as_of_year.school_year,
        arg_max(enrollments.school_id, enrollments.entry_date) as school_id,
        arg_max(enrollments.grade_level, enrollments.entry_date) as grade_level,
        bool_or(
            coalesce(enrollments.exit_date, date '9999-12-31')
                >= getvariable('as_of_date')
        ) as is_currently_enrolled
    from stg_enrollment as enrollments
    inner join as_of_year using (school_year_id)
    where enrollments.entry_date <= getvariable('as_of_date')
    group by all
),

attendance as (
    select
        student_id,
        sum(days_enrolled) as days_enrolled,
        sum(days_absent) as days_absent
    from mart_student_attendance
    where school_year_id = (select school_year_id from as_of_year)
    group by all
),

behavior as (
    select
        student_id,
        count(*) filter (where incident_kind = 'conduct') as n_conduct_incidents,
        count(*) filter (where incident_kind = 'state_reportable')
            as n_state_reportable_incidents
    from stg_behavior_incident
    where incident_date >= (select start_date from as_of_year)
        and incident_date <= getvariable('as_of_date')
    group by all
),

latest_marks as (
    select
        student_id,
        section_id,
        arg_max(subject, grading_period_sequence) as subject,
        arg_max(percent, grading_period_sequence) as percent
    from fct_marks
    where school_year_id = (select school_year_id from as_of_year)
        and subject in ('mathematics', 'english')
        and grading_period_start_date <= getvariable('as_of_date')
    group by all
),

course_performance as (
    select
        student_id,
        min(percent) as lowest_core_mark_percent,
        first(subject order by percent, subject) as lowest_core_mark_subject
    from latest_marks
    group by all
),

indicators as (
    select
        students.*,
        (attendance.days_enrolled - attendance.days_absent)
            / nullif(attendance.days_enrolled, 0) as attendance_rate,
        coalesce(behavior.n_conduct_incidents, 0) as n_conduct_incidents,
        coalesce(behavior.n_state_reportable_incidents, 0)
            as n_state_reportable_incidents,
        course_performance.lowest_core_mark_percent,
        course_performance.lowest_core_mark_subject
    from students
    left join attendance using (student_id)
    left join behavior using (student_id)
    left join course_performance using (student_id)
),

levels as (
    select
        *,
        case
            when attendance_rate < 0.80 then 2
            when attendance_rate < 0.88 then 1
            else 0
        end as attendance_severity,
        case
            when n_state_reportable_incidents > 0 or n_conduct_incidents > 5 then 2
            when n_conduct_incidents > 2 then 1
            else 0
        end as behavior_severity,
        case
            when lowest_core_mark_percent < 65 then 2
            when lowest_core_mark_percent < 72 then 1
            else 0
        end as course_performance_severity
    from indicators
),

flagged as (
    select
        *,
        greatest(
            attendance_severity, behavior_severity, course_performance_severity
        ) as flag_severity
    from levels
)

select
    student_id,
    school_year_id,
    school_year,
    school_id,
    grade_level,
    is_currently_enrolled,
    attendance_rate,
    ['ok', 'warning', 'at_risk'][attendance_severity + 1] as attendance_level,
    n_conduct_incidents,
    n_state_reportable_incidents,
    ['ok', 'warning', 'at_risk'][behavior_severity + 1] as behavior_level,
    lowest_core_mark_percent,
    lowest_core_mark_subject,
    ['ok', 'warning', 'at_risk'][course_performance_severity + 1]
        as course_performance_level,
    ['ok', 'warning', 'at_risk'][flag_severity + 1] as flag_level,
    nullif(concat_ws(
        ', ',
        case when flag_severity > 0 and attendance_severity = flag_severity
            then 'attendance' end,
        case when flag_severity > 0 and behavior_severity = flag_severity
            then 'behavior' end,
        case when flag_severity > 0 and course_performance_severity = flag_severity
            then 'course_performance' end
    ), '') as flag_reasons
from flagged
