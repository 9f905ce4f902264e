"""Export households in the import's own columns, so that an export re-imports without change."""

from __future__ import annotations

from django.db.models import QuerySet
from openpyxl.styles import Font, PatternFill

from accountability.access.audit import audit_record_export
from accountability.access.personal_data import can_see_personal_data, id_number_for, mobile_for
from accountability.platform import xlsx
from households.importers.households import HouseholdsImport
from households.models import (
    Health,
    HelpingCadrePairing,
    Household,
    HouseholdStatus,
    LabourSkill,
    Member,
    PovertyAttribute,
    PovertyCause,
    Relation,
    Sex,
)

HEADERS = [column.header for column in HouseholdsImport.columns]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def label(choices, value) -> str:
    return str(choices(value).label) if value else ""


def households_workbook(households: QuerySet[Household], user) -> tuple[bytes, int]:
    """One row per active member; ID and phone numbers masked for users without the right."""
    workbook = xlsx.new_workbook(write_only=True)
    sheet = workbook.create_sheet("贫困户及家庭成员")
    sheet.freeze_panes = "A2"
    header = []
    for text in HEADERS:
        cell = xlsx.cell(sheet, text)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        header.append(cell)
    xlsx.append_row(sheet, header)
    cadres = dict(
        HelpingCadrePairing.objects.filter(household__in=households.values("pk"), valid_to__isnull=True)
        .order_by("household_id", "-valid_from")
        .values_list("household_id", "official__id_number")
    )
    members = (
        Member.objects.filter(household__in=households.values("pk"), active=True)
        .select_related("household")
        .order_by("household__number", "pk")
    )
    count = 0
    for m in members.iterator(chunk_size=5000):
        h = m.household
        xlsx.append_row(
            sheet,
            [
                h.village_id,
                h.number,
                m.name,
                id_number_for(user, m.id_number),
                label(Relation, m.relation),
                label(Sex, m.sex),
                m.ethnicity,
                m.education,
                m.schooling,
                label(Health, m.health) if can_see_personal_data(user) else "",
                label(LabourSkill, m.labour_skill),
                m.employment,
                label(PovertyAttribute, h.attribute),
                label(PovertyCause, h.main_cause),
                f"{h.income_per_capita:.2f}" if h.income_per_capita is not None else "",
                h.identified_year,
                label(HouseholdStatus, h.status),
                h.exit_year or "",
                mobile_for(user, h.phone),
                id_number_for(user, cadres.get(h.pk)) if cadres.get(h.pk) else "",
            ],
        )
        count += 1
    return xlsx.to_bytes(workbook), count


def export_households(*, user, households: QuerySet[Household], filters: dict) -> bytes:
    content, count = households_workbook(households, user)
    audit_record_export(
        user=user,
        kind="households",
        label="贫困户名册",
        filters=filters,
        row_count=count,
        masked=not can_see_personal_data(user),
    )
    return content
