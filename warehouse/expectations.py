"""The expectation suites of the warehouse's key models.

Each suite is evaluated by Great Expectations inside DuckDB, as one batched
validation per model. A blocking suite that fails stops the publish.
Relationship rules are written as queries that must return no rows.
"""

from dataclasses import dataclass, field
from typing import Any

from operational.vocabulary import (
    ENTRY_CODES,
    EXIT_CODES,
    PROGRAMS,
    RACE_ETHNICITY,
    SEXES,
)

ATTENDANCE_CATEGORIES = [
    "present",
    "tardy",
    "excused_absence",
    "unexcused_absence",
    "suspension",
]

GROUP_TYPES = ["all", "sex", "race_ethnicity", "program"]
LEVELS = ["ok", "warning", "at_risk"]
ITEM_STATUSES = ["on_time", "late", "missing", "excused"]


@dataclass(frozen=True)
class Expectation:
    kind: str  # a Great Expectations expectation class name
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NoRows:
    """A rule stated as a query of the rows that would break it."""

    name: str
    query: str


@dataclass(frozen=True)
class Suite:
    model: str
    expectations: tuple[Expectation, ...] = ()
    rules: tuple[NoRows, ...] = ()
    blocking: bool = True
    # Whether every expectation and rule is decided by the rows of one key
    # of a keyed model (a student's day, a section, a month) in each table
    # it reads, so that a model rebuilt at some keys is checked on those keys' rows.
    by_key: bool = False


def key(*columns: str) -> tuple[Expectation, ...]:
    """A primary key: unique together, and never empty."""
    unique = (
        Expectation("ExpectColumnValuesToBeUnique", {"column": columns[0]})
        if len(columns) == 1
        else Expectation(
            "ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)}
        )
    )
    not_null = tuple(
        Expectation("ExpectColumnValuesToNotBeNull", {"column": column})
        for column in columns
    )
    return (unique, *not_null)


def between(column: str, low: float, high: float) -> Expectation:
    return Expectation(
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": low, "max_value": high},
    )


def one_of(column: str, values: list[Any]) -> Expectation:
    return Expectation(
        "ExpectColumnValuesToBeInSet", {"column": column, "value_set": values}
    )


def references(model: str, column: str, parent: str, parent_column: str) -> NoRows:
    return NoRows(
        f"every {column} of {model} is in {parent}",
        f"select c.{column} from {model} c left join {parent} p "
        f"on p.{parent_column} = c.{column} "
        f"where c.{column} is not null and p.{parent_column} is null",
    )


def a_at_least_b(column_a: str, column_b: str) -> Expectation:
    return Expectation(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {"column_A": column_a, "column_B": column_b, "or_equal": True},
    )


def unique_rows(model: str, *columns: str) -> NoRows:
    """A key with an empty part (a district total's school) as a rule: the
    expectation of compound uniqueness skips rows with an empty column."""
    keys = ", ".join(f"coalesce({c}::varchar, '')" for c in columns)
    return NoRows(
        f"{model} has one row per {', '.join(columns)}",
        f"select {keys} from {model} group by all having count(*) > 1",
    )


