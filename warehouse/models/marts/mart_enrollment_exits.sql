-- mart_enrollment_exits: one row per school, month and exit code, with the
-- students whose enrollment ended that month for that reason (the exit date
-- is the last day in membership), up to the as-of date.
select
    exits.school_id,
    years.school_year,
    exits.school_year_id,
    date_trunc('month', exits.exit_date)::date as month,
    exits.exit_code,
    count(distinct exits.student_id) as n_students
from stg_enrollment as exits
inner join stg_school_year as years using (school_year_id)
where exits.exit_date <= getvariable('as_of_date')
group by all
