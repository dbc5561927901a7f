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

# The staff app's roles; each reaches the rows `operational/access.py` says.
ROLES = (
    "administrator",
    "registrar",
    "teacher",
    "counselor",
    "finance_officer",
    "leadership",
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


# Coursework: what a content item holds, how a submission stands, and the
# kinds of quiz question (the objective ones are scored automatically).
CONTENT_ITEM_KINDS = ("text", "link")

SUBMISSION_STATUSES = ("on_time", "late", "missing", "excused")

QUESTION_KINDS = ("single_choice", "multiple_choice", "numeric", "short_text")

# Operations: approval requests, the fee ledger and staff leave.
APPROVAL_KINDS = ("grade_change", "leave", "admission", "fee_waiver")

# An approved request is "applied" once the change it allows is made (one use).
APPROVAL_STATUSES = ("pending", "approved", "rejected", "withdrawn", "applied")

LEDGER_ENTRY_TYPES = ("charge", "payment", "refund", "waiver", "adjustment")

PAYMENT_METHODS = ("cash", "check", "card", "bank_transfer", "online")

LEAVE_TYPES = (
    "sick",
    "personal",
    "professional_development",
    "bereavement",
    "parental",
    "jury_duty",
    "unpaid",
)

# Timetable: a bell schedule runs on weekdays, or on the days of a rotation
# (an A/B schedule is day_1 and day_2) for schools whose cycle is not a week.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROTATION_DAYS = tuple(f"day_{number}" for number in range(1, 11))
SCHEDULE_DAYS = WEEKDAYS + ROTATION_DAYS

CALENDAR_EVENT_KINDS = (
    "holiday",
    "exam",
    "parent_evening",
    "open_house",
    "staff_meeting",
    "sports",
    "performance",
    "field_trip",
    "other",
)

# Communication: who an announcement reaches, what it is about, and where
# each message to a guardian stands in the outbox.
AUDIENCES = ("school", "grade", "section", "student")

MESSAGE_CATEGORIES = (
    "general",
    "calendar_event",
    "academic",
    "emergency",
    "unexcused_absence",
)

MESSAGE_STATUSES = ("queued", "sent", "failed")
