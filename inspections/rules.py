"""Pure decisions of supervision and rectification: deadlines, lateness, coverage, who may verify.

No database, no clock: the numbers come from the policy (inspections/presets.py, InspectionPolicy),
the facts and the day are arguments.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass


def months_later(day: dt.date, months: int) -> dt.date:
    """「N个月内」 of ``day``: the same day of the month N months later, or that month's last day
    when it has no such day (31 Aug + 2 → 31 Oct; 31 Dec + 2 → 28/29 Feb). CHECKLIST §1."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    basis: str  # why this date, in Chinese, for the finding's page


def rectification_deadline(
    *,
    source: str,
    found_on: dt.date,
    feedback_on: dt.date | None,
    set_deadline: dt.date | None,
    patrol_months: int,
    default_months: int,
) -> Deadline:
    """A patrol finding's deadline runs ``patrol_months`` from the round's feedback to the inspected
    unit (seed 003 Art. 18), or from the finding's date without one; a deadline set on the finding
    wins for other sources, else ``default_months`` from the finding's date (or feedback)."""
    start = feedback_on or found_on
    start_word = "反馈" if feedback_on else "发现"
    if source == "patrol":
        return Deadline(
            months_later(start, patrol_months), f"巡查问题自{start_word}之日起 {patrol_months} 个月内"
        )
    if set_deadline is not None:
        return Deadline(set_deadline, "交办时确定的整改期限")
    return Deadline(
        months_later(start, default_months), f"自{start_word}之日起 {default_months} 个月内（默认期限）"
    )


def deadline_problem(*, source: str, found_on: dt.date, set_deadline: dt.date | None) -> str | None:
    if set_deadline is not None and set_deadline < found_on:
        return "整改期限不能早于发现日期"
    if source == "patrol" and set_deadline is not None:
        return None  # the patrol rule decides; a given date is ignored with the basis shown
    return None


def is_overdue(*, deadline: dt.date, closed_on: dt.date | None, as_of: dt.date) -> bool:
    """Open past its deadline on ``as_of`` (the deadline day itself is still in time)."""
    return (closed_on is None or closed_on > as_of) and as_of > deadline


def is_late(*, deadline: dt.date, closed_on: dt.date | None, as_of: dt.date) -> bool:
    """Closed after its deadline, or still open past it: late either way."""
    if closed_on is not None and closed_on <= as_of:
        return closed_on > deadline
    return as_of > deadline


def days_overdue(*, deadline: dt.date, as_of: dt.date) -> int:
    return max(0, (as_of - deadline).days)


def significant(code: str) -> str:
    """A 12-digit code's significant prefix (trailing zero groups dropped: 2, 4, 6, 9, 12 digits)."""
    for digits in (2, 4, 6, 9):
        if code[digits:].strip("0") == "":
            return code[:digits]
    return code


def verification_refusal(
    *, verifier_code: str | None, owner_code: str, is_superuser: bool = False
) -> str | None:
    """Close-out needs verification by someone outside the owning unit (C3-19): the issuing office
    or a level above the inspected unit. A user whose jurisdiction is the inspected unit or inside
    it is the owner and is refused; so is one outside the inspected unit's line."""
    if is_superuser:
        return None
    if not verifier_code:
        return "没有管辖范围的账号不能核验"
    verifier = significant(verifier_code)
    owner = significant(owner_code)
    if owner.startswith(verifier) and len(verifier) < len(owner):
        return None
    if verifier.startswith(owner):
        return "被检查单位（整改责任单位）不能核验本单位的问题，须由交办单位或上级核验"
    return "只有交办单位或被检查单位的上级可以核验"


#: the longest reason a deadline change may give (it is kept in the finding's 期限依据, 200 characters)
DEADLINE_REASON_MAX = 190


def deadline_change_refusal(
    *, source: str, status: str, actor_code: str | None, issuer_code: str, is_superuser: bool = False
) -> str | None:
    """Who may move a finding's rectification deadline (set per finding, seed 004): the issuing office
    (交办单位) or an office above it, while the finding is open. A patrol finding's deadline is the
    rule's (seed 003 Art. 18: N months from the feedback) and a closed finding's lateness is settled."""
    if source == "patrol":
        return "巡查问题的整改期限自巡查反馈之日起计算（第十八条），不能单独调整"
    if status == "closed":
        return "问题已销号，不能再调整整改期限"
    if is_superuser:
        return None
    if not actor_code:
        return "没有管辖范围的账号不能调整整改期限"
    if not significant(issuer_code).startswith(significant(actor_code)):
        return "只有交办单位或其上级可以调整整改期限"
    return None


@dataclass(frozen=True)
class Coverage:
    key: str  # unit code or org:<id>
    name: str
    count: int
    required: int

    @property
    def covered(self) -> bool:
        return self.count >= self.required

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.count)


def coverage(targets: Mapping[str, str], counts: Mapping[str, int], required: int) -> list[Coverage]:
    """Each target (county or helping unit) with its comprehensive supervisions of the year and the
    number required (≥ ``required``, seed 003 Art. 8)."""
    return [Coverage(key, name, counts.get(key, 0), required) for key, name in targets.items()]


def coverage_alert_due(*, year: int, as_of: dt.date, days_before: int) -> bool:
    """The uncovered alert fires at the year's end (from 31 December minus ``days_before``)."""
    return as_of >= dt.date(year, 12, 31) - dt.timedelta(days=days_before)


def required_per_year(
    *, comprehensive: int, city_county: int, issuer_level: str, target_is_county: bool
) -> int:
    """Comprehensive supervision per year: Art. 8's minimum; a city's supervision of its counties at
    least the Suzhou H-7 number where the profile sets it higher."""
    if issuer_level == "city" and target_is_county:
        return max(comprehensive, city_county)
    return comprehensive


def evidence_problem(*, name: str, size: int, content_head: bytes, max_mb: int) -> str | None:
    """An upload is a photo or document of an accepted type, not empty, not above the size limit,
    and its content matches its extension (a renamed executable is refused)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        return f"文件“{name[:60]}”的类型不受支持，只接受 {'、'.join(sorted(SIGNATURES))}"
    if size <= 0:
        return f"文件“{name[:60]}”是空文件"
    if size > max_mb * 1024 * 1024:
        return f"文件“{name[:60]}”超过 {max_mb} MB"
    if not any(content_head.startswith(sig) for sig in SIGNATURES[extension]) and SIGNATURES[extension]:
        if extension == "heic" and content_head[4:8] == b"ftyp":
            return None
        return f"文件“{name[:60]}”的内容与扩展名 .{extension} 不符"
    return None


ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
    "heic": (b"\x00\x00\x00",),
    "pdf": (b"%PDF",),
    "docx": ZIP,
    "xlsx": ZIP,
    "doc": OLE,
    "xls": OLE,
}
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "heic")


def petition_overdue(*, answer_due: dt.date | None, answered_on: dt.date | None, as_of: dt.date) -> bool:
    """Unanswered past its answer deadline, or answered after it (an unknown deadline never counts)."""
    if answer_due is None:
        return False
    if answered_on is not None and answered_on <= as_of:
        return answered_on > answer_due
    return as_of > answer_due
