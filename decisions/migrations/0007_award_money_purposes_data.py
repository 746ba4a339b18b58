"""The purposes each rulebook lists for award money, in its words: Weihai 第十九条 (奖励资金主要用于…，不得挪作他用) and
Linyi 第二十一条 (奖金主要用于…，不得挪作他用). The other rulebooks give no award money."""

from django.db import migrations

PURPOSES = {
    "weihai-mayor": (
        "第十九条",
        ["质量持续改进", "质量攻关", "标准制定", "技术攻关", "科技研发", "人员培训", "实验室建设", "经验推广宣传"],
    ),
    "linyi-mayor": (
        "第二十一条",
        ["质量持续改进", "质量攻关", "标准制定", "技术攻关", "科技研发", "人员培训", "实验室建设投入", "经验推广宣传"],
    ),
}


def forwards(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    Purpose = apps.get_model("decisions", "AwardMoneyPurpose")
    for code, (article, texts) in PURPOSES.items():
        for rulebook in Rulebook.objects.filter(scheme__code=code):
            for position, text in enumerate(texts, start=1):
                Purpose.objects.get_or_create(
                    rulebook=rulebook, text=text, defaults={"position": position, "article": article}
                )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0006_award_money_uses"), ("awards", "0007_award_items_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
