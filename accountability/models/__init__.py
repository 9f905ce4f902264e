from .imports import ExportRecord, ImportJob, ImportStatus
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
    "Department",
    "ExportRecord",
    "HelpingUnitPairing",
    "ImportJob",
    "ImportStatus",
    "Official",
    "Organisation",
    "OrganisationKind",
    "Post",
    "PostSpec",
    "ResponsibilityAssignment",
    "ResponsibilityKind",
    "User",
]
