"""Reference data shipped with the app: the seed's project categories (C2-01) and budget lines,
the roster-paid ones marked (F-11). Used by the data migration and the demo (a flushed test database)."""

CATEGORIES = [
    ("development", "发展资金", ""),
    ("work_relief", "以工代赈", ""),
    ("state_farm", "国有贫困农场", "国有贫困农场扶贫资金"),
    ("state_forest_farm", "国有贫困林场", "国有贫困林场扶贫资金"),
    ("loan_interest", "扶贫贷款贴息", "贷款贴息"),
    ("other", "其它", "其他"),
]

BUDGET_LINES = [
    ("household_subsidy", "直接补助到户", True),
    ("training_work_subsidy", "培训项目务工补助", True),
    ("technician_subsidy", "工程类项目技工补助", True),
    ("materials", "材料费", False),
    ("labour", "人工费", False),
    ("equipment", "设备购置费", False),
    ("construction", "工程建设费", False),
    ("other", "其他费用", False),
]


def install_reference_data(ProjectCategory, BudgetLine):
    for code, name, aliases in CATEGORIES:
        ProjectCategory.objects.get_or_create(code=code, defaults={"name": name, "aliases": aliases})
    for code, name, roster in BUDGET_LINES:
        BudgetLine.objects.get_or_create(code=code, defaults={"name": name, "roster_payment": roster})
