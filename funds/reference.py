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


# --- the fund-project accountability rules (F-16, Suzhou Art. 37) of the default profile ----------

TARGETS = [
    {"post": "township_head", "at": "evidence_township", "forms": ["hold_accountable"]},
    {"post": "county_leader_in_charge", "at": "evidence_county", "forms": ["hold_accountable"]},
    {"post": "county_head", "at": "evidence_county", "forms": ["hold_accountable"]},
]
ACTION = "追究项目负责人、乡镇长、分管县领导和县长（县政府主要负责人为扶贫项目第一责任人）的责任"

RULES = [
    ("F-16.1", "扶贫项目步骤逾期（工作日）", "fund_steps_overdue"),
    ("F-16.2", "扶贫资金不按期拨付或拨付后信息未按期录入", "fund_disbursement_late"),
    ("F-16.3", "扶贫项目不按期完成", "fund_completion_late"),
    ("F-16.4", "验收后 30 天内未完成报账", "fund_reimbursement_late"),
    ("F-16.5", "扶贫项目公告公示缺失或不完整", "fund_notices_missing"),
]


def rule_presets():
    """F-16.1–F-16.5 as the core's rule presets: contributed in FundsConfig.ready(), so a profile
    installed later from any preset (a county's own version) gets them as well."""
    from accountability.policy.presets import RulePreset

    return tuple(
        RulePreset(
            code,
            label,
            "township",
            ((metric, "1", "count"),),
            tuple(dict(target) for target in TARGETS),
            ACTION,
            "minor",
            ("hold_accountable",),
            "",
        )
        for code, label, metric in RULES
    )


def install_fund_rules(PolicyProfile, EscalationRule, *, every_profile: bool = False) -> int:
    """Add rules F-16.1–F-16.5 to every default profile version (jurisdiction empty) lacking them;
    ``every_profile``: to the counties' own versions too (migration 0006)."""
    added = 0
    profiles = PolicyProfile.objects.all()
    if not every_profile:
        profiles = profiles.filter(jurisdiction=None)
    for profile in profiles:
        for code, label, metric in RULES:
            _rule, created = EscalationRule.objects.get_or_create(
                profile=profile,
                code=code,
                defaults={
                    "label": label,
                    "level": "township",
                    "conditions": [{"metric": metric, "threshold": 1, "measure": "count"}],
                    "targets": TARGETS,
                    "action": ACTION,
                    "severity": "minor",
                    "forms": ["hold_accountable"],
                },
            )
            added += created
    return added
