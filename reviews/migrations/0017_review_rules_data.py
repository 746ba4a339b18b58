"""Review rules the texts give, and the national sheet's applicability and comments, as data.

- Linyi 第七条第（四）项: 质量强市工作领导小组 "批准成立市长质量奖评审委员会" — the committee acts only once approved.
- National 第十二条: "从专家库中选择相应领域和行业的专家组成评审委员会" — members are seated by their fields.
- Confidentiality and independence, each in its own words: Zibo 第二十二条, Weihai 第二十四条, Linyi 第二十四条,
  national 第十五条 (the committee keeps the material and the review secret). The Shandong notice has none.
- Removal of misbehaving review staff: Zibo 第二十一条 the supervision group (选树监督小组), Weihai 第二十五条 the
  office (市强市办), Linyi 第二十六条 the review committee (评审委).
- Which rulebooks score on which sheet: GB/T 19580 and the individual sheet for the three city awards (Zibo
  第七条第（三）项 卓越绩效评价, Weihai 第十四条, Linyi 第十一条; the individual sheet names their individual
  articles); the national benchmark sheet for the national measures only.
- National 第十九条 and 第二十条 have the experts "撰写评语并打分": the national sheet requires written comments.
- National 第八条 gives three criteria and no points: the 35/35/30 split is the office's value (awards.confirmations),
  refused until an office user confirms it.
"""

from django.db import migrations

ZIBO, WEIHAI, LINYI, NATIONAL = "zibo-leading", "weihai-mayor", "linyi-mayor", "national-benchmark"

RULES = {
    ZIBO: {
        "undertaking_article": "第二十二条",
        "undertaking_text": (
            "参与选树的相关人员应客观、公正、独立地开展选树工作，依法保守商业或技术秘密，严格按照有关规定、程序"
            "进行选树。任何单位和个人不得干预选树行为和选树结果。"
        ),
        "removal_body_kind": "supervision_group",
        "removal_body": "选树监督小组",
        "removal_article": "第二十一条",
    },
    WEIHAI: {
        "undertaking_article": "第二十四条",
        "undertaking_text": (
            "参与市长质量奖认定的相关人员应客观、公正、独立开展认定工作，依法保守商业和技术秘密，严格按照有关规定、"
            "程序进行认定。任何单位和个人不得干预认定行为和认定结果。"
        ),
        "removal_body_kind": "office",
        "removal_body": "市强市办",
        "removal_article": "第二十五条",
    },
    LINYI: {
        "committee_approved_by": "质量强市工作领导小组",
        "committee_approval_article": "第七条第（四）项",
        "undertaking_article": "第二十四条",
        "undertaking_text": (
            "参与评审的相关人员应客观、公正、独立地开展评审工作，依法保守申报单位和个人的商业或技术秘密，严于律己，"
            "清正廉洁，严格按照有关规定、程序进行评审。任何单位和个人不得干预评审行为和评审结果。"
        ),
        "removal_body_kind": "review_committee",
        "removal_body": "评审委",
        "removal_article": "第二十六条",
    },
    NATIONAL: {
        "field_match_article": "第十二条",
        "undertaking_article": "第十五条",
        "undertaking_text": "评审委员会严格按照相关规则和标准开展评审工作，并对申报材料的内容及评审情况严格保守秘密。",
    },
}

SHEETS = {
    "gbt19580-2012-unit": [ZIBO, WEIHAI, LINYI],
    "individual-quality-person": [ZIBO, WEIHAI, LINYI],
    "national-benchmark-2022": [NATIONAL],
}
COMMENTS_REQUIRED = ["national-benchmark-2022"]
OFFICE_SET = (
    NATIONAL,
    "score_sheet:national-benchmark-2022",
    "全国质量标杆遴选评分表分值（8.1/8.2/8.3）",
    "35/35/30",
    "第八条只列三项遴选标准，未给分值",
)


def _rulebook(Rulebook, code):
    return Rulebook.objects.filter(scheme__code=code).order_by("-valid_from").first()


def forwards(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    ReviewRules = apps.get_model("reviews", "ReviewRules")
    ScoreSheetTemplate = apps.get_model("reviews", "ScoreSheetTemplate")
    OfficeSetValue = apps.get_model("awards", "OfficeSetValue")
    for code, values in RULES.items():
        for rulebook in Rulebook.objects.filter(scheme__code=code):
            ReviewRules.objects.update_or_create(rulebook=rulebook, defaults=values)
    for sheet_code, codes in SHEETS.items():
        template = ScoreSheetTemplate.objects.filter(code=sheet_code).first()
        if template is not None:
            template.rulebooks.add(*Rulebook.objects.filter(scheme__code__in=codes))
    ScoreSheetTemplate.objects.filter(code__in=COMMENTS_REQUIRED).update(requires_comments=True)
    code, key, label, value, silence = OFFICE_SET
    rulebook = _rulebook(Rulebook, code)
    if rulebook is not None:
        OfficeSetValue.objects.get_or_create(
            rulebook=rulebook, key=key, defaults={"label": label, "value": value, "silence": silence}
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0016_review_rules_approval_undertakings_comments")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
