from accountability.policy.calendar import CalendarDay

from .audit import AuditEvent, AuditKind
from .cases import (
    AccountabilityCase,
    Appraisal,
    CaseEvent,
    CaseOrigin,
    CaseStatus,
    Consequence,
    ConsequenceKind,
    Transfer,
    VetoGround,
)
from .imports import ExportRecord, ImportJob, ImportStatus
from .notifications import Notification
from .policy import CoverageScope, PolicyProfile, Quota, QuotaMeasure
from .posts import POSTS, Post, PostSpec, ResponsibilityKind
from .responsibility import (
    CadreLevel,
    Department,
    HelpingUnitPairing,
    Official,
    Organisation,
    OrganisationKind,
    ResponsibilityAssignment,
)
from .rules import (
    Alert,
    AlertStatus,
    AnnualTarget,
    Denominator,
    EscalationRule,
    Measure,
    RuleRun,
    SubjectLevel,
    alert_subject_key,
)
from .units import AdminLevel, AdminUnit
from .users import RolePermission, User, UserRole

__all__ = [
    "POSTS",
    "AccountabilityCase",
    "AdminLevel",
    "AdminUnit",
    "Alert",
    "AlertStatus",
    "AnnualTarget",
    "Appraisal",
    "AuditEvent",
    "AuditKind",
    "CadreLevel",
    "CalendarDay",
    "CaseEvent",
    "CaseOrigin",
    "CaseStatus",
    "Consequence",
    "ConsequenceKind",
    "CoverageScope",
    "Denominator",
    "Department",
    "EscalationRule",
    "ExportRecord",
    "HelpingUnitPairing",
    "ImportJob",
    "ImportStatus",
    "Measure",
    "Notification",
    "Official",
    "Organisation",
    "OrganisationKind",
    "PolicyProfile",
    "Post",
    "PostSpec",
    "Quota",
    "QuotaMeasure",
    "ResponsibilityAssignment",
    "ResponsibilityKind",
    "RolePermission",
    "RuleRun",
    "SubjectLevel",
    "Transfer",
    "User",
    "UserRole",
    "VetoGround",
    "alert_subject_key",
]
