"""Grounds cited in each rulebook's own form, the periodic-evaluation ground marked as data, the procedures and the
holders' duties as the texts give them, and the Zibo revocation procedure marked as set by the office.

- Weihai 第二十七条/第二十八条 and Linyi 第二十八条/第二十九条 number their grounds (一)(二)…: cited "第二十七条第（三）项".
  National 第二十四条 and Zibo 第三十条 state their grounds in one sentence without items: cited by the article.
- Zibo 第三十条: a holder who fails the periodic evaluation is revoked; that ground is flagged, not found by its number.
- Zibo 第十条 gives the revocation proposal (提报撤销建议) to the leading group, the office organises the revocation
  mechanism, and 第二十九条 leaves the procedure to rules made separately (另行制定): the portal's procedure is an
  office-set value (awards.confirmations REVOCATION_PROCEDURE), refused until an office user confirms it.
"""

import importlib

from django.db import migrations

GROUNDS_DATA = importlib.import_module("revocation.migrations.0002_grounds_data")

NUMERALS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
# scheme code → how its grounds are cited: "item" (第X条第（N）项) or "article" (the article alone)
CITATION_FORM = {
    "weihai-mayor": "item",
    "linyi-mayor": "item",
    "national-benchmark": "article",
    "zibo-leading": "article",
}
PERIODIC_EVALUATION = {"zibo-leading": "第三十条"}

# (scheme, key, label, value, what the text says)
OFFICE_SET = [
    (
        "zibo-leading",
        "revocation_procedure",
        "撤销程序",
        "市质量强市工作领导小组提报撤销建议，市质量强市办组织实施撤销",
        "第二十九条：撤销办法另行制定；第十条只规定领导小组提报撤销建议、市质量强市办组织实施撤销机制",
    ),
]


def forwards(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    OfficeSetValue = apps.get_model("awards", "OfficeSetValue")
    Ground = apps.get_model("revocation", "RevocationGround")
    Procedure = apps.get_model("revocation", "RevocationProcedure")
    for ground in Ground.objects.select_related("rulebook__scheme"):
        form = CITATION_FORM.get(ground.rulebook.scheme.code)
        if form is None or ground.citation:
            continue
        ground.citation = f"{ground.article}第（{NUMERALS[ground.number]}）项" if form == "item" else ground.article
        ground.save(update_fields=["citation"])
    for code, article in PERIODIC_EVALUATION.items():
        Ground.objects.filter(rulebook__scheme__code=code, article=article).update(periodic_evaluation=True)
    for code, (proposes, decides, article, duties, duties_article) in GROUNDS_DATA.PROCEDURES.items():
        Procedure.objects.filter(rulebook__scheme__code=code).update(
            proposing_body=proposes,
            deciding_body=decides,
            article=article,
            holder_duties=duties,
            duties_article=duties_article,
        )
    for code, key, label, value, silence in OFFICE_SET:
        for rulebook in Rulebook.objects.filter(scheme__code=code):
            OfficeSetValue.objects.get_or_create(
                rulebook=rulebook, key=key, defaults={"label": label, "value": value, "silence": silence}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("revocation", "0003_ground_citation_money_used"),
        ("awards", "0008_office_set_values"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
