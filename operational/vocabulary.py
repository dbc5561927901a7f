"""The controlled vocabularies of the record, shared by models and services.

Check constraints are built from these tuples, so the database and the
services accept exactly the same values.
"""

SCHOOL_LEVELS = ("elementary", "middle", "high")

SEXES = ("F", "M", "X")

# The seven reporting categories of the US federal race and ethnicity
# standard (1997 OMB), as EDFacts aggregates them: Hispanic/Latino of any race
# first, then one race, then two or more races.
RACE_ETHNICITY = (
    "hispanic_latino",
    "american_indian_alaska_native",
    "asian",
    "black_african_american",
    "native_hawaiian_pacific_islander",
    "white",
    "two_or_more_races",
)

PROGRAMS = (
    "english_learner",
    "disability_iep",
    "section_504",
    "economically_disadvantaged",
    "homeless",
    "foster",
    "migrant",
)

GUARDIAN_RELATIONSHIPS = (
    "mother",
    "father",
    "stepparent",
    "grandparent",
    "foster_parent",
    "legal_guardian",
    "other",
)

STAFF_POSITIONS = (
    "teacher",
    "counselor",
    "principal",
    "assistant_principal",
    "registrar",
    "administrator",
    "finance_officer",
    "support",
)

# -1 is pre-kindergarten and 0 kindergarten; 1 to 12 are the grades.
GRADE_LEVEL_MIN = -1
GRADE_LEVEL_MAX = 12

ENTRY_CODES = (
    "new",  # first enrollment in any school of the district
    "continuing",  # next school year, or the next school on promotion
    "transfer_in_district",
    "transfer_from_outside",
    "reentry",  # back after a dropout or a long absence
)

# Exit codes, after the federal cohort rules: transfers out, emigration and
# death leave the graduation cohort (when documented); a dropout stays in it.
EXIT_CODES = (
    "end_of_year",
    "promoted_to_next_school",
    "transfer_in_district",
    "transfer_out_district",
    "transfer_private_or_home",
    "emigrated",
    "graduated",
    "dropped_out",
    "deceased",
    "other",
)

APPLICATION_STATUSES = (
    "submitted",
    "under_review",
    "accepted",
    "waitlisted",
    "rejected",
    "withdrawn",
)

PROMOTION_OUTCOMES = ("promoted", "retained", "graduated")

ATTENDANCE_CATEGORIES = (
    "present",
    "tardy",
    "excused_absence",
    "unexcused_absence",
    "suspension",
)
ABSENCE_CATEGORIES = ("excused_absence", "unexcused_absence", "suspension")

SUBJECTS = (
    "mathematics",
    "english",
    "science",
    "social_studies",
    "world_languages",
    "arts",
    "physical_education",
    "electives",
)

INCIDENT_KINDS = ("conduct", "state_reportable")

DISCIPLINE_ACTIONS = (
    "warning",
    "detention",
    "in_school_suspension",
    "out_of_school_suspension",
    "expulsion",
)

DIPLOMA_TYPES = ("regular", "alternative", "certificate_of_completion")


def in_list(column: str, values: tuple[str, ...]) -> str:
    """A check-constraint expression: `column` takes one of `values`."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"
