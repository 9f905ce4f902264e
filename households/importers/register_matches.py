"""Import kind ``register_matches``: lists from other registers, compared with the registry (E-11)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from accountability.importing.kinds import (
    Column,
    ImportKind,
    Row,
    choice_labels,
    choice_parser,
    parse_id_number,
    register,
)
from households.crosscheck import run_cross_check
from households.models import RegisterEntry, RegisterType

TYPES = choice_labels(
    RegisterType,
    车辆登记=RegisterType.VEHICLE,
    房产登记=RegisterType.PROPERTY,
    财政供养人员=RegisterType.PAYROLL,
    工商登记=RegisterType.BUSINESS,
)


@register
class RegisterMatchesImport(ImportKind):
    name = "register_matches"
    label = "比对名单（车辆、房产、财政供养、工商）"
    permissions = ("households.add_registerentry", "households.change_registerentry")
    description = "导入后自动与本辖区在册贫困户成员比对；命中的户生成“待核实”的核查结果，不直接认定。"
    columns = (
        Column(
            "名单类型",
            "register_type",
            required=True,
            parse=choice_parser(TYPES, "名单类型"),
            help="车辆、房产、财政供养 或 工商",
        ),
        Column("证件号码", "id_number", required=True, parse=parse_id_number),
        Column("姓名", "name"),
        Column("明细", "detail", help="如 车牌号、房产坐落、工作单位、企业名称"),
    )
    compared_fields = ("name",)

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["register_type"], values["id_number"], values.get("detail") or "")

    def check(self, rows: list[Row]) -> None:
        for row in rows:
            row.values["name"] = row.values.get("name") or ""
            row.values["detail"] = row.values.get("detail") or ""

    def _entries(self, keys: set[Hashable]) -> dict[Hashable, RegisterEntry]:
        """The importer's entries with these keys (one query)."""
        entries = RegisterEntry.objects.filter(
            id_number__in={key[1] for key in keys}, jurisdiction=self.user.jurisdiction
        )
        return {key: e for e in entries if (key := (e.register_type, e.id_number, e.detail)) in keys}

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        return {key: {"name": e.name} for key, e in self._entries(set(keys)).items()}

    def write(self, new: list[Row], changed: list[Row]) -> int:
        RegisterEntry.objects.bulk_create(
            [
                RegisterEntry(
                    jurisdiction_id=self.user.jurisdiction_id,
                    **{f: r.values[f] for f in ("register_type", "id_number", "name", "detail")},
                )
                for r in new
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        current = self._entries({self.key(r.values) for r in changed})
        for row in changed:
            current[self.key(row.values)].name = row.values["name"]
        RegisterEntry.objects.bulk_update(current.values(), ["name"], batch_size=5000)
        run_cross_check(within=self.user.jurisdiction)
        return len(new) + len(changed)
