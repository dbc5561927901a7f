-- mart_coursework_completion: one row per section with coursework past due by
-- the as-of date, over all its students' work (int_coursework_item): the
-- assignments due, and each student's work on them, by how it stands.
-- Completion rate = work handed in / work due that was not excused; average
-- score percent = points counted (after late penalties) / points possible of
-- the scored work, x 100.
with items as (
    select * from int_coursework_item
),

sections as (
    select * from dim_section
)

select
    items.section_id,
    sections.school_id,
    sections.school_year_id,
    sections.school_year,
    sections.course_id,
    sections.subject,
    count(distinct items.assignment_id) as n_assignments_due,
    count(distinct items.student_id) as n_students,
    count(*) as n_student_assignments_due,
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
    100 * sum(items.points_counted)
        / nullif(
            sum(items.points_possible) filter (where items.points_counted is not null),
            0
        ) as average_score_percent
from items
inner join sections using (section_id)
group by all
