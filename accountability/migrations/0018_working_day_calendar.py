"""The working-day calendar (工作日历) and its rows for every year ``chinese-calendar`` knows."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def fill_from_chinese_calendar(apps, schema_editor):
    """One row per day of every complete year the package knows (2004 … 2026 in 1.11.0)."""
    from accountability.policy.calendar import fill_from_package

    fill_from_package(apps.get_model("accountability", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0017_audit_events"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(unique=True, verbose_name="日期")),
                ("working", models.BooleanField(verbose_name="工作日")),
                (
                    "name",
                    models.CharField(
                        blank=True,
                        help_text="如 国庆节、国庆节调休上班",
                        max_length=50,
                        verbose_name="节假日/调休说明",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        default="",
                        help_text="如 chinese-calendar 1.11.0、国务院办公厅通知",
                        max_length=50,
                        verbose_name="来源",
                    ),
                ),
            ],
            options={
                "verbose_name": "工作日历",
                "verbose_name_plural": "工作日历",
                "ordering": ["day"],
            },
        ),
        migrations.CreateModel(
            name="CalendarDayEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("day", models.DateField(verbose_name="日期")),
                ("working", models.BooleanField(verbose_name="工作日")),
                (
                    "name",
                    models.CharField(
                        blank=True,
                        help_text="如 国庆节、国庆节调休上班",
                        max_length=50,
                        verbose_name="节假日/调休说明",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        default="",
                        help_text="如 chinese-calendar 1.11.0、国务院办公厅通知",
                        max_length=50,
                        verbose_name="来源",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="calendarday",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "accountability_calendardayevent" ("day", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source", "working") SELECT new_values."day", new_values."id", new_values."name", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."source", new_values."working" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="98423227286e760fb4293e766437b0c51dad4a5e",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_5ce48",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="accountability_calendarday",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="calendarday",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "accountability_calendardayevent" ("day", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source", "working") SELECT new_values."day", new_values."id", new_values."name", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."source", new_values."working" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="e687b1619f833a49f6a128b0d2a771334f84855f",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_e197d",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="accountability_calendarday",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="calendarday",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "accountability_calendardayevent" ("day", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source", "working") SELECT old_values."day", old_values."id", old_values."name", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."source", old_values."working" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="d9128486f8e3080fbf434a92d1d0247852d8ad46",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_9dfac",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="accountability_calendarday",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddField(
            model_name="calendardayevent",
            name="pgh_context",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="pghistory.context",
            ),
        ),
        migrations.AddField(
            model_name="calendardayevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="accountability.calendarday",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="calendardayevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="2d5fe2bf18724e2f2a3fd003f2bdb93ce6dbaada",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_7b209",
                    table="accountability_calendardayevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(fill_from_chinese_calendar, migrations.RunPython.noop),
    ]
