-- int_coursework_item: one row per student and assignment past its due date
-- by the as-of date, with how the work stands, by the gradebook's rules:
-- only published work outside draft units counts; work counts for a student
-- on the section roster on its due date, or who has a submission for it.
-- Status: excused; on_time or late when handed in by the as-of date; else
-- missing (never handed in, or scored as missing). Work is due by the end
-- of its due date, so work due on the as-of date is not due yet.
-- Points counted: the score less the late penalty (a percent of the score
-- per calendar day late, up to the assignment's largest, or 100).
with assignments as (
    select assignments.*
    from stg_assignment as assignments
    left join stg_content_unit as units using (content_unit_id)
    where assignments.is_published
        and coalesce(units.is_published, true)
        and assignments.due_date < getvariable('as_of_date')
),

submissions as (
    select * from stg_submission
),

rostered as (
    select distinct assignments.assignment_id, rosters.student_id
    from assignments
    inner join stg_section_enrollment as rosters
        on rosters.section_id = assignments.section_id
        and assignments.due_date >= rosters.entry_date
        and assignments.due_date <= coalesce(rosters.exit_date, date '9999-12-31')
),

-- A submission is unique per assignment and student, so adding those of
-- students not on the roster gives distinct pairs without a costlier union.
pairs as (
    select assignment_id, student_id from rostered
    union all
    select submissions.assignment_id, submissions.student_id
    from submissions
    inner join assignments using (assignment_id)
    anti join rostered using (assignment_id, student_id)
),

items as (
    select
        pairs.student_id,
        assignments.assignment_id,
        assignments.section_id,
        assignments.due_date,
        assignments.points_possible,
        submissions.submitted_date,
        submissions.points_earned,
        case
            when submissions.submission_status = 'excused' then 'excused'
            when submissions.submission_status in ('on_time', 'late')
                and submissions.submitted_date <= getvariable('as_of_date')
                then submissions.submission_status
            else 'missing'
        end as item_status,
        least(
            greatest(submissions.submitted_date - assignments.due_date, 0)
                * assignments.late_penalty_percent_per_day,
            coalesce(assignments.max_late_penalty_percent, 100)
        ) as late_penalty_percent
    from pairs
    inner join assignments using (assignment_id)
    left join submissions using (assignment_id, student_id)
)

select
    student_id,
    assignment_id,
    section_id,
    due_date,
    item_status,
    submitted_date,
    points_possible,
    points_earned,
    coalesce(late_penalty_percent, 0) as late_penalty_percent,
    -- A score recorded for work handed in after the as-of date is not yet.
    case when item_status <> 'excused'
        and coalesce(submitted_date <= getvariable('as_of_date'), true) then
        points_earned * (100 - coalesce(late_penalty_percent, 0)) / 100
    end as points_counted
from items
