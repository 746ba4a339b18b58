"""Register the daily reminder sweep (reviews.remind_due_assignments) with django-celery-beat: 08:00 in Shanghai."""

from django.db import migrations

TASK_NAME = "reviews.remind_due_assignments"


def forward(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.update_or_create(
        name="Remind experts of score sheets due soon",
        defaults={"task": TASK_NAME, "crontab": schedule, "enabled": True},
    )


def backward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("reviews", "0006_score_sheets_filled"),
    ]

    operations = [migrations.RunPython(forward, backward)]
