-- mart_coursework_completion_student: one row per student and section with
-- coursework past due by the as-of date (which work counts, and how, is in
-- int_coursework_item). Completion rate = work handed in / work due that
-- was not excused; average score percent = points counted (after late
-- penalties) / points possible of the scored work, x 100.
with items as (
    select * from int_coursework_item
)

select
    student_id,
    section_id,
    count(*) as n_assignments_due,
    count(*) filter (where item_status in ('on_time', 'late')) as n_submitted,
    count(*) filter (where item_status = 'on_time') as n_on_time,
    count(*) filter (where item_status = 'late') as n_late,
    count(*) filter (where item_status = 'missing') as n_missing,
    count(*) filter (where item_status = 'excused') as n_excused,
    count(*) filter (where item_status in ('on_time', 'late'))
        / nullif(count(*) filter (where item_status <> 'excused'), 0)
        as completion_rate,
    count(*) filter (where item_status = 'on_time')
        / nullif(count(*) filter (where item_status <> 'excused'), 0)
        as on_time_rate,
    100 * sum(points_counted)
        / nullif(sum(points_possible) filter (where points_counted is not null), 0)
        as average_score_percent
from items
group by all
