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


class NotPublished(QuadError):
    """The unit, item or assignment is a draft: students see only published work."""


class SubmissionClosed(QuadError):
    """The assignment's cut-off has passed: work is no longer accepted."""


class ScoreAboveMaximum(QuadError):
    """The score is above the points possible and extra credit is not allowed."""


class AlreadyScored(QuadError):
    """The work is scored already, so it can no longer be handed in again."""


class ExcusedWork(QuadError):
    """The student is excused from the assignment; it counts in no grade."""


class WeightsDoNotSum(QuadError):
    """A section's gradebook category weights must add up to 100 percent."""


class GradingIncomplete(QuadError):
    """Work handed in is still waiting for the teacher's score."""


class QuizNotReady(QuadError):
    """The quiz cannot be given yet: its questions or answer key are incomplete."""


class NotAnApprover(QuadError):
    """The decider's position at the school may not decide that kind of request."""


class OwnRequest(QuadError):
    """Nobody decides their own request: another approver has to."""


class WrongStatus(QuadError):
    """The record is not at the step that allows this (already decided, say)."""


class ApprovalRequired(QuadError):
    """The change needs an approved, unused request for exactly that change."""


class RefundTooLarge(QuadError):
    """A refund returns at most what was paid and not yet refunded."""


class WaiverTooLarge(QuadError):
    """A waiver removes at most what was charged and not yet waived."""


class OverlappingLeave(QuadError):
    """The staff member already has leave requested or granted on those days."""


class OnLeave(QuadError):
    """The staff member is on approved leave on a day of the duty."""


class DoubleBooked(QuadError):
    """The staff member already has a duty at an overlapping time that day."""


class AlreadyScheduled(QuadError):
    """The section already meets in that period on overlapping dates."""


class HolidayOnInstructionalDay(QuadError):
    """A holiday falls on a day the calendar still counts as instructional."""


class DayHasAttendance(QuadError):
    """A day with recorded attendance cannot be closed; correct it first."""


class EmptyAudience(QuadError):
    """An announcement's audience has no students on its date."""


class MessagingNotReady(QuadError):
    """Outgoing mail cannot start: a setting, the login or the server is wrong."""


class DistrictExists(QuadError):
    """Seeding writes a whole district, so it needs an empty database."""


class SignInRefused(QuadError):
    """The name or password is wrong; which one is not said."""


class AccountLocked(QuadError):
    """Too many failed sign-ins: the account waits before the next try."""


class AccessDenied(QuadError):
    """The signed-in role does not reach that record or action."""
