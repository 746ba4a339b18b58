"""Rule data the texts fix, and the values they leave to the office.

- The Shandong notice fixes its application window, 2021-04-12 to 05-15 (一（三）1), and has the city bureaus send
  their recommendations by 05-15 (一（三）3: 于5月15日前).
- Zibo 第十四条, Linyi 第十三条 and Weihai 第八条第（二）项 have the office issue each edition's application notice
  before it opens.
- The Shandong notice gives no notice period (一（三）4: 网上公示) and no validity; the national rules are in force
  "from publication" (第二十六条) with no date and no end. The portal's values for these are marked as set by the
  office (awards.confirmations) and are refused until an office user confirms them.
"""

import datetime

from django.db import migrations

SHANDONG = "shandong-benchmark"
NATIONAL = "national-benchmark"

WINDOWS = {
    SHANDONG: {
        "application_window_from": datetime.date(2021, 4, 12),
        "application_window_until": datetime.date(2021, 5, 15),
        "application_window_article": "一（三）1",
        "submission_deadline": datetime.date(2021, 5, 15),
        "submission_deadline_article": "一（三）3",
    },
}

NOTICE_ARTICLES = {
    "zibo-leading": "第十四条",  # 每届…选树前，市质量强市办印发本届…申报通知
    "linyi-mayor": "第十三条",  # 每届市长质量奖评审前，强市办印发本届市长质量奖申报通知
    "weihai-mayor": "第八条第（二）项",  # 市强市办负责制定、发布市长质量奖认定通知
}

# (scheme, key, label, value, what the text says)
OFFICE_SET = [
    (SHANDONG, "notice_working_days", "公示期（工作日）", "5", "一（三）4 只写“网上公示”，未规定公示期限"),
    (SHANDONG, "valid_from", "施行日期", "2021-01-01", "通知未写施行日期，只部署2021年度活动"),
    (SHANDONG, "valid_until", "有效期截止日期", "2021-12-31", "通知未写有效期，只部署2021年度活动"),
    (NATIONAL, "valid_from", "施行日期", "2022-01-01", "第二十六条：本办法自发布之日起施行，文本未给出发布日期"),
    (NATIONAL, "valid_until", "有效期截止日期", "2022-12-31", "第二十六条只写自发布之日起施行，未规定终止日期"),
]


def _rulebook(Rulebook, code):
    return Rulebook.objects.filter(scheme__code=code).order_by("-valid_from").first()


def forwards(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    OfficeSetValue = apps.get_model("awards", "OfficeSetValue")
    for code, fields in WINDOWS.items():
        Rulebook.objects.filter(scheme__code=code).update(**fields)
    for code, article in NOTICE_ARTICLES.items():
        Rulebook.objects.filter(scheme__code=code).update(application_notice_article=article)
    for code, key, label, value, silence in OFFICE_SET:
        rulebook = _rulebook(Rulebook, code)
        if rulebook is None:
            continue
        OfficeSetValue.objects.get_or_create(
            rulebook=rulebook, key=key, defaults={"label": label, "value": value, "silence": silence}
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0009_rulebook_windows_edition_notice")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
