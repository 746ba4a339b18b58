"""The five award schemes, their rulebooks, quotas, eligibility rules and stage pipelines, as data.

Every value is frozen here as a literal taken from the source texts in the project's seeds
(000 Zibo, 001 Weihai, 002 Linyi, 003 Shandong 2021 notice, 004 national benchmark 2022); the article
that states it is kept beside it. Running the forward step twice changes nothing: every row is
found by its natural key and updated in place. No editions are created here.

Notes that apply throughout:
- "N年以上" / "N年（含）以上" both include N (Civil Code art. 1259: 以上、以下、以内 include the number
  itself), so every years rule is inclusive; Weihai merely says so explicitly.
- Articles are cited in the Chinese form of each text: 第十条第（一）项 for numbered items, 第二条第二款 for
  paragraphs. The Shandong notice has no articles; it is cited by its own headings, e.g. 一（三）4.
- No text gives stage weights, so every weight is left empty.
"""

import datetime

from django.db import migrations

# Eligibility kinds, stage kinds and the other choices are spelled as their stored values, so that this
# migration keeps working whatever later happens to awards.enums.

UNIT, INDIVIDUAL = "unit", "individual"

SCHEMES = [
    # ---------------------------------------------------------------------------------------------------
    {
        "code": "zibo-leading",
        "name": "淄博市质量领军企业（人物）",
        "short_name": "淄博质量领军",
        "level": "city",
        "region": "370300",
        "organiser": "淄博市质量强市工作领导小组",
        "office": "淄博市质量强市工作领导小组办公室（市质量强市办，设在市市场监管局）",
        "edition_cycle": "biennial",  # 第四条: 每两年组织选树一届
        "edition_label": "届",
        "categories": [UNIT, INDIVIDUAL],
        "rulebook": {
            "title": "淄博市质量领军企业（人物）选树办法",
            # The seed carries neither a document number nor the issuing header; art. 19 has the city
            # government approve and publish the list, and the office only drafts the rules (art. 10).
            "document_number": "",
            "issued_by": "淄博市人民政府",
            "valid_from": datetime.date(2021, 10, 1),
            "valid_until": datetime.date(2026, 10, 1),
            "validity_article": "第三十一条",
            "edition_article": "第四条",
            "notice_working_days": 5,
            "notice_article": "第十八条",
            # Districts pre-select (art. 15) but the text sets no number per district.
            "recommendation_quota": None,
            "recommendation_quota_article": "",
            "free_of_charge": True,  # 第二十三条
            "source": "000_5d6c14b9390f7275.txt",
        },
        "quotas": [
            ("total", "award", 8, "第四条"),
            ("unit", "award", 5, "第四条"),
            ("individual", "award", 3, "第四条"),
        ],
        "eligibility": [
            (UNIT, "operating_years", 5, True, "第七条第（一）项", "主体业务正常运行5年以上"),
            (UNIT, "four_new_operating_years", 3, True, "第七条第（一）项",
             "新技术、新产业、新业态和新模式领域（简称“四新”领域）单位正常运行3年以上"),
            (UNIT, "accident_free_years", 3, True, "第七条第（五）项",
             "近3年内无重大质量、安全、环境污染、公共卫生等事故（按照国家有关规定认定）"),
            (UNIT, "violation_free_years", 3, True, "第七条第（六）项",
             "近3年内无其他严重违反法律法规的行为"),
            (INDIVIDUAL, "quality_work_years", 10, True, "第九条第（二）项",
             "在本市从事质量相关工作10年以上"),
            (INDIVIDUAL, "accident_free_years", 3, True, "第九条第（六）项",
             "所属单位近3年内无重大的质量、安全、环境污染、公共卫生等事故"),
        ],
        # (kind, body, article, conditional, note)
        "stages": [
            ("application", "申报单位和个人", "第十五条", False,
             "市质量强市办先印发本届申报通知（第十四条）；申报人填写申报表、编制自我评价报告并提供证明材料"),
            ("district_recommendation", "各区县质量工作议事协调机构", "第十五条", False,
             "初选后在规定时限内将初选结果报市质量强市办"),
            ("public_opinion", "第三方机构（组织相关专家）", "第十六条", False, "舆情调查"),
            ("qualification_check", "第三方机构（组织相关专家）", "第十六条", False, "资格审查"),
            ("material_review", "第三方机构（组织相关专家）", "第十六条", False, "材料评审"),
            ("onsite_review", "第三方机构（组织相关专家）", "第十六条", False, "现场评审"),
            ("oral_defence", "第三方机构（组织相关专家）", "第十六条", False, "陈述答辩"),
            ("supervision_opinions", "选树监督小组", "第十七条", False,
             "市质量强市办根据选树情况和选树监督小组的监督意见提出候选名单"),
            ("candidate_list", "市质量强市办", "第十七条", False, "提出质量领军企业（人物）候选名单"),
            ("leading_group", "市质量强市工作领导小组", "第十七条", False, "审议并确定拟选树名单"),
            ("public_notice", "市质量强市办", "第十八条", False,
             "通过新闻媒体向社会公示拟选树名单，公示期为5个工作日"),
            ("government_approval", "淄博市人民政府", "第十九条", False, "经公示的拟选树名单报市政府审定"),
            ("announcement", "淄博市人民政府", "第十九条", False, "审定后公布"),
        ],
    },
    # ---------------------------------------------------------------------------------------------------
    {
        "code": "weihai-mayor",
        "name": "威海市市长质量奖",
        "short_name": "威海市长质量奖",
        "level": "city",
        "region": "371000",
        "organiser": "威海市质量强市及品牌战略推进工作领导小组",
        "office": "威海市质量强市领导小组办公室（市强市办）",
        "edition_cycle": "annual",  # 第六条: 每年认定1次
        "edition_label": "年度",
        "categories": [UNIT, INDIVIDUAL],
        "rulebook": {
            "title": "威海市市长质量奖认定办法",
            "document_number": "威政发〔2023〕16号",
            "issued_by": "威海市人民政府",
            # 第三十条 also repeals the 2018 rules (威政发〔2018〕18号) from 2024-01-01; their text is not in
            # the seeds, so no rulebook is loaded for them.
            "valid_from": datetime.date(2024, 1, 1),
            "valid_until": datetime.date(2028, 12, 31),
            "validity_article": "第三十条",
            "edition_article": "第六条",
            "notice_working_days": 5,
            "notice_article": "第十五条",
            "recommendation_quota": None,  # districts sign a recommendation (art. 13), no number is set
            "recommendation_quota_article": "",
            "free_of_charge": True,  # 第十八条
            "source": "001_e67bc35a3d71045b.txt",
        },
        "quotas": [
            ("unit", "award", 5, "第六条第一款"),
            ("individual", "award", 3, "第六条第一款"),
        ],
        "eligibility": [
            (UNIT, "operating_years", 5, True, "第十条第（一）项", "单位正常运行5年（含）以上"),
            (UNIT, "four_new_operating_years", 3, True, "第十条第（一）项",
             "新技术、新产业、新业态和新模式领域（“四新”领域）单位正常运行3年（含）以上"),
            (UNIT, "accident_free_years", 3, True, "第十条第（五）项",
             "近3年内未发生重大质量、生产、安全或环境污染、公共卫生等事故"),
            (UNIT, "violation_free_years", 3, True, "第十条第（六）项", "近3年内无其他违反法律、法规行为"),
            (UNIT, "no_repeat_winner", None, True, "第六条第二款",
             "已经获得市长质量奖的单位和个人不得重复申报"),
            # "5年内" includes the fifth year (以内 includes the number, Civil Code art. 1259).
            (UNIT, "revocation_ban_years", 5, True, "第二十九条",
             "被撤销市长质量奖的单位和个人，5年内不得再次申报市长质量奖"),
            (INDIVIDUAL, "quality_work_years", 10, True, "第十二条第（二）项",
             "在本市从事质量相关工作10年（含）以上"),
            (INDIVIDUAL, "accident_free_years", 3, True, "第十二条第（六）项",
             "所在单位近3年内未发生重大质量、生产、安全或环境污染、公共卫生等事故"),
            (INDIVIDUAL, "no_repeat_winner", None, True, "第六条第二款",
             "已经获得市长质量奖的单位和个人不得重复申报"),
            (INDIVIDUAL, "revocation_ban_years", 5, True, "第二十九条",
             "被撤销市长质量奖的单位和个人，5年内不得再次申报市长质量奖"),
        ],
        # Art. 15: the candidate list is published BEFORE the leading group deliberates (unlike Zibo and
        # Linyi).
        "stages": [
            ("application", "申报单位和个人", "第十三条", False,
             "填写认定申报表、编制自我评价报告并提供证明材料"),
            ("district_recommendation", "区市质量议事协调机构", "第十三条", False,
             "审核材料并签署推荐意见后，在规定时限内报市强市办"),
            ("public_opinion", "市强市办组建的评审组", "第十四条", False, "舆情调查"),
            ("qualification_check", "市强市办组建的评审组", "第十四条", False, "资格审查"),
            ("material_review", "市强市办组建的评审组", "第十四条", False,
             "材料审查，依据申报通知和《卓越绩效评价准则》（GB/T 19580）"),
            ("onsite_review", "市强市办组建的评审组", "第十四条", False, "现场评审"),
            ("oral_defence", "市强市办组建的评审组", "第十四条", False, "陈述答辩，形成评审意见"),
            ("candidate_list", "市强市办", "第十五条", False, "根据评审情况提出认定候选名单"),
            ("public_notice", "市强市办", "第十五条", False, "候选名单向社会公示，公示期为5个工作日"),
            ("leading_group", "市质量强市领导小组", "第十五条", False, "公示结束后审议，确定认定名单"),
            ("government_approval", "威海市人民政府", "第十六条", False,
             "经公示通过后的认定名单提交市政府研究同意"),
            ("announcement", "威海市人民政府", "第十六条", False, "市政府发文公布，颁发市长质量奖奖牌和证书"),
        ],
    },
    # ---------------------------------------------------------------------------------------------------
    {
        "code": "linyi-mayor",
        "name": "临沂市市长质量奖",
        "short_name": "临沂市长质量奖",
        "level": "city",
        "region": "371300",
        "organiser": "临沂市质量强市工作领导小组",
        "office": "临沂市质量强市工作领导小组办公室（强市办）",
        "edition_cycle": "biennial",  # 第二条第一款: 每两年1届
        "edition_label": "届",
        "categories": [UNIT, INDIVIDUAL],
        "rulebook": {
            "title": "临沂市市长质量奖管理办法",
            "document_number": "临政发〔2017〕9号",
            "issued_by": "临沂市人民政府",
            "valid_from": datetime.date(2017, 9, 1),
            "valid_until": datetime.date(2022, 8, 31),
            "validity_article": "第三十条",
            "edition_article": "第二条",
            "notice_working_days": 5,
            "notice_article": "第十七条",
            "recommendation_quota": None,  # counties sign a recommendation (art. 14), no number is set
            "recommendation_quota_article": "",
            "free_of_charge": True,  # 第八条、第二十条
            "source": "002_faecf359432098b4.txt",
        },
        "quotas": [
            ("unit", "award", 5, "第二条第二款"),
            ("individual", "award", 3, "第二条第二款"),
            ("unit", "nomination", 5, "第二条第三款"),
            ("individual", "nomination", 5, "第二条第三款"),
        ],
        "eligibility": [
            # Art. 10 has no shorter threshold for four-new fields.
            (UNIT, "operating_years", 5, True, "第十条第（一）项", "主体业务正常运行5年以上"),
            (UNIT, "accident_free_years", 3, True, "第十条第（五）项",
             "近3年内无重大的质量、安全、环境污染、公共卫生等事故（按照国家有关规定认定）"),
            (UNIT, "violation_free_years", 3, True, "第十条第（六）项", "近3年内无其他违反法律法规的行为"),
            (UNIT, "no_repeat_winner", None, True, "第六条",
             "已经获得市长质量奖的单位和个人不得重复申报"),
            (INDIVIDUAL, "quality_work_years", 10, True, "第十二条第（二）项",
             "在本市从事质量相关工作10年以上"),
            (INDIVIDUAL, "accident_free_years", 3, True, "第十二条第（六）项",
             "所属的单位近3年内无重大的质量、安全、环境污染、公共卫生等事故（按照国家有关规定认定）"),
            (INDIVIDUAL, "no_repeat_winner", None, True, "第六条",
             "已经获得市长质量奖的单位和个人不得重复申报"),
        ],
        "stages": [
            ("application", "申报单位和个人", "第十四条", False,
             "强市办先印发本届申报通知（第十三条）；申报人填写申报表、编制自我评价报告并提供证明材料"),
            ("district_recommendation", "县区质量工作议事协调机构（质量强县区工作领导小组办公室）",
             "第十四条", False,
             "签署推荐意见后，在规定时间内报强市办"),
            ("qualification_check",
             "市发改委、市经信委、市人社局、市农业局、市卫计委、市环保局、市质监局、市安监局、市食药监局（强市办组织）",
             "第十五条第一款", False, "资格审查"),
            ("material_review", "第三方机构（组织相关专家）", "第十五条第二款", False, "材料评审"),
            ("onsite_review", "第三方机构（组织相关专家）", "第十五条第二款", False, "现场评审"),
            ("oral_defence", "第三方机构（组织相关专家）", "第十五条第二款", False, "陈述答辩"),
            ("satisfaction_survey", "强市办", "第十六条", False, "社会满意度测评"),
            ("candidate_list", "强市办", "第十六条", False, "提出市长质量奖建议候选名单"),
            ("review_committee", "评审委员会（评审委）", "第十六条", False,
             "评审委全体会议审议，形成建议拟获奖名单"),
            ("leading_group", "质量强市工作领导小组", "第十六条", False, "审定，形成市长质量奖拟获奖名单"),
            ("public_notice", "强市办", "第十七条", False,
             "通过市内新闻媒体向社会公示拟获奖名单，公示期为5个工作日"),
            ("government_approval", "临沂市人民政府", "第十八条", False, "经公示的拟获奖名单报市政府审定"),
            ("announcement", "临沂市人民政府", "第十八条", False, "审定后公布"),
        ],
    },
    # ---------------------------------------------------------------------------------------------------
    {
        "code": "shandong-benchmark",
        "name": "山东省工业企业质量标杆",
        "short_name": "山东质量标杆",
        "level": "province",
        "region": "370000",
        "organiser": "山东省工业和信息化厅",
        "office": "山东省工业和信息化厅科技处（山东省企业技术创新促进会代收材料）",
        # The text is a notice for the 2021 round only; it states no cycle.
        "edition_cycle": "per_notice",
        "edition_label": "年度",
        "categories": [UNIT],
        "rulebook": {
            "title": "关于开展2021年工业企业质量标杆活动的通知",
            "document_number": "",  # not given in the seed
            "issued_by": "山东省工业和信息化厅",
            # The notice has no validity clause. It governs the 2021 round only: applications 2021-04-12 to
            # 05-15, expert review May-June, national submissions by 06-16, exchange events later in the year.
            # The calendar year 2021 covers all of that and nothing of another round.
            "valid_from": datetime.date(2021, 1, 1),
            "valid_until": datetime.date(2021, 12, 31),
            "validity_article": "",
            "edition_article": "",
            # 一（三）4 says only 网上公示, with no period. 5 working days is the period every other
            # sub-national scheme here uses; the office must confirm it before a notice runs under this
            # rulebook.
            "notice_working_days": 5,
            "notice_article": "一（三）4",
            # City bureaus may recommend any number of applicants for the provincial benchmark (一（三）2-3).
            # The limit of 1 per city in 二（一） applies only to the onward recommendation to the national
            # benchmark, which is not this pipeline; it is recorded in the announcement stage's note instead.
            "recommendation_quota": None,
            "recommendation_quota_article": "",
            "free_of_charge": True,  # the notice asks for no fee
            "source": "003_479d8ddb2bc7dee6.txt",
        },
        "quotas": [],
        "eligibility": [
            (UNIT, "independent_legal_person", None, True, "一（二）1", "具有独立法人资格"),
            (UNIT, "profitable_years", 3, True, "一（二）1", "近三年连续保持盈利"),
            # "在诚信、质量、安全、环保等方面无违法行为和不良记录" names no number of years, so it is not a
            # violation_free_years rule. "从往年的全省质量标杆中择优推荐" (二（一）) binds only the national
            # recommendation, not applicants to this provincial round, so there is no
            # previous_provincial_benchmark rule.
        ],
        "stages": [
            ("application", "申报企业", "一（三）2", False,
             "企业自愿申报，按编写说明编制申报材料并填写申报企业统计表（附件3）；申报时间2021年4月12日至5月15日"),
            ("district_recommendation", "各市工业和信息化局", "一（三）3", False,
             "5月15日前报送推荐文件、申报企业统计表和企业申报材料；省属企业可直接报送"),
            ("material_review", "山东省工业和信息化厅（组织专家）", "一（三）4", False,
             "2021年5月至6月组织专家评审"),
            ("onsite_review", "山东省工业和信息化厅", "一（三）4", True, "必要时对部分申报项目进行现场核查"),
            ("public_notice", "山东省工业和信息化厅", "一（三）4", False, "评审结束后进行网上公示"),
            ("organiser_approval", "山东省工业和信息化厅", "一（三）4", False, "公示无异议的予以公布"),
            ("announcement", "山东省工业和信息化厅", "一（三）4", False,
             "公布全省质量标杆并择优推荐全国质量标杆；各市从往年的全省质量标杆中择优推荐1项申报全国质量标杆，"
             "没有可不推荐（二（一））"),
        ],
    },
    # ---------------------------------------------------------------------------------------------------
    {
        "code": "national-benchmark",
        "name": "全国质量标杆",
        "short_name": "全国质量标杆",
        "level": "national",
        "region": None,
        "organiser": "中国质量协会（受工业和信息化部委托）",
        "office": "全国质量标杆工作办公室",
        # 第六条: the office publishes each year's focus fields; 第十二条: 年度遴选评审.
        "edition_cycle": "annual",
        "edition_label": "年度",
        "categories": [UNIT],
        "rulebook": {
            "title": "2022年全国质量标杆遴选及交流实施办法",
            "document_number": "",  # not given in the seed
            "issued_by": "中国质量协会",
            # 第二十六条: in force from publication, a date the seed does not give; the rules are for the 2022
            # round (第一条), so the calendar year 2022 covers that round and no other.
            "valid_from": datetime.date(2022, 1, 1),
            "valid_until": datetime.date(2022, 12, 31),
            "validity_article": "第二十六条",
            "edition_article": "第六条",
            "notice_working_days": 10,
            "notice_article": "第二十一条",
            # Recommending units recommend "按照推荐名额" (art. 17); the number is set each year outside
            # this text.
            "recommendation_quota": None,
            "recommendation_quota_article": "第七条、第十七条",
            "free_of_charge": True,  # 第四条
            "source": "004_2e36835a77d7b810.txt",
        },
        "quotas": [],
        "eligibility": [
            (UNIT, "independent_legal_person", None, True, "第九条第（一）项", "具有独立法人资格"),
            (UNIT, "profitable_years", 3, True, "第九条第（一）项", "近三年连续保持盈利"),
        ],
        "stages": [
            ("application", "申报单位", "第十六条", False, "自愿申报，按照遴选标准和要求提交材料"),
            ("district_recommendation", "推荐单位（省级工业和信息化主管部门、全国性行业协会）",
             "第十七条", False,
             "初步审核后按照推荐名额择优推荐"),
            ("formal_check", "全国质量标杆工作办公室", "第十八条", False, "形式审查并确认申报资格"),
            ("material_review", "评审委员会（专业组）", "第十九条", False,
             "分组资料评审，撰写评语并打分，经专家组合议确定进入答辩环节名单"),
            ("oral_defence", "评审委员会（专业组）", "第二十条", False, "答辩评审，撰写评语并打分"),
            ("onsite_review", "评审委员会（组织专家）", "第二十条", True,
             "必要时，对有疑问的企业组织专家赴现场进行考察评估"),
            ("candidate_list", "评审委员会（专家组合议）", "第二十条", False,
             "经专家组合议后形成全国质量标杆推荐名单"),
            ("ministry_consultation", "全国质量标杆工作办公室", "第二十条", False,
             "推荐名单报工信部科技司征求意见"),
            ("public_notice", "全国质量标杆工作办公室", "第二十一条", False,
             "在工信部网站、中国质量协会网站、全国质量标杆微信公众号等公示10个工作日；"
             "对有异议的经验进行调查核实并报评审委员会审议"),
            ("organiser_approval", "中国质量协会", "第二十二条", False, "遴选结果经中国质量协会批准"),
            ("announcement", "中国质量协会", "第二十二条", False,
             "在工信部网站、中国质量协会网站、全国质量标杆微信公众号及相关媒体发布年度全国质量标杆名单公告"),
        ],
    },
]


