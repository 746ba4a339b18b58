"""Register the periodic sweeps with django-celery-beat: public notices past their end, and mails of history rows
that never went out. Both are idempotent, so every 10 minutes is only a question of latency."""

from django.db import migrations

TASKS = {
    "Close public notices that have ended": "decisions.close_due_notices",
    "Send mails a stopped worker left unsent": "applications.send_unmailed_transitions",
}


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    for name, task in TASKS.items():
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": schedule, "crontab": None, "enabled": True}
        )


def backward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=TASKS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("decisions", "0002_chain_notice_objections"),
    ]

    operations = [migrations.RunPython(forward, backward)]
