"""The composition of each scheme's review bodies, as data read by reviews.bodies.

Linyi art. 9: "评审委员会设主任委员 1 人、副主任委员及委员若干人，总人数保持单数" — one chair, several (so at least one,
no upper limit) vice chairs, an odd number in total. National art. 13: "设主任委员 1 人、副主任委员 1~2 人", no rule on
the total; art. 14: each specialty group "设组长 1 人".
Zibo, Weihai and the provincial benchmark have no review committee in their texts (Zibo and Weihai form review
groups, art. 14 of Weihai's rules says nothing of their make-up), so they keep the defaults: one chair, no vice-chair
or odd-size rule, no article. A review group's one leader is the portal's rule (someone records the group's agreed
scores), not a rulebook's.
"""

from django.db import migrations, models

RULES = {
    "linyi-mayor": {
        "committee_size_odd": True,
        "committee_chairs": 1,
        "committee_vice_chairs_min": 1,
        "committee_vice_chairs_max": None,
        "committee_article": "第九条",
        "group_article": "",
    },
    "national-benchmark": {
        "committee_size_odd": False,
        "committee_chairs": 1,
        "committee_vice_chairs_min": 1,
        "committee_vice_chairs_max": 2,
        "committee_article": "第十三条",
        "group_article": "第十四条",
    },
}
DEFAULTS = {
    "committee_size_odd": False,
    "committee_chairs": 1,
    "committee_vice_chairs_min": None,
    "committee_vice_chairs_max": None,
    "committee_article": "",
    "group_article": "",
}


def forward(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    for code, values in RULES.items():
        Rulebook.objects.filter(scheme__code=code).update(**values)


def backward(apps, schema_editor):
    # The columns are dropped right after; reset anyway so a partial rollback leaves no stale rules.
    Rulebook = apps.get_model("awards", "Rulebook")
    Rulebook.objects.filter(scheme__code__in=list(RULES)).update(**DEFAULTS)


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0004_national_recommendation_via_cities'),
    ]

    operations = [
        migrations.AddField(
            model_name='rulebook',
            name='committee_article',
            field=models.CharField(blank=True, max_length=40, verbose_name='article on the review committee'),
        ),
        migrations.AddField(
            model_name='rulebook',
            name='committee_chairs',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='chairs of the review committee'),
        ),
        migrations.AddField(
            model_name='rulebook',
            name='committee_size_odd',
            field=models.BooleanField(default=False, verbose_name='review committee of an odd number of members'),
        ),
        migrations.AddField(
            model_name='rulebook',
            name='committee_vice_chairs_max',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Empty when the rulebook sets no upper limit.', null=True, verbose_name='vice chairs of the review committee, at most'),
        ),
        migrations.AddField(
            model_name='rulebook',
            name='committee_vice_chairs_min',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Empty when the rulebook sets no lower limit.', null=True, verbose_name='vice chairs of the review committee, at least'),
        ),
        migrations.AddField(
            model_name='rulebook',
            name='group_article',
            field=models.CharField(blank=True, help_text='The article that gives each group one leader.', max_length=40, verbose_name='article on review and specialty groups'),
        ),
        migrations.RunPython(forward, backward),
    ]
