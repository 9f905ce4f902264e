"""Import kind ``register_matches``: lists from other registers, compared with the registry (E-11)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from accountability.importers.officials import parse_id_number
from accountability.importing.kinds import Column, ImportKind, Row, choice_parser, register
from households.crosscheck import run_cross_check
from households.models import RegisterEntry, RegisterType

TYPES = {str(label): value for value, label in RegisterType.choices}
TYPES.update(
    {
        "车辆登记": RegisterType.VEHICLE,
        "房产登记": RegisterType.PROPERTY,
        "财政供养人员": RegisterType.PAYROLL,
        "工商登记": RegisterType.BUSINESS,
    }
)


@register
class RegisterMatchesImport(ImportKind):
    name = "register_matches"
    label = "比对名单（车辆、房产、财政供养、工商）"
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

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        keys = set(keys)
        ids = {key[1] for key in keys}
        return {
            (e.register_type, e.id_number, e.detail): {"name": e.name}
            for e in RegisterEntry.objects.filter(id_number__in=ids, jurisdiction=self.user.jurisdiction)
            if (e.register_type, e.id_number, e.detail) in keys
        }

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
        for row in changed:
            RegisterEntry.objects.filter(
                register_type=row.values["register_type"],
                id_number=row.values["id_number"],
                detail=row.values["detail"],
                jurisdiction_id=self.user.jurisdiction_id,
            ).update(name=row.values["name"])
        run_cross_check(within=self.user.jurisdiction)
        return len(new) + len(changed)
