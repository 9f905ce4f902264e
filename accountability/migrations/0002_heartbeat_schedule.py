"""The beat schedule's heartbeat task, which the health page uses to tell that beat and a worker run.

Schedules live in django-celery-beat's tables (editable in the admin); this creates the first one.
"""

from django.db import migrations

TASK_NAME = "系统心跳（检测 beat 与 worker）"


def create_heartbeat(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30s, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={"task": "accountability.heartbeat", "interval": every_30s, "enabled": True},
    )


def remove_heartbeat(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_heartbeat, remove_heartbeat)]
