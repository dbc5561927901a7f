-- stg_assignment: one row per piece of work set to a section (quizzes too).
-- Source: raw_assignment. Work is due by the end of its due date.
select
    assignment_id,
    section_id,
    grading_category_id,
    content_unit_id,
    title as assignment_title,
    is_quiz,
    points_possible,
    is_extra_credit_allowed,
    due_date,
    late_penalty_percent_per_day,
    max_late_penalty_percent,
    cutoff_date,
    is_published
from raw_assignment
