"""The app's escalation rules (I-1 … I-6) in every existing policy profile version; profiles
installed later get them from the preset (accountability.policy.presets.contribute_rule_presets)."""

from django.db import migrations


def add_rules(apps, schema_editor):
    from accountability.policy.presets import rule_fields
    from inspections.presets import RULES

    PolicyProfile = apps.get_model("accountability", "PolicyProfile")
    EscalationRule = apps.get_model("accountability", "EscalationRule")
    for profile in PolicyProfile.objects.all():
        for rule in RULES:
            EscalationRule.objects.get_or_create(
                profile=profile, code=rule.code, defaults={**rule_fields(rule), "finding_sources": []}
            )


def remove_rules(apps, schema_editor):
    from inspections.presets import RULES

    EscalationRule = apps.get_model("accountability", "EscalationRule")
    EscalationRule.objects.filter(code__in=[rule.code for rule in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
