"""Findings received from other apps keep their origin's key (once per key); the rule I-7 (petitions
answered to the petitioner's dissatisfaction, Jinan A-9.3) in every existing policy profile version."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


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


def remove_rule(apps, schema_editor):
    apps.get_model("accountability", "EscalationRule").objects.filter(code="I-7").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0002_rules_in_profiles'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='finding',
            name='origin_key',
            field=models.CharField(blank=True, editable=False, help_text='由其他模块交办的问题（成效考核第八条问题）的标识，同一问题只登记一次', max_length=200, null=True, unique=True, verbose_name='来源标识'),
        ),
        migrations.AddField(
            model_name='findingevent',
            name='origin_key',
            field=models.CharField(blank=True, editable=False, help_text='由其他模块交办的问题（成效考核第八条问题）的标识，同一问题只登记一次', max_length=200, null=True, verbose_name='来源标识'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='finding',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inspections_findingevent" ("case_id", "category", "closed_on", "created_at", "created_by_id", "deadline", "deadline_basis", "description", "disclosable", "feedback_on", "found_on", "id", "issuer_id", "measures", "number", "origin_key", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rejections", "reopenings", "round_id", "severity", "source", "status", "transfer_note", "transfer_to", "transferred_on", "unit_id", "verified_by_id") SELECT new_values."case_id", new_values."category", new_values."closed_on", new_values."created_at", new_values."created_by_id", new_values."deadline", new_values."deadline_basis", new_values."description", new_values."disclosable", new_values."feedback_on", new_values."found_on", new_values."id", new_values."issuer_id", new_values."measures", new_values."number", new_values."origin_key", new_values."owner_id", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."rejections", new_values."reopenings", new_values."round_id", new_values."severity", new_values."source", new_values."status", new_values."transfer_note", new_values."transfer_to", new_values."transferred_on", new_values."unit_id", new_values."verified_by_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='4299c5312102653ba626172d4b2f20111856c993', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_6f287', referencing='REFERENCING NEW TABLE AS new_values ', table='inspections_finding', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='finding',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inspections_findingevent" ("case_id", "category", "closed_on", "created_at", "created_by_id", "deadline", "deadline_basis", "description", "disclosable", "feedback_on", "found_on", "id", "issuer_id", "measures", "number", "origin_key", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rejections", "reopenings", "round_id", "severity", "source", "status", "transfer_note", "transfer_to", "transferred_on", "unit_id", "verified_by_id") SELECT new_values."case_id", new_values."category", new_values."closed_on", new_values."created_at", new_values."created_by_id", new_values."deadline", new_values."deadline_basis", new_values."description", new_values."disclosable", new_values."feedback_on", new_values."found_on", new_values."id", new_values."issuer_id", new_values."measures", new_values."number", new_values."origin_key", new_values."owner_id", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."rejections", new_values."reopenings", new_values."round_id", new_values."severity", new_values."source", new_values."status", new_values."transfer_note", new_values."transfer_to", new_values."transferred_on", new_values."unit_id", new_values."verified_by_id" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='5ec82e5f275316707e989a56c8a443e01eeeb23a', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_edce6', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='inspections_finding', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='finding',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inspections_findingevent" ("case_id", "category", "closed_on", "created_at", "created_by_id", "deadline", "deadline_basis", "description", "disclosable", "feedback_on", "found_on", "id", "issuer_id", "measures", "number", "origin_key", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rejections", "reopenings", "round_id", "severity", "source", "status", "transfer_note", "transfer_to", "transferred_on", "unit_id", "verified_by_id") SELECT old_values."case_id", old_values."category", old_values."closed_on", old_values."created_at", old_values."created_by_id", old_values."deadline", old_values."deadline_basis", old_values."description", old_values."disclosable", old_values."feedback_on", old_values."found_on", old_values."id", old_values."issuer_id", old_values."measures", old_values."number", old_values."origin_key", old_values."owner_id", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."rejections", old_values."reopenings", old_values."round_id", old_values."severity", old_values."source", old_values."status", old_values."transfer_note", old_values."transfer_to", old_values."transferred_on", old_values."unit_id", old_values."verified_by_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='9be6bcd09e97c5dc48044c20b5df74fbe75c59b1', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_1c623', referencing='REFERENCING OLD TABLE AS old_values ', table='inspections_finding', when='AFTER')),
        ),
        migrations.RunPython(add_rules, remove_rule),
    ]
