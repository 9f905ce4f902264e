"""The Suzhou escalation rules (E-1 … E-10, and missed quotas) and the Jinan severity → forms table
added to the default policy profile."""

from django.db import migrations


def install(apps, schema_editor):
    from accountability.policy.presets import DEFAULT_PRESET, JINAN_SEVERITY_FORMS, PRESETS, rule_fields

    PolicyProfile = apps.get_model("accountability", "PolicyProfile")
    EscalationRule = apps.get_model("accountability", "EscalationRule")
    for profile in PolicyProfile.objects.filter(jurisdiction=None):
        if not profile.severity_forms:
            profile.severity_forms = {
                severity: {subject: [str(f) for f in forms] for subject, forms in table.items()}
                for severity, table in JINAN_SEVERITY_FORMS.items()
            }
            profile.save(update_fields=["severity_forms"])
        for rule in PRESETS[DEFAULT_PRESET].rules:
            EscalationRule.objects.get_or_create(profile=profile, code=rule.code, defaults=rule_fields(rule))


class Migration(migrations.Migration):
    dependencies = [("accountability", "0007_rule_engine_and_cases")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
