"""Which body removes misbehaving selection or review staff, as each rulebook names it:

- Zibo 第二十一条: 选树监督小组…对在选树过程中滥用职权、玩忽职守、徇私舞弊、造成不良后果的人员，取消其选树工作资格，
  并提请其主管部门或所在工作单位按规定处理 (any 选树工作人员: experts, the agency's and the office's staff);
- Weihai 第二十五条: 市强市办…取消其评审工作资格，并提请其主管部门或所在工作单位按规定处理;
- Linyi 第二十六条: 评审委…取消其评审工作资格，并提请其主管部门或所在工作单位按规定处理.

Reports filed before this migration belong to their group's edition.
"""

from django.db import migrations

RULES = {
    "zibo-leading": ("supervision_group", "选树监督小组", "选树工作人员", "第二十一条"),
    "weihai-mayor": ("office", "市强市办", "评审工作人员", "第二十五条"),
    "linyi-mayor": ("review_committee", "评审委", "评审工作人员", "第二十六条"),
}


def forwards(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    Rule = apps.get_model("aftercare", "StaffRemovalRule")
    Report = apps.get_model("aftercare", "MisconductReport")
    for code, (kind, body, staff, article) in RULES.items():
        for rulebook in Rulebook.objects.filter(scheme__code=code):
            Rule.objects.update_or_create(
                rulebook=rulebook, defaults={"body_kind": kind, "body": body, "staff": staff, "article": article}
            )
    for report in Report.objects.filter(edition__isnull=True, group__isnull=False).select_related("group"):
        report.edition_id = report.group.edition_id
        report.save(update_fields=["edition"])


class Migration(migrations.Migration):
    dependencies = [("aftercare", "0003_staff_removal_rules"), ("awards", "0007_award_items_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