def _quoted(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def valid_groups(model: str) -> NoRows:
    """Each reporting group's value comes from its own vocabulary."""
    return NoRows(
        f"every group_value of {model} belongs to its group_type",
        f"select * from {model} where not ("
        "(group_type = 'all' and group_value = 'all')"
        f" or (group_type = 'sex' and group_value in ({_quoted(SEXES)}))"
        " or (group_type = 'race_ethnicity'"
        f" and group_value in ({_quoted(RACE_ETHNICITY)}))"
        f" or (group_type = 'program' and group_value in ({_quoted(PROGRAMS)})))",
    )


def work_adds_up(model: str, due: str) -> NoRows:
    return NoRows(
        f"in {model} work due is handed in, missing or excused",
        f"select * from {model} where n_submitted <> n_on_time + n_late "
        f"or {due} <> n_submitted + n_missing + n_excused",
    )


SUITES: tuple[Suite, ...] = (
    Suite("dim_school", (*key("school_id"),)),
    Suite(
        "dim_student",
        (
            *key("student_id", "valid_from"),
            Expectation(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {"column_A": "valid_to", "column_B": "valid_from", "or_equal": True},
            ),
        ),
    ),
    Suite("dim_date", (*key("school_id", "calendar_date"),)),
    Suite("dim_course", (*key("course_id"),)),
    Suite(
        "dim_section",
        (*key("section_id"),),
        (references("dim_section", "course_id", "dim_course", "course_id"),),
    ),
    Suite(
        "fct_student_day",
        (
            *key("student_id", "school_id", "calendar_date"),
            one_of("attendance_category", ATTENDANCE_CATEGORIES),
        ),
        (
            references("fct_student_day", "school_id", "dim_school", "school_id"),
            NoRows(
                "no membership on a non-instructional day",
                "select f.* from fct_student_day f join dim_date d "
                "using (school_id, calendar_date) where not d.is_instructional",
            ),
            NoRows(
                "no attendance recorded outside membership",
                "select a.* from stg_daily_attendance a "
                "left join fct_student_day f on f.student_id = a.student_id "
                "and f.school_id = a.school_id "
                "and f.calendar_date = a.attendance_date "
                "where f.student_id is null "
                "and a.attendance_date <= (select as_of_date from _build_info)",
            ),
        ),
        by_key=True,
    ),
    Suite(
        "mart_student_attendance",
        (
            *key("student_id", "school_id", "school_year"),
            between("attendance_rate", 0, 1),
            Expectation(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {
                    "column_A": "days_enrolled",
                    "column_B": "days_absent",
                    "or_equal": True,
                },
            ),
        ),
    ),
    Suite(
        "mart_school_attendance",
        (
            *key("school_id", "school_year"),
            between("attendance_rate", 0, 1),
            Expectation(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {"column_A": "adm", "column_B": "ada", "or_equal": True},
            ),
        ),
    ),
    Suite(
        "mart_school_attendance_monthly",
        (*key("school_id", "month"), between("attendance_rate", 0, 1)),
        by_key=True,
    ),
    Suite(
        "fct_marks",
        (
            *key("mark_id"),
            Expectation(
                "ExpectCompoundColumnsToBeUnique",
                {"column_list": ["student_id", "section_id", "grading_period_id"]},
            ),
            between("percent", 0, 100),
        ),
        (references("fct_marks", "section_id", "dim_section", "section_id"),),
    ),
    Suite(
        "fct_final_grades",
        (
            *key("final_grade_id"),
            Expectation(
                "ExpectCompoundColumnsToBeUnique",
                {"column_list": ["student_id", "section_id"]},
            ),
            between("percent", 0, 100),
            between("credits_earned", 0, None),
            a_at_least_b("credits_attempted", "credits_earned"),
        ),
        (references("fct_final_grades", "section_id", "dim_section", "section_id"),),
    ),
    Suite(
        "mart_enrollment_trends",
        (
            *key("school_id", "month", "grade_level", "group_type", "group_value"),
            one_of("group_type", GROUP_TYPES),
            between("n_students", 0, None),
        ),
        (
            references(
                "mart_enrollment_trends", "school_id", "dim_school", "school_id"
            ),
            valid_groups("mart_enrollment_trends"),
            NoRows(
                "each student in membership has one sex",
                "select school_id, month, grade_level from mart_enrollment_trends "
                "group by all having sum(n_students) filter (where group_type = "
                "'all') <> sum(n_students) filter (where group_type = 'sex')",
            ),
        ),
        by_key=True,
    ),
    Suite(
        "mart_enrollment_entries",
        (
            *key("school_id", "month", "entry_code"),
            one_of("entry_code", list(ENTRY_CODES)),
            between("n_students", 1, None),
        ),
    ),
    Suite(
        "mart_enrollment_exits",
        (
            *key("school_id", "month", "exit_code"),
            one_of("exit_code", list(EXIT_CODES)),
            between("n_students", 1, None),
        ),
    ),
    Suite(
        "mart_official_enrollment_count",
        (
            *key(
                "school_id", "school_year", "grade_level", "group_type", "group_value"
            ),
            one_of("group_type", GROUP_TYPES),
            a_at_least_b("count_date", "scheduled_count_date"),
        ),
        (
            valid_groups("mart_official_enrollment_count"),
            NoRows(
                "the count is taken on an instructional day",
                "select c.* from mart_official_enrollment_count c "
                "left join dim_date d on d.school_id = c.school_id "
                "and d.calendar_date = c.count_date "
                "where d.is_instructional is distinct from true",
            ),
            NoRows(
                "a school has one count date a year",
                "select school_id, school_year from mart_official_enrollment_count "
                "group by all having count(distinct count_date) > 1",
            ),
        ),
    ),
    Suite(
        "mart_academic_progression",
        (
            *key("student_id", "school_year"),
            between("gpa", 0, None),
            between("cumulative_gpa", 0, None),
            a_at_least_b("credits_attempted", "credits_earned"),
            a_at_least_b("cumulative_credits_attempted", "cumulative_credits_earned"),
            a_at_least_b("cumulative_credits_earned", "credits_earned"),
        ),
        (
            NoRows(
                "on track is decided only for grades 9-12 once the year has ended",
                "select * from mart_academic_progression where is_on_track "
                "is not null and (not is_year_complete or grade_level not between "
                "9 and 12)",
            ),
        ),
    ),
    Suite(
        "int_cohort_student",
        (
            *key("student_id"),
            one_of("cohort_entry", ["first_time_grade_9", "transfer_in"]),
        ),
        (
            NoRows(
                "every cohort student has a school",
                "select * from int_cohort_student where school_id is null",
            ),
            NoRows(
                "a removed student is neither a graduate nor a dropout",
                "select * from int_cohort_student where is_removed "
                "and (is_graduate or is_dropout)",
            ),
        ),
    ),
    Suite(
        "mart_cohort_graduation",
        (
            Expectation(
                "ExpectColumnValuesToNotBeNull", {"column": "cohort_school_year"}
            ),
            between("graduation_rate", 0, 1),
            a_at_least_b("n_cohort", "n_graduates"),
        ),
        (
            unique_rows("mart_cohort_graduation", "cohort_school_year", "school_id"),
            NoRows(
                "the adjusted cohort = first-time 9th graders + transfers in - removed",
                "select * from mart_cohort_graduation where n_cohort <> "
                "n_first_time_grade_9 + n_transfers_in - n_removed",
            ),
            NoRows(
                "the district total is the sum of its schools",
                "select d.cohort_school_year from mart_cohort_graduation d "
                "join mart_cohort_graduation s using (cohort_school_year) "
                "where d.school_id is null and s.school_id is not null "
                "group by d.cohort_school_year, d.n_cohort, d.n_graduates "
                "having d.n_cohort <> sum(s.n_cohort) "
                "or d.n_graduates <> sum(s.n_graduates)",
            ),
        ),
    ),
    Suite(
        "mart_early_warning",
        (
            *key("student_id"),
            between("attendance_rate", 0, 1),
            one_of("attendance_level", LEVELS),
            one_of("behavior_level", LEVELS),
            one_of("course_performance_level", LEVELS),
            one_of("flag_level", LEVELS),
        ),
        (
            references("mart_early_warning", "school_id", "dim_school", "school_id"),
            NoRows(
                "a flag above ok says why, and only then",
                "select * from mart_early_warning "
                "where (flag_level = 'ok') <> (flag_reasons is null)",
            ),
            NoRows(
                "the flag is the worst of the three indicators",
                "select * from mart_early_warning where flag_level not in "
                "(attendance_level, behavior_level, course_performance_level) "
                "or (flag_level <> 'at_risk' and 'at_risk' in "
                "(attendance_level, behavior_level, course_performance_level)) "
                "or (flag_level = 'ok' and 'warning' in "
                "(attendance_level, behavior_level, course_performance_level))",
            ),
        ),
    ),
    Suite(
        "mart_coursework_completion",
        (
            *key("section_id"),
            between("completion_rate", 0, 1),
            between("on_time_rate", 0, 1),
            between("average_score_percent", 0, None),
        ),
        (
            references(
                "mart_coursework_completion", "section_id", "dim_section", "section_id"
            ),
            work_adds_up("mart_coursework_completion", "n_student_assignments_due"),
        ),
        by_key=True,
    ),
    Suite(
        "mart_coursework_completion_student",
        (
            *key("student_id", "section_id"),
            between("completion_rate", 0, 1),
            between("on_time_rate", 0, 1),
            between("average_score_percent", 0, None),
        ),
        (work_adds_up("mart_coursework_completion_student", "n_assignments_due"),),
        by_key=True,
    ),
    Suite(
        "mart_section_attendance",
        (
            *key("section_id", "attendance_date"),
            a_at_least_b("n_marked", "n_absent"),
            a_at_least_b("n_marked", "n_tardy"),
        ),
        (
            references(
                "mart_section_attendance", "section_id", "dim_section", "section_id"
            ),
        ),
    ),
    Suite("int_invoice_aging", (*key("invoice_id"),)),
    Suite(
        "mart_fees",
        (
            *key("school_id", "school_year"),
            between("outstanding_cents", 0, None),
            between("credit_cents", 0, None),
        ),
        (
            references("mart_fees", "school_id", "dim_school", "school_id"),
            NoRows(
                "the balance is what is outstanding less credit",
                "select * from mart_fees "
                "where balance_cents <> outstanding_cents - credit_cents",
            ),
            NoRows(
                "the balance is what was billed and adjusted, less collected, "
                "plus refunded, less waived",
                "select * from mart_fees where balance_cents <> billed_cents "
                "+ adjusted_cents - collected_cents + refunded_cents - waived_cents",
            ),
        ),
    ),
)
