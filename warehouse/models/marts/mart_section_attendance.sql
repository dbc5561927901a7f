-- mart_section_attendance: one row per section and day with at least one
-- class-period exception: how many students the teacher marked absent
-- (any absence category, suspensions included) and tardy. A section's day
-- without a row is one at which every student on the roster attended.
select
    marks.section_id,
    sections.school_id,
    sections.school_year_id,
    marks.attendance_date,
    count(*) as n_marked,
    count(*) filter (where codes.is_absence_category) as n_absent,
    count(*) filter (where codes.category = 'tardy') as n_tardy
from stg_section_attendance as marks
inner join stg_section as sections using (section_id)
inner join stg_attendance_code as codes using (code)
group by all
