"""Rule data: what each rulebook requires before submission, and who recommends under it.

Required materials, as the texts list them:
- Zibo 第十五条, Weihai 第十三条, Linyi 第十四条: the scheme's 申报表 (the portal's online form), the 《自我评价报告》
  and 证明材料 (evidence), for units and individuals alike.
- Shandong 2021 notice 一（三）2: the applicants' statistics table (附件3, the online form's data) and the
  application materials written to annex 2 (uploaded as evidence).
- National rules 第十六条: "提交相关材料" (the online form and the materials).

Recommending bodies:
- National rules 第七条, 第十七条: the provincial industry departments and the national industry associations
  recommend, each "按照推荐名额" — a number this text does not give, so it is an office-set value to confirm.
- The Shandong 2021 notice 二（一）（二）: each city bureau proposes at most 1 enterprise from earlier provincial
  benchmarks, and the province's experts choose which the province recommends nationally. This belongs to the
  Shandong notice, not the national rules: migration awards/0004 had set the national rulebook's own quota to 1
  via the cities; that is undone here (the national recommender is the province again, as art. 7 says).
- The Shandong 2021 notice 一（三）3: "省属企业可直接报送" — province-owned enterprises submit straight to the
  province.
"""

from django.db import migrations

ZIBO, WEIHAI, LINYI = "zibo-leading", "weihai-mayor", "linyi-mayor"
SHANDONG, NATIONAL = "shandong-benchmark", "national-benchmark"

# scheme: [(kind, label, article)]
MATERIALS = {
    ZIBO: [
        ("online_form", "《淄博市质量领军企业（人物）申报表》", "第十五条"),
        ("self_evaluation", "《自我评价报告》", "第十五条"),
        ("evidence", "有关证明材料", "第十五条"),
    ],
    WEIHAI: [
        ("online_form", "《威海市市长质量奖认定申报表》", "第十三条"),
        ("self_evaluation", "《自我评价报告》", "第十三条"),
        ("evidence", "有关证明材料", "第十三条"),
    ],
    LINYI: [
        ("online_form", "《临沂市市长质量奖申报表》", "第十四条"),
        ("self_evaluation", "《自我评价报告》", "第十四条"),
        ("evidence", "有关证明材料", "第十四条"),
    ],
    SHANDONG: [
        ("online_form", "申报企业统计表（附件3）", "一（三）2"),
        ("evidence", "企业申报材料（按附件2编写说明编制）", "一（三）2"),
    ],
    NATIONAL: [
        ("online_form", "申报信息", "第十六条"),
        ("evidence", "相关材料", "第十六条"),
    ],
}

NATIONAL_QUOTA_SILENCE = "第十七条：各推荐单位按照推荐名额择优推荐，本办法未给出名额"


def _rulebook(Rulebook, code):
    return Rulebook.objects.filter(scheme__code=code).order_by("-valid_from").first()


def forwards(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    Scheme = apps.get_model("awards", "Scheme")
    District = apps.get_model("accounts", "District")
    OfficeSetValue = apps.get_model("awards", "OfficeSetValue")
    RequiredMaterial = apps.get_model("applications", "RequiredMaterial")
    RecommendingBody = apps.get_model("applications", "RecommendingBody")

    for code, rows in MATERIALS.items():
        rulebook = _rulebook(Rulebook, code)
        if rulebook is None:
            continue
        for position, (kind, label, article) in enumerate(rows, start=1):
            RequiredMaterial.objects.update_or_create(
                rulebook=rulebook,
                category="",
                kind=kind,
                defaults={"label": label, "article": article, "position": position},
            )

    province = District.objects.filter(code="370000").first()
    national = _rulebook(Rulebook, NATIONAL)
    shandong = _rulebook(Rulebook, SHANDONG)
    if national is not None:
        # Undo awards/0004: the one-per-city limit is the Shandong notice's pre-selection, not art. 7/17's quota.
        Rulebook.objects.filter(scheme__code=NATIONAL).update(
            recommender_level="province", recommendation_quota=None, recommendation_quota_article="第七条、第十七条"
        )
        for kind, name in (
            ("province_department", "省级工业和信息化主管部门"),
            ("industry_association", "全国性行业协会"),
        ):
            RecommendingBody.objects.update_or_create(
                rulebook=national,
                kind=kind,
                defaults={
                    "name": name,
                    "district": province if kind == "province_department" else None,
                    "quota": None,
                    "article": "第七条、第十七条",
                },
            )
            OfficeSetValue.objects.get_or_create(
                rulebook=national,
                key=f"recommending_body_quota:{kind}",
                defaults={"label": f"{name}的推荐名额", "value": "", "silence": NATIONAL_QUOTA_SILENCE},
            )
    if shandong is not None:
        RecommendingBody.objects.update_or_create(
            rulebook=shandong,
            kind="direct_submission",
            defaults={
                "name": "省属企业直接报送省工业和信息化厅",
                "district": province,
                "article": "一（三）3",
                "applicant_label": "省属企业",
            },
        )
        RecommendingBody.objects.update_or_create(
            rulebook=shandong,
            kind="city_proposal",
            defaults={
                "name": "各市工业和信息化局从往年的全省质量标杆中择优推荐",
                "district": province,
                "level": "city",
                "towards": Scheme.objects.filter(code=NATIONAL).first(),
                "quota": 1,
                "article": "二（一）",
                "selection_article": "二（二）",
            },
        )


def backwards(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    OfficeSetValue = apps.get_model("awards", "OfficeSetValue")
    OfficeSetValue.objects.filter(key__startswith="recommending_body_quota:").delete()
    Rulebook.objects.filter(scheme__code=NATIONAL).update(
        recommender_level="city",
        recommendation_quota=1,
        recommendation_quota_article="第七条、第十七条；鲁工信2021年通知二（一）",
    )


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_required_materials_recommending_bodies")]

    operations = [migrations.RunPython(forwards, backwards)]
