"""What each rulebook's public notice is called and where it is published, and the award its winners are
recommended on to, in the rulebooks' own words (seeds 000-004):

- Zibo 第十八条: 市质量强市办通过新闻媒体向社会公示拟选树名单; 第二十六条: 积极推荐…申报山东省省长质量奖.
- Weihai 第十五条: 提出市长质量奖认定候选名单并向社会公示 (no channel named); 第二十条: 优先推荐其申报山东省省长质量奖.
- Linyi 第十七条: 强市办通过市内新闻媒体向社会公示拟获奖名单 (no onward award in its text).
- Shandong 一（三）4: 评审结果将于评审工作结束后进行网上公示.
- National 第二十一条: 全国质量标杆推荐名单在工信部网站、中国质量协会网站、全国质量标杆微信公众号等进行公示…对有异议的
  经验进行调查核实并报评审委员会审议.
"""

from django.db import migrations

NOTICES = {
    "zibo-leading": {
        "list_name": "拟选树名单",
        "article": "第十八条",
        "text": "市质量强市办通过新闻媒体向社会公示拟选树名单，公示期为5个工作日。",
        "channels": ["新闻媒体"],
    },
    "weihai-mayor": {
        "list_name": "市长质量奖认定候选名单",
        "article": "第十五条",
        "text": "市强市办根据评审情况，提出市长质量奖认定候选名单并向社会公示，公示期为5个工作日。公示结束后，"
        "提交市质量强市领导小组审议，确定认定名单。",
        "channels": [],
    },
    "linyi-mayor": {
        "list_name": "拟获奖名单",
        "article": "第十七条",
        "text": "强市办通过市内新闻媒体向社会公示拟获奖名单，公示期为5个工作日。",
        "channels": ["市内新闻媒体"],
    },
    "shandong-benchmark": {
        "list_name": "评审结果",
        "article": "一（三）4",
        "text": "评审结果将于评审工作结束后进行网上公示，公示无异议的予以公布。",
        "channels": ["网上"],
    },
    "national-benchmark": {
        "list_name": "全国质量标杆推荐名单",
        "article": "第二十一条",
        "text": "办公室将全国质量标杆推荐名单在工信部网站、中国质量协会网站、全国质量标杆微信公众号等进行公示，"
        "广泛征求社会意见。公示期为 10 个工作日。对有异议的经验进行调查核实并报评审委员会审议。",
        "channels": ["工信部网站", "中国质量协会网站", "全国质量标杆微信公众号"],
        "objections_to_committee": True,
        "objections_article": "第二十一条",
        "committee_body": "评审委员会",
    },
}

ONWARD = {
    "zibo-leading": ("山东省省长质量奖", "第二十六条", "积极推荐选树为质量领军企业（人物）的单位和个人申报山东省省长质量奖。"),
    "weihai-mayor": ("山东省省长质量奖", "第二十条", "对获得市长质量奖认定的单位和个人，优先推荐其申报山东省省长质量奖。"),
}


def forwards(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    NoticeSpec = apps.get_model("decisions", "NoticeSpec")
    NoticeChannel = apps.get_model("decisions", "NoticeChannel")
    OnwardAward = apps.get_model("decisions", "OnwardAward")
    for code, data in NOTICES.items():
        data = dict(data)
        channels = data.pop("channels")
        for rulebook in Rulebook.objects.filter(scheme__code=code):
            spec, _created = NoticeSpec.objects.get_or_create(rulebook=rulebook, defaults=data)
            for position, name in enumerate(channels, start=1):
                NoticeChannel.objects.get_or_create(spec=spec, name=name, defaults={"position": position})
    for code, (award_name, article, text) in ONWARD.items():
        for rulebook in Rulebook.objects.filter(scheme__code=code):
            OnwardAward.objects.get_or_create(
                rulebook=rulebook, defaults={"award_name": award_name, "article": article, "text": text}
            )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0008_notice_specs_channels_deliberations_onward"), ("awards", "0002_schemes")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
