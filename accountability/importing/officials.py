"""Import kind ``officials`` (干部及责任分工): one row per post held."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from accountability.access.scoping import unit_code_in_jurisdiction, visible_to
from accountability.hierarchy.models import CODE_LENGTH, code_prefix
from accountability.importing.kinds import (
    CellError,
    Column,
    ImportKind,
    Row,
    parse_date,
    parse_id_number,
    parse_mobile,
    parse_unit_code,
    register,
)
from accountability.models import (
    POSTS,
    AdminLevel,
    AdminUnit,
    Department,
    Official,
    Organisation,
    OrganisationKind,
    Post,
    ResponsibilityAssignment,
)
from accountability.responsibility.posts import post_by_label

POSTS_BY_LABEL = post_by_label()
HELPING_POSTS = {Post.HELPING_UNIT_HEAD, Post.HELPING_CADRE}


def parse_post(text: str) -> str:
    try:
        return POSTS_BY_LABEL[text].value
    except KeyError:
        raise CellError(
            f"岗位“{text}”不在岗位目录中（如：村党组织书记、第一书记(驻村工作队长)、包村干部）"
        ) from None


def organisation_kind_for(name: str, post: str) -> tuple[str, str]:
    """Kind (and department) of an organisation first met in an import, guessed from its name."""
    if post in HELPING_POSTS:
        return OrganisationKind.HELPING_UNIT, ""
    if any(word in name for word in ("村委", "村民委员会", "两委")):
        return OrganisationKind.VILLAGE_COMMITTEES, ""
    if any(word in name for word in ("党委", "党组织", "党支部", "党总支")):
        return OrganisationKind.PARTY_COMMITTEE, ""
    if "政府" in name or "办事处" in name:
        return OrganisationKind.GOVERNMENT, ""
    departments = {
        "扶贫": Department.POVERTY_OFFICE,
        "财政": Department.FINANCE,
        "审计": Department.AUDIT,
        "纪委": Department.DISCIPLINE,
        "监委": Department.DISCIPLINE,
        "组织部": Department.ORGANISATION,
    }
    for word, department in departments.items():
        if word in name:
            return OrganisationKind.DEPARTMENT, department
    return OrganisationKind.DEPARTMENT, Department.OTHER


def ranges_overlap(a_from, a_to, b_from, b_to) -> bool:
    return a_from <= (b_to or dt.date.max) and b_from <= (a_to or dt.date.max)


@register
class OfficialsImport(ImportKind):
    name = "officials"
    label = "干部及责任分工"
    permissions = (
        "accountability.add_organisation",
        "accountability.add_official",
        "accountability.change_official",
        "accountability.add_responsibilityassignment",
        "accountability.change_responsibilityassignment",
    )
    description = (
        "每行为一名干部担任的一个岗位；同一干部担任多个岗位时写多行。单位不存在时自动新建（挂在所在县）。"
    )
    columns = (
        Column("姓名", "name", required=True),
        Column(
            "证件号码",
            "id_number",
            required=True,
            parse=parse_id_number,
            aliases=("身份证号码", "身份证号"),
            help="18 位居民身份证号码",
        ),
        Column("手机号码", "mobile", parse=parse_mobile, aliases=("手机", "联系电话")),
        Column(
            "单位",
            "organisation_name",
            required=True,
            aliases=("工作单位",),
            help="如 东山县扶贫办、青石镇党委",
        ),
        Column("职务", "title"),
        Column("岗位", "post", required=True, parse=parse_post, help="责任岗位，如 村党组织书记、包村干部"),
        Column(
            "责任范围代码",
            "scope_code",
            required=True,
            parse=parse_unit_code,
            help="所负责单位的 12 位行政区划代码",
        ),
        Column("起始日期", "valid_from", required=True, parse=parse_date, help="YYYY-MM-DD"),
        Column("终止日期", "valid_to", parse=parse_date, help="仍在任则留空"),
    )
    compared_fields = ("name", "mobile", "organisation_name", "title", "valid_to")

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["id_number"], values["post"], values["scope_code"], values["valid_from"])

    # --- checks --------------------------------------------------------------------------------

    def check(self, rows: list[Row]) -> None:
        codes = {row.values["scope_code"] for row in rows if row.values.get("scope_code")}
        self.units = {u.code: u for u in AdminUnit.objects.filter(code__in=codes)}
        ids = {row.values["id_number"] for row in rows if row.values.get("id_number")}
        self.known = {
            o.id_number: o for o in Official.objects.filter(id_number__in=ids).select_related("organisation")
        }
        # an official the importer may not see (scoping selector) is another jurisdiction's record
        self.visible = set(
            visible_to(Official.objects.filter(id_number__in=ids), self.user).values_list(
                "id_number", flat=True
            )
        )
        names = {row.values["organisation_name"] for row in rows if row.values.get("organisation_name")}
        self.candidates: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in Organisation.objects.filter(name__in=names).select_related("unit"):
            self.candidates[organisation.name].append(organisation)
        names_in_file: dict[str, tuple[str, int]] = {}
        for row in rows:
            self._check_row(row, names_in_file)
            if row.valid:
                self._check_jurisdiction(row)
        self._check_overlaps(rows)

    def _check_row(self, row: Row, names_in_file: dict[str, tuple[str, int]]) -> None:
        values = row.values
        code, post = values.get("scope_code"), values.get("post")
        unit = self.units.get(code) if code else None
        if code and unit is None:
            row.error("责任范围代码", f"单位 {code} 不存在，请先导入行政区划")
        elif unit is not None:
            if not unit_code_in_jurisdiction(self.user, code):
                row.error("责任范围代码", f"单位 {code} 不在您的管辖范围内")
            if post:
                spec = POSTS[Post(post)]
                if unit.level != spec.level:
                    row.error(
                        "岗位",
                        f"岗位“{Post(post).label}”的责任范围应为{AdminLevel(spec.level).label}级单位，"
                        f"而 {unit.name}（{code}）是{AdminLevel(unit.level).label}级",
                    )
        if values.get("valid_from") and values.get("valid_to") and values["valid_to"] < values["valid_from"]:
            row.error("终止日期", "终止日期不能早于起始日期")
        id_number, name = values.get("id_number"), values.get("name")
        if id_number and id_number in self.known and id_number not in self.visible:
            # say nothing about the other record (no name, no unit): only that it is not imported here
            row.error("证件号码", _("该证件号码不能在本辖区导入：请联系其所在辖区"))
            return
        if id_number and name:
            known = self.known.get(id_number)
            if known is not None and known.name != name:
                row.error(
                    "姓名",
                    f"证件号码 {id_number[:6]}…已登记为干部“{known.name}”，与本行姓名不一致",
                )
            first = names_in_file.setdefault(id_number, (name, row.number))
            if first[0] != name:
                row.error("姓名", f"同一证件号码在第 {first[1]} 行的姓名为“{first[0]}”，与本行不一致")

    def _check_jurisdiction(self, row: Row) -> None:
        """The row's organisation must be one the importer may use, and an existing official is
        neither moved to another county nor, when his unit is another jurisdiction's (he is seen here
        through a post), changed at all: the import only adds or ends his posts here."""
        v = row.values
        organisation = self._match_organisation(v["organisation_name"], v["scope_code"])
        if organisation is None and self.candidates[v["organisation_name"]]:
            row.error("单位", _("单位“%(name)s”不在您的管辖范围内") % {"name": v["organisation_name"]})
            return
        official = self.known.get(v["id_number"])
        if official is None:
            return
        target = organisation.unit_id if organisation else self._home_unit(v["scope_code"])
        current = official.organisation.unit_id
        if code_prefix(target, AdminLevel.COUNTY) != code_prefix(current, AdminLevel.COUNTY):
            row.error(
                "单位",
                _("该干部在系统中属于另一县（区）的单位；干部跨县（区）调动须办理调动手续，不能通过导入变更"),
            )
        elif not unit_code_in_jurisdiction(self.user, current) and (
            official.name != v["name"]
            or official.mobile != (v["mobile"] or "")
            or official.title != (v["title"] or "")
            or organisation is None
            or organisation.pk != official.organisation_id
        ):
            row.error(
                "单位",
                _(
                    "该干部属于其他辖区的单位：本辖区只能导入其在本辖区的岗位，"
                    "不能修改其姓名、手机号码、职务或单位"
                ),
            )

    def _check_overlaps(self, rows: list[Row]) -> None:
        """Single-holder posts: no two tenures may overlap, in the file or against the database."""
        single = [r for r in rows if r.valid and POSTS[Post(r.values["post"])].single_holder]
        by_slot: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in single:
            by_slot[(row.values["scope_code"], row.values["post"])].append(row)
        existing = defaultdict(list)
        if by_slot:
            for assignment in ResponsibilityAssignment.objects.filter(
                scope_unit_id__in={code for code, _post in by_slot},
                post__in={post for _code, post in by_slot},
            ).select_related("official"):
                existing[(assignment.scope_unit_id, assignment.post)].append(assignment)
        for slot, slot_rows in by_slot.items():
            label = Post(slot[1]).label
            for index, row in enumerate(slot_rows):
                v = row.values
                for other in slot_rows[:index]:
                    o = other.values
                    if self.key(o) != self.key(v) and ranges_overlap(
                        v["valid_from"], v["valid_to"], o["valid_from"], o["valid_to"]
                    ):
                        row.error(
                            "起始日期",
                            f"岗位“{label}”同一时间只能由一人担任：与第 {other.number} 行的任期重叠",
                        )
                for assignment in existing[slot]:
                    same = (
                        assignment.official.id_number,
                        assignment.post,
                        assignment.scope_unit_id,
                        assignment.valid_from,
                    ) == self.key(v)
                    if not same and ranges_overlap(
                        v["valid_from"], v["valid_to"], assignment.valid_from, assignment.valid_to
                    ):
                        until = assignment.valid_to or "今"
                        row.error(
                            "起始日期",
                            f"岗位“{label}”同一时间只能由一人担任：与系统中 {assignment.official.name}"
                            f"（{assignment.valid_from} 至 {until}）的任期重叠；"
                            "如为交接，请先为其填写终止日期",
                        )

    # --- diff and write --------------------------------------------------------------------------

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        keys = list(keys)
        ids = {key[0] for key in keys}
        wanted = set(keys)
        result = {}
        for a in ResponsibilityAssignment.objects.filter(official__id_number__in=ids).select_related(
            "official__organisation"
        ):
            key = (a.official.id_number, a.post, a.scope_unit_id, a.valid_from)
            if key in wanted:
                result[key] = {
                    "name": a.official.name,
                    "mobile": a.official.mobile or None,
                    "organisation_name": a.official.organisation.name,
                    "title": a.official.title or None,
                    "valid_to": a.valid_to,
                }
        return result

    def write(self, new: list[Row], changed: list[Row]) -> int:
        rows = new + changed
        organisations = self._organisations(rows)
        officials = self._officials(rows, organisations)
        new_assignments = [
            ResponsibilityAssignment(
                official=officials[row.values["id_number"]],
                scope_unit_id=row.values["scope_code"],
                post=row.values["post"],
                valid_from=row.values["valid_from"],
                valid_to=row.values["valid_to"],
            )
            for row in new
        ]
        ResponsibilityAssignment.objects.bulk_create(new_assignments, batch_size=2000)
        current = {
            (a.official_id, a.post, a.scope_unit_id, a.valid_from): a
            for a in ResponsibilityAssignment.objects.filter(
                official_id__in={officials[row.values["id_number"]].pk for row in changed}
            )
        }
        to_update = []
        for row in changed:
            v = row.values
            assignment = current[(officials[v["id_number"]].pk, v["post"], v["scope_code"], v["valid_from"])]
            if assignment.valid_to != v["valid_to"]:
                assignment.valid_to = v["valid_to"]
                to_update.append(assignment)
        ResponsibilityAssignment.objects.bulk_update(to_update, ["valid_to"], batch_size=2000)
        return len(rows)

    def _home_unit(self, scope_code: str) -> str:
        """Where an organisation first met in an import is attached: the county of the scope unit
        (the city for city posts), but never above the importer's jurisdiction."""
        unit = self.units[scope_code]
        level = AdminLevel.CITY if unit.level == AdminLevel.CITY else AdminLevel.COUNTY
        home = code_prefix(scope_code, level).ljust(CODE_LENGTH, "0")
        jurisdiction = self.user.jurisdiction
        if jurisdiction is not None and not home.startswith(jurisdiction.prefix):
            return jurisdiction.code
        return home

    def _match_organisation(self, name: str, scope: str) -> Organisation | None:
        """The existing organisation a row names: among those of that name in the importer's
        jurisdiction or above it (a city department helping a village), the one whose unit contains
        the scope unit most closely. None when it must be created (or is another jurisdiction's)."""
        jurisdiction = self.user.jurisdiction if not self.user.is_superuser else None
        allowed = [
            o
            for o in self.candidates[name]
            if jurisdiction is None
            or o.unit_id.startswith(jurisdiction.prefix)
            or jurisdiction.prefix.startswith(o.unit.prefix)
        ]
        closest = sorted(
            (o for o in allowed if scope.startswith(o.unit.prefix)),
            key=lambda o: -len(o.unit.prefix),
        )
        return (closest or allowed or [None])[0]

    def _organisations(self, rows: list[Row]) -> dict[tuple[str, str], Organisation]:
        """(organisation name, scope code) → organisation, creating the ones that do not exist."""
        result = {}
        for row in rows:
            name, scope = row.values["organisation_name"], row.values["scope_code"]
            organisation = self._match_organisation(name, scope)
            if organisation is None:
                kind, department = organisation_kind_for(name, row.values["post"])
                organisation, _created = Organisation.objects.get_or_create(
                    unit_id=self._home_unit(scope),
                    name=name,
                    defaults={"kind": kind, "department": department},
                )
                self.candidates[name].append(organisation)
            result[(name, scope)] = organisation
        return result

    def _officials(self, rows: list[Row], organisations) -> dict[str, Official]:
        ids = {row.values["id_number"] for row in rows}
        officials = {o.id_number: o for o in Official.objects.filter(id_number__in=ids)}
        changed = {}
        for row in rows:
            v = row.values
            organisation = organisations[(v["organisation_name"], v["scope_code"])]
            wanted = {
                "name": v["name"],
                "mobile": v["mobile"] or "",
                "title": v["title"] or "",
                "organisation_id": organisation.pk,
            }
            official = officials.get(v["id_number"])
            if official is None:
                official = Official(id_number=v["id_number"], **wanted)
                officials[v["id_number"]] = official
                changed[v["id_number"]] = official
            elif any(getattr(official, f) != value for f, value in wanted.items()):
                for f, value in wanted.items():
                    setattr(official, f, value)
                changed[v["id_number"]] = official
        creating = [o for o in changed.values() if o.pk is None]
        Official.objects.bulk_create(creating, batch_size=2000)
        Official.objects.bulk_update(
            [o for o in changed.values() if o not in creating and o.pk],
            ["name", "mobile", "title", "organisation_id"],
            batch_size=2000,
        )
        return officials
