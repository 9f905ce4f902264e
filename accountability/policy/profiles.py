"""Which policy-profile version governs which area on a day (one rule for quotas and escalation).

A version applies from its effective date; a more specific jurisdiction's version in force wins over
a higher one's, for its whole subtree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from accountability.models import PolicyProfile


@dataclass(frozen=True)
class ProfileArea:
    profile: PolicyProfile
    area: str  # code prefix governed
    carved_out: tuple[str, ...]  # deeper prefixes governed by their own version


def versions_by_prefix(*related: str) -> dict[str, list[PolicyProfile]]:
    """Every version by jurisdiction prefix ("" = default), oldest first (1 + len(related) queries)."""
    by_prefix: dict[str, list[PolicyProfile]] = defaultdict(list)
    profiles = PolicyProfile.objects.select_related("jurisdiction").prefetch_related(*related)
    for profile in profiles.order_by("effective_from"):
        by_prefix[profile.jurisdiction.prefix if profile.jurisdiction_id else ""].append(profile)
    return by_prefix


def in_force(versions: list[PolicyProfile], day: dt.date) -> PolicyProfile | None:
    current = None
    for version in versions:
        if version.effective_from <= day:
            current = version
    return current


def profile_areas(root: str, day: dt.date, versions: dict[str, list[PolicyProfile]]) -> list[ProfileArea]:
    """The versions in force on ``day`` that govern parts of the area ``root``, with their areas."""
    active = {prefix: v for prefix, history in versions.items() if (v := in_force(history, day)) is not None}
    areas = []
    for prefix, version in active.items():
        if not (root.startswith(prefix) or prefix.startswith(root)):
            continue  # beside the root
        deeper = [other for other in active if len(other) > len(prefix) and other.startswith(prefix)]
        if root.startswith(prefix) and any(root.startswith(other) for other in deeper):
            continue  # a more specific version governs the whole root
        area = root if root.startswith(prefix) else prefix
        carved = tuple(other for other in deeper if other.startswith(area) and other != area)
        areas.append(ProfileArea(version, area, carved))
    return areas


def governs(area: ProfileArea, code: str) -> bool:
    return code.startswith(area.area) and not any(code.startswith(prefix) for prefix in area.carved_out)


def profile_for(
    code: str, day: dt.date, versions: dict[str, list[PolicyProfile]] | None = None
) -> PolicyProfile | None:
    """The version that governs the unit ``code`` on ``day``: the most specific jurisdiction's."""
    versions = versions if versions is not None else versions_by_prefix()
    best: tuple[str, PolicyProfile] | None = None
    for prefix, history in versions.items():
        version = in_force(history, day) if code.startswith(prefix) else None
        if version is not None and (best is None or len(prefix) > len(best[0])):
            best = (prefix, version)
    return best[1] if best else None
