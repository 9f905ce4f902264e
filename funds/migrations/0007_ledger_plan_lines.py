"""Issue 15, what remained: budget lines of each project's implementation plan (F-11), filled for the
projects that already have a ledger so that every posted reimbursement names a line of its plan;
and a statement-level trigger refusing TRUNCATE of the ledger's entries (docs/decisions/0032)."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


NO_TRUNCATE_SQL = """
CREATE OR REPLACE FUNCTION funds_ledgerentry_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '资金分录表不可清空（TRUNCATE）：已过账的分录不可删除，更正请记红字冲销分录'
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funds_ledgerentry_no_truncate
    BEFORE TRUNCATE ON funds_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION funds_ledgerentry_no_truncate();
"""
NO_TRUNCATE_REVERSE_SQL = """
DROP TRIGGER IF EXISTS funds_ledgerentry_no_truncate ON funds_ledgerentry;
DROP FUNCTION IF EXISTS funds_ledgerentry_no_truncate();
"""

#: the line that carries what a migrated plan had not yet spent on a named line
UNASSIGNED = "迁移前未分科目的预算"


def plan_lines_from_the_ledger(apps, schema_editor):
    """Each project with a special account gets the plan lines its posted reimbursements name
    (amount: what was reimbursed on them, net of reversals), plus one line for the rest of its
    subsidy — so no posted reimbursement exceeds its line and the project can still reimburse."""
    from decimal import Decimal

    from django.db.models import Sum

    LedgerAccount = apps.get_model("funds", "LedgerAccount")
    LedgerEntry = apps.get_model("funds", "LedgerEntry")
    BudgetLine = apps.get_model("funds", "BudgetLine")
    PlanBudgetLine = apps.get_model("funds", "PlanBudgetLine")
    categories = {}
    for category in BudgetLine.objects.all():
        categories.setdefault(category.name, category)
        categories.setdefault(category.code, category)
    for account in LedgerAccount.objects.filter(kind="project").select_related("project"):
        project = account.project
        if PlanBudgetLine.objects.filter(project=project).exists():
            continue
        sums = {}
        rows = (
            LedgerEntry.objects.filter(account=account)
            .filter(models.Q(kind="reimbursement") | models.Q(corrects_kind="reimbursement"))
            .exclude(budget_line="")
            .values_list("budget_line", "kind")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for name, kind, total in rows:
            sign = -1 if kind == "correction" else 1
            sums[name] = sums.get(name, Decimal("0.00")) + sign * total
        lines = [(name, total) for name, total in sorted(sums.items()) if total > 0]
        rest = project.subsidy - sum((total for _name, total in lines), Decimal("0.00"))
        if rest > 0:
            lines.append((UNASSIGNED, rest))
        for name, total in lines:
            PlanBudgetLine.objects.create(
                project=project, name=name[:100], category=categories.get(name), amount=total
            )


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0006_projects_county_numbers_and_rectification_rule"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanBudgetLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="预算科目")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=16, verbose_name="预算金额（元）"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="录入时间")),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plan_lines",
                        to="funds.budgetline",
                        verbose_name="科目类别",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="录入人",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plan_budget_lines",
                        to="funds.project",
                        verbose_name="项目",
                    ),
                ),
            ],
            options={
                "verbose_name": "实施方案预算科目",
                "verbose_name_plural": "实施方案预算科目",
                "ordering": ["project_id", "pk"],
            },
        ),
        migrations.CreateModel(
            name="PlanBudgetLineEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("name", models.CharField(max_length=100, verbose_name="预算科目")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=16, verbose_name="预算金额（元）"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="录入时间")),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="funds.budgetline",
                        verbose_name="科目类别",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="录入人",
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="funds.planbudgetline",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="funds.project",
                        verbose_name="项目",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddConstraint(
            model_name="planbudgetline",
            constraint=models.UniqueConstraint(
                fields=("project", "name"), name="planbudgetline_name_once_per_project"
            ),
        ),
        migrations.AddConstraint(
            model_name="planbudgetline",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="planbudgetline_amount_positive"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="planbudgetline",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "funds_planbudgetlineevent" ("amount", "category_id", "created_at", "created_by_id", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "project_id") SELECT new_values."amount", new_values."category_id", new_values."created_at", new_values."created_by_id", new_values."id", new_values."name", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."project_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="fe61ef43b04598c7c1d1d6956558949a5fd86038",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_7cfab",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="funds_planbudgetline",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="planbudgetline",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "funds_planbudgetlineevent" ("amount", "category_id", "created_at", "created_by_id", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "project_id") SELECT new_values."amount", new_values."category_id", new_values."created_at", new_values."created_by_id", new_values."id", new_values."name", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."project_id" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="e54bfba879fd800e476a0e4468d6d6abad0f7c88",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_a0efa",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="funds_planbudgetline",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="planbudgetline",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "funds_planbudgetlineevent" ("amount", "category_id", "created_at", "created_by_id", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "project_id") SELECT old_values."amount", old_values."category_id", old_values."created_at", old_values."created_by_id", old_values."id", old_values."name", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."project_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="79eb5ad2a0999b3e2b67d0bf9c1f77a78e5735a7",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_7e5a1",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="funds_planbudgetline",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="planbudgetlineevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="393587ac27448147f21043e81eddc9137c939ad1",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_1f6a6",
                    table="funds_planbudgetlineevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(plan_lines_from_the_ledger, migrations.RunPython.noop),
        migrations.RunSQL(NO_TRUNCATE_SQL, NO_TRUNCATE_REVERSE_SQL),
    ]
