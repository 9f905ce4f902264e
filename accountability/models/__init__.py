from .imports import ExportRecord, ImportJob, ImportStatus
from .units import AdminLevel, AdminUnit
from .users import User

__all__ = ["AdminLevel", "AdminUnit", "ExportRecord", "ImportJob", "ImportStatus", "User"]
