"""The fund-project accountability rules (F-16, Suzhou Art. 37) added to the default policy profile:
one alert per project, rule and year, naming the project's person responsible, the township head,
the county leader in charge and the county government head (first responsible for fund projects,
seed 002 §一(四)). Targets are rule data: a county edits them in its profile."""

from django.db import migrations

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


def install(apps, schema_editor):
    PolicyProfile = apps.get_model("accountability", "PolicyProfile")
    EscalationRule = apps.get_model("accountability", "EscalationRule")
    for profile in PolicyProfile.objects.filter(jurisdiction=None):
        for code, label, metric in RULES:
            EscalationRule.objects.get_or_create(
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


def remove(apps, schema_editor):
    EscalationRule = apps.get_model("accountability", "EscalationRule")
    EscalationRule.objects.filter(code__in=[code for code, _label, _metric in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_reference_data"), ("accountability", "0018_working_day_calendar")]
    operations = [migrations.RunPython(install, remove)]
