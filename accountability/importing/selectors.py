"""Reads of import jobs as a user may see them."""

from __future__ import annotations

from django.db.models import QuerySet

from accountability.access.imports import importable_kinds
from accountability.access.personal_data import can_see_personal_data
from accountability.access.scoping import visible_to
from accountability.models import (
    ImportJob,
)


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """Import jobs of the user's jurisdiction (and his own), of the kinds he may import; a role with
    the personal-data right (discipline) reads every kind — the reports hold ID numbers."""
    jobs = ImportJob.objects.select_related("created_by")
    if user.is_superuser:
        return jobs
    jobs = visible_to(jobs, user) | jobs.filter(created_by=user)
    if can_see_personal_data(user):
        return jobs
    return jobs.filter(kind__in=list(importable_kinds(user)))
