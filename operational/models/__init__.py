"""The operational database's tables, one module a domain."""

from operational.models.accounts import (
    CounselorCaseload,
    UserAccount,
    UserSchool,
    UserSession,
)
from operational.models.approvals import ApprovalRequest, ApproverRole
from operational.models.attendance import (
    AttendanceCode,
    AttendanceCorrection,
    DailyAttendance,
    SectionAttendance,
)
from operational.models.audit import AuditLog, DeletedRecord
from operational.models.base import Base, utc_now
from operational.models.behaviour import BehaviorIncident, DisciplineAction
from operational.models.calendar_events import CalendarEvent
from operational.models.communication import Announcement, Message
from operational.models.courses import Course, Section, SectionEnrollment
from operational.models.coursework import (
    Assignment,
    ContentItem,
    ContentUnit,
    GradingCategory,
    QuizAnswer,
    QuizAnswerChoice,
    QuizChoice,
    QuizQuestion,
    Submission,
)
from operational.models.enrollment import Application, Enrollment, PromotionDecision
from operational.models.fees import (
    FeeSchedule,
    Invoice,
    InvoiceInstalment,
    LedgerEntry,
)
from operational.models.grading import (
    Diploma,
    FinalGrade,
    GradeScale,
    GradeScaleBand,
    GraduationRequirement,
    Mark,
)
from operational.models.organisation import (
    CalendarDay,
    District,
    GradingPeriod,
    Room,
    School,
    SchoolYear,
)
from operational.models.people import (
    Guardian,
    Staff,
    StaffAssignment,
    Student,
    StudentGuardian,
    StudentProgram,
)
from operational.models.staff_coordination import Duty, StaffLeave
from operational.models.timetable import Period, SectionMeeting

__all__ = [
    "Announcement",
    "Application",
    "ApprovalRequest",
    "ApproverRole",
    "Assignment",
    "AttendanceCode",
    "AttendanceCorrection",
    "AuditLog",
    "Base",
    "BehaviorIncident",
    "CalendarDay",
    "CalendarEvent",
    "CounselorCaseload",
    "ContentItem",
    "ContentUnit",
    "Course",
    "DailyAttendance",
    "DeletedRecord",
    "Diploma",
    "DisciplineAction",
    "District",
    "Duty",
    "Enrollment",
    "FeeSchedule",
    "FinalGrade",
    "GradeScale",
    "GradeScaleBand",
    "GradingCategory",
    "GradingPeriod",
    "GraduationRequirement",
    "Guardian",
    "Invoice",
    "InvoiceInstalment",
    "LedgerEntry",
    "Mark",
    "Message",
    "Period",
    "PromotionDecision",
    "QuizAnswer",
    "QuizAnswerChoice",
    "QuizChoice",
    "QuizQuestion",
    "Room",
    "School",
    "SchoolYear",
    "Section",
    "SectionAttendance",
    "SectionEnrollment",
    "SectionMeeting",
    "Staff",
    "StaffAssignment",
    "StaffLeave",
    "Student",
    "StudentGuardian",
    "StudentProgram",
    "Submission",
    "UserAccount",
    "UserSchool",
    "UserSession",
    "utc_now",
]
