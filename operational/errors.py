"""Typed refusals of the operational services.

Every message is written for the registrar or teacher who sees it: it says
what is wrong and what to do about it. A service raises before it writes, and
inside a savepoint, so a refusal leaves the database as it was.
"""


class QuadError(Exception):
    """Base of every refusal a service raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(QuadError):
    """A record the request names does not exist."""


class InvalidValue(QuadError):
    """A value is outside what the record allows (a code, a date, a range)."""


class OverlappingEnrollment(QuadError):
    """The student already has an enrollment covering those dates."""


class NotEnrolled(QuadError):
    """The student is not in membership at that school on that day."""


class NotInstructionalDay(QuadError):
    """Attendance is taken only on the school's instructional days."""


class SectionFull(QuadError):
    """The section has no seat left."""


class AlreadyRostered(QuadError):
    """The student is already on that section's roster."""


class NotRostered(QuadError):
    """The student is not on that section's roster."""


class GradingPeriodClosed(QuadError):
    """Marks for a closed grading period change only through an approval."""


class Conflict(QuadError):
    """The record changed or exists already; reload and try again."""
