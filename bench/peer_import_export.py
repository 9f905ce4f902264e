"""The peer: the same households file imported with django-import-export 4.x and its documented
bulk options (use_bulk, batch_size, skip_diff, force_init_instance). Run by import_households.py.

Households first (one row per 户编号, deduplicated from the member rows), then members with a foreign
key to their household by number: the same rows our importer writes from the same file.
"""

from __future__ import annotations

import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import tablib  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from households.models import Household, Member  # noqa: E402

ATTRIBUTE = {"一般贫困户": "ordinary", "低保贫困户": "low_income", "特困供养贫困户": "extreme"}
CAUSE = {
    "因病": "illness",
    "因残": "disability",
    "因学": "schooling",
    "因灾": "disaster",
    "缺土地": "lack_land",
    "缺水": "lack_water",
    "缺技术": "lack_skills",
    "缺劳力": "lack_labour",
    "缺资金": "lack_capital",
    "交通条件落后": "transport",
    "自身发展动力不足": "motivation",
}
STATUS = {"已脱贫": "exited", "未脱贫": "not_exited", "返贫": "returned"}
RELATION = {
    "户主": "head",
    "配偶": "spouse",
    "之子": "son",
    "之女": "daughter",
    "之父": "father",
    "之母": "mother",
    "之孙子": "grandson",
    "之孙女": "granddaughter",
}
SEX = {"男": "male", "女": "female"}


class MappingWidget(widgets.Widget):
    def __init__(self, mapping):
        super().__init__()
        self.mapping = mapping

    def clean(self, value, row=None, **kwargs):
        return self.mapping[value]


class BulkMeta:
    use_bulk = True
    batch_size = 5000
    skip_diff = True
    force_init_instance = True


class HouseholdResource(resources.ModelResource):
    village_id = fields.Field(attribute="village_id", column_name="行政区划代码")
    number = fields.Field(attribute="number", column_name="户编号")
    head_name = fields.Field(attribute="head_name", column_name="姓名")
    attribute = fields.Field(attribute="attribute", column_name="贫困户属性", widget=MappingWidget(ATTRIBUTE))
    main_cause = fields.Field(attribute="main_cause", column_name="主要致贫原因", widget=MappingWidget(CAUSE))
    income = fields.Field(
        attribute="income_per_capita", column_name="人均纯收入", widget=widgets.DecimalWidget()
    )
    identified_year = fields.Field(
        attribute="identified_year", column_name="识别年度", widget=widgets.IntegerWidget()
    )
    status = fields.Field(attribute="status", column_name="户状态", widget=MappingWidget(STATUS))
    exit_year = fields.Field(attribute="exit_year", column_name="脱贫年度", widget=widgets.IntegerWidget())

    class Meta(BulkMeta):
        model = Household
        import_id_fields = ("number",)
        fields = (
            "village_id",
            "number",
            "head_name",
            "attribute",
            "main_cause",
            "income",
            "identified_year",
            "status",
            "exit_year",
        )


class MemberResource(resources.ModelResource):
    household = fields.Field(
        attribute="household",
        column_name="户编号",
        widget=widgets.ForeignKeyWidget(Household, field="number"),
    )
    name = fields.Field(attribute="name", column_name="姓名")
    id_number = fields.Field(attribute="id_number", column_name="证件号码")
    relation = fields.Field(attribute="relation", column_name="与户主关系", widget=MappingWidget(RELATION))
    sex = fields.Field(attribute="sex", column_name="性别", widget=MappingWidget(SEX))

    class Meta(BulkMeta):
        model = Member
        import_id_fields = ("id_number",)
        fields = ("household", "name", "id_number", "relation", "sex")


def load(path: str) -> tablib.Dataset:
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    headers = [str(h) for h in rows[0]]
    data = tablib.Dataset(headers=headers)
    for row in rows[1:]:
        data.append(
            [
                "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                for v in row
            ]
        )
    return data


def main(path: str) -> None:
    started = time.monotonic()
    members = load(path)
    seen, households = set(), tablib.Dataset(headers=members.headers)
    number_index = members.headers.index("户编号")
    for row in members:
        if row[number_index] not in seen:
            seen.add(row[number_index])
            households.append(row)
    for resource, data in ((HouseholdResource(), households), (MemberResource(), members)):
        result = resource.import_data(data, dry_run=False, raise_errors=True)
        assert not result.has_errors() and not result.has_validation_errors()
    print(f"peer_seconds={time.monotonic() - started:.1f} members={Member.objects.count()}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
