"""Give the periodic sweeps Chinese names and descriptions: the office reads them in the admin (定时任务).

The tasks are found by their task path, which the code and the earlier migrations use; only the name and the
description change. Going back restores the English names."""

from django.db import migrations

# task path: (Chinese name, description, English name of 0003 / reviews 0007)
NAMES = {
    "reviews.remind_due_assignments": (
        "提醒专家按时提交评分表",
        "每天 8:00（北京时间）提醒评分表即将到期（尚未逾期）的评审专家；每项评审分配只提醒一次。",
        "Remind experts of score sheets due soon",
    ),
    "decisions.close_due_notices": (
        "结束已到期的公示",
        "每 10 分钟检查一次公示期已满的公示：没有待调查异议的名单进入下一审定环节，"
        "名单全部处理完毕后结束公示。重复执行不会重复处理。",
        "Close public notices that have ended",
    ),
    "applications.send_unmailed_transitions": (
        "补发未发出的状态通知邮件",
        "每 10 分钟检查一次：因任务进程停止而未发出的申报状态变更通知邮件，予以补发；已发出的不再重发。",
        "Send mails a stopped worker left unsent",
    ),
}


def forward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task, (name, description, _english) in NAMES.items():
        PeriodicTask.objects.filter(task=task).update(name=name, description=description)


def backward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task, (_name, _description, english) in NAMES.items():
        PeriodicTask.objects.filter(task=task).update(name=english, description="")


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("decisions", "0004_issued_item_once"),
        ("reviews", "0007_reminder_schedule"),
    ]

    operations = [migrations.RunPython(forward, backward)]
