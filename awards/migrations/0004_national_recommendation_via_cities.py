"""How the national benchmark reaches this portal's applicants: through the cities of Shandong.

The national rules give each recommending unit (the provincial industry department) a quota without saying how
many (art. 7, 17). The province's 2021 notice, part 二（一）, fixes how Shandong fills it: each city bureau
recommends at most 1 enterprise, chosen from the provincial quality benchmarks of earlier years. So the
recommendations of this portal's national editions come from the cities, one each, and only earlier provincial
benchmarks are eligible.
"""

from django.db import migrations

ARTICLE = "第七条、第十七条；鲁工信2021年通知二（一）"


def forward(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    EligibilityRule = apps.get_model("awards", "EligibilityRule")
    for rulebook in Rulebook.objects.filter(scheme__code="national-benchmark"):
        rulebook.recommender_level = "city"
        rulebook.recommendation_quota = 1
        rulebook.recommendation_quota_article = ARTICLE
        rulebook.save(update_fields=["recommender_level", "recommendation_quota", "recommendation_quota_article"])
        EligibilityRule.objects.update_or_create(
            rulebook=rulebook,
            category="unit",
            kind="previous_provincial_benchmark",
            defaults={
                "years": None,
                "inclusive": True,
                "article": "鲁工信2021年通知二（一）",
                "text": "各市从往年的全省质量标杆中择优推荐1项申报全国质量标杆",
            },
        )


def backward(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    EligibilityRule = apps.get_model("awards", "EligibilityRule")
    EligibilityRule.objects.filter(
        rulebook__scheme__code="national-benchmark", kind="previous_provincial_benchmark"
    ).delete()
    Rulebook.objects.filter(scheme__code="national-benchmark").update(
        recommender_level="province", recommendation_quota=None, recommendation_quota_article="第七条、第十七条"
    )


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_number_prefix_recommender_level")]
    operations = [migrations.RunPython(forward, backward)]
