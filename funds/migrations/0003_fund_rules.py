"""The fund-project accountability rules (F-16, Suzhou Art. 37) added to the default policy profile:
one alert per project, rule and year, naming the project's person responsible, the township head,
the county leader in charge and the county government head (first responsible for fund projects,
seed 002 §一(四)). Targets are rule data: a county edits them in its profile."""

from django.db import migrations

def install(apps, schema_editor):
    from funds.reference import install_fund_rules

    install_fund_rules(apps.get_model("accountability", "PolicyProfile"), apps.get_model("accountability", "EscalationRule"))


def remove(apps, schema_editor):
    from funds.reference import RULES

    EscalationRule = apps.get_model("accountability", "EscalationRule")
    EscalationRule.objects.filter(code__in=[code for code, _label, _metric in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_reference_data"), ("accountability", "0018_working_day_calendar")]
    operations = [migrations.RunPython(install, remove)]
