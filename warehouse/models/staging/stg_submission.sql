-- stg_submission: one row per student and assignment with work handed in,
-- scored as missing, or excused. Source: raw_submission. An empty score on
-- work handed in means it still needs grading.
select
    submission_id,
    assignment_id,
    student_id,
    status as submission_status,
    submitted_date,
    points_earned,
    scored_at
from raw_submission
