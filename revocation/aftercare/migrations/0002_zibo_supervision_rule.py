"""Zibo's supervision group as data: at least one third of its members rotated each edition (art. 12); the group's
report of misconduct takes review staff off the work (art. 21)."""

from django.db import migrations

RULES = {
    "zibo-leading": {
        "rotation_numerator": 1,
        "rotation_denominator": 3,
        "rotation_article": "第十二条",
        "misconduct_article": "第二十一条",
    },
}


def load(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    SupervisionRule = apps.get_model("aftercare", "SupervisionRule")
    for code, values in RULES.items():
        for rulebook in Rulebook.objects.filter(scheme__code=code):
            SupervisionRule.objects.update_or_create(rulebook=rulebook, defaults=values)


def unload(apps, schema_editor):
    SupervisionRule = apps.get_model("aftercare", "SupervisionRule")
    SupervisionRule.objects.filter(rulebook__scheme__code__in=list(RULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("aftercare", "0001_initial"),
        ("awards", "0007_award_items_data"),
    ]

    operations = [migrations.RunPython(load, unload)]