def forward(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    Scheme = apps.get_model("awards", "Scheme")
    Rulebook = apps.get_model("awards", "Rulebook")
    Quota = apps.get_model("awards", "Quota")
    EligibilityRule = apps.get_model("awards", "EligibilityRule")
    Stage = apps.get_model("awards", "Stage")

    for data in SCHEMES:
        region = District.objects.get(code=data["region"]) if data["region"] else None
        scheme, _ = Scheme.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "short_name": data["short_name"],
                "level": data["level"],
                "region": region,
                "organiser": data["organiser"],
                "office": data["office"],
                "edition_cycle": data["edition_cycle"],
                "edition_label": data["edition_label"],
                "categories": data["categories"],
            },
        )
        book = dict(data["rulebook"])
        title = book.pop("title")
        rulebook, _ = Rulebook.objects.update_or_create(scheme=scheme, title=title, defaults=book)

        for scope, tier, max_count, article in data["quotas"]:
            Quota.objects.update_or_create(
                rulebook=rulebook, scope=scope, tier=tier,
                defaults={"max_count": max_count, "article": article},
            )

        for category, kind, years, inclusive, article, text in data["eligibility"]:
            EligibilityRule.objects.update_or_create(
                rulebook=rulebook, category=category, kind=kind,
                defaults={"years": years, "inclusive": inclusive, "article": article, "text": text},
            )

        for position, (kind, body, article, conditional, note) in enumerate(data["stages"], start=1):
            Stage.objects.update_or_create(
                rulebook=rulebook, kind=kind,
                defaults={
                    "position": position, "body": body, "article": article, "conditional": conditional,
                    "weight": None, "note": note,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial"), ("accounts", "0003_districts")]
    # Going back leaves the rows: editions and applications may refer to them by then, and reversing
    # 0001 drops the tables anyway.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
