-- mart_enrollment_entries: one row per school, month and entry code, with the
-- students whose enrollment began that month for that reason (new, continuing,
-- a transfer, a re-entry), up to the as-of date.
select
    entries.school_id,
    years.school_year,
    entries.school_year_id,
    date_trunc('month', entries.entry_date)::date as month,
    entries.entry_code,
    count(distinct entries.student_id) as n_students
from stg_enrollment as entries
inner join stg_school_year as years using (school_year_id)
where entries.entry_date <= getvariable('as_of_date')
group by all
