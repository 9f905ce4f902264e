"""The Suzhou preset (seed 000) as the default policy profile everywhere, from 2015."""

import datetime as dt

from django.db import migrations


def install(apps, schema_editor):
    from accountability.policy.presets import DEFAULT_PRESET, PRESETS

    PolicyProfile = apps.get_model("accountability", "PolicyProfile")
    Quota = apps.get_model("accountability", "Quota")
    preset = PRESETS[DEFAULT_PRESET]
    profile, created = PolicyProfile.objects.get_or_create(
        jurisdiction=None,
        effective_from=dt.date(2015, 1, 1),
        defaults={"name": preset.name, "preset": preset.source, "note": "系统预置"},
    )
    if not created:
        return
    Quota.objects.bulk_create(
        [
            Quota(
                profile=profile,
                code=q.code,
                label=q.label,
                posts=list(q.posts),
                measure=q.measure,
                period_months=q.period_months,
                period_anchor_month=q.period_anchor_month,
                required=q.required,
                coverage_scope=q.coverage_scope,
            )
            for q in preset.quotas
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("accountability", "0004_policy_profiles_lighter_history")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
