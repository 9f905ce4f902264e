"""The seed's project categories (C2-01) and the budget lines paid on a roster (F-11)."""

from django.db import migrations


def install(apps, schema_editor):
    from funds.reference import install_reference_data

    install_reference_data(apps.get_model("funds", "ProjectCategory"), apps.get_model("funds", "BudgetLine"))


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
