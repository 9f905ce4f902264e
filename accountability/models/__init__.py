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
from .units import AdminLevel, AdminUnit
from .users import User

__all__ = [
    "POSTS",
    "AdminLevel",
    "AdminUnit",
    "CadreLevel",
    "CoverageScope",
    "Department",
    "ExportRecord",
    "HelpingUnitPairing",
    "ImportJob",
    "ImportStatus",
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
    "User",
]
