"""The operational database's tables, one module a domain."""

from operational.models.attendance import (
    AttendanceCode,
    AttendanceCorrection,
    DailyAttendance,
    SectionAttendance,
)
from operational.models.audit import AuditLog, DeletedRecord
from operational.models.base import Base, utc_now
from operational.models.behaviour import BehaviorIncident, DisciplineAction
from operational.models.courses import Course, Section, SectionEnrollment
from operational.models.enrollment import Application, Enrollment, PromotionDecision
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

__all__ = [
    "Application",
    "AttendanceCode",
    "AttendanceCorrection",
    "AuditLog",
    "Base",
    "BehaviorIncident",
    "CalendarDay",
    "Course",
    "DailyAttendance",
    "DeletedRecord",
    "Diploma",
    "DisciplineAction",
    "District",
    "Enrollment",
    "FinalGrade",
    "GradeScale",
    "GradeScaleBand",
    "GradingPeriod",
    "GraduationRequirement",
    "Guardian",
    "Mark",
    "PromotionDecision",
    "Room",
    "School",
    "SchoolYear",
    "Section",
    "SectionAttendance",
    "SectionEnrollment",
    "Staff",
    "StaffAssignment",
    "Student",
    "StudentGuardian",
    "StudentProgram",
    "utc_now",
]
