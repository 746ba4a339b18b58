"""What the applicant declares and chooses, in each rulebook's own words (seeds 000-004).

- Art. 3 of the three city schemes defines the unit as set up by law in the city and bearing its own legal
  liability ("独立承担法律责任"): a declaration the unit ticks. The region half of the same article is
  Scheme.region, checked when the application is created.
- The individuals' items (一) and (七) (Zibo art. 9, Weihai and Linyi art. 12): two declarations.
- Shandong 一（二）1-3 and national art. 9 (一)-(三): the clean record, the method maturely applied and the
  commitment to share, each a declaration; 0002 left the clean record out because it names no number of
  years, which a declaration does not need.
- Shandong 一（一）1-3 (focus fields) and national art. 10 (the five scope categories): one choice each, the
  options kept on the rule with the item number as key.
- The national rule about earlier provincial benchmarks (0004) names the Shandong scheme as data.

Every text is copied from the seed; the line breaks of the PDF extraction are joined. Running it twice
changes nothing.
"""

from django.db import migrations

UNIT, INDIVIDUAL = "unit", "individual"
ZIBO, WEIHAI, LINYI, SHANDONG, NATIONAL = (
    "zibo-leading", "weihai-mayor", "linyi-mayor", "shandong-benchmark", "national-benchmark",
)

INTEGRITY_TEXT = "政治坚定，清正廉洁，品行端正，恪守职业道德和社会规范"
CLEAN_RECORD_BENCHMARK = "在诚信、质量、安全、环保等方面无违法行为和不良记录"
SHARING_TEXT = "在不涉及商业机密的情况下，积极参与相关的分享交流活动"

# (scheme, category, kind, article, text, options)
RULES = [
    (ZIBO, UNIT, "independent_liability", "第三条第一款",
     "在淄博市行政区域内依法成立并独立承担法律责任，从事一、二、三产业的法人或其他组织", []),
    (ZIBO, INDIVIDUAL, "integrity", "第九条第（一）项", INTEGRITY_TEXT, []),
    (ZIBO, INDIVIDUAL, "clean_record", "第九条第（七）项", "无其他严重不良记录和违法、违纪行为", []),

    (WEIHAI, UNIT, "independent_liability", "第三条第一款",
     "在威海市行政区域内依法成立并独立承担法律责任，从事一、二、三产业的企事业单位或其他组织", []),
    (WEIHAI, INDIVIDUAL, "integrity", "第十二条第（一）项", INTEGRITY_TEXT, []),
    (WEIHAI, INDIVIDUAL, "clean_record", "第十二条第（七）项", "无不良信用记录和违法、违规、违纪行为", []),

    (LINYI, UNIT, "independent_liability", "第三条第一款",
     "在临沂市行政区域内依法成立并可以独立承担法律责任，从事一、二、三产业的法人或其他组织", []),
    (LINYI, INDIVIDUAL, "integrity", "第十二条第（一）项", INTEGRITY_TEXT, []),
    (LINYI, INDIVIDUAL, "clean_record", "第十二条第（七）项", "无不良记录和违法、违规、违纪行为", []),

    (SHANDONG, UNIT, "clean_record", "一（二）1", CLEAN_RECORD_BENCHMARK, []),
    (SHANDONG, UNIT, "method_applied", "一（二）2",
     "质量标杆所运用的主要管理方法（技术）和经验已在本单位成熟应用，对质量和绩效提升有明显促进作用，"
     "在地区和行业内表现突出", []),
    (SHANDONG, UNIT, "sharing_commitment", "一（二）3", SHARING_TEXT, []),
    (SHANDONG, UNIT, "focus_field", "一（一）", "重点领域", [
        {"key": "一（一）1",
         "text": "企业运用大数据、两化融合、人工智能、互联网、区块链等新技术手段提升产品和服务质量，提高用户满意度和"
                 "企业效益，促进质量管理模式创新的典型经验。"},
        {"key": "一（一）2",
         "text": "关键基础材料、核心基础零部件（元器件）、先进基础工艺、产业技术基础以及工业基础软件等领域企业运用"
                 "先进质量管理理念、方法，促进企业高质量发展的典型经验。"},
        {"key": "一（一）3",
         "text": "创新能力强、在细分市场占有率较高、掌握关键核心技术的“专精特新”中小企业，在质量管理创新和质量提升"
                 "方面的典型经验。"},
    ]),

    (NATIONAL, UNIT, "clean_record", "第九条第（一）项", CLEAN_RECORD_BENCHMARK, []),
    (NATIONAL, UNIT, "method_applied", "第九条第（二）项",
     "质量标杆所运用的主要管理方法（技术）和经验已在本单位成熟应用，对质量、效益和效率提升有明显促进作用，"
     "在地区和行业内表现突出", []),
    (NATIONAL, UNIT, "sharing_commitment", "第九条第（三）项", SHARING_TEXT, []),
    (NATIONAL, UNIT, "focus_field", "第十条", "质量标杆遴选范围", [
        {"key": "第十条第（一）项",
         "text": "企业运用先进质量管理理念、方法、工具，促进质量变革、效率变革和动力变革，提高质量、效益和效率，"
                 "促进企业高质量发展的典型经验。"},
        {"key": "第十条第（二）项",
         "text": "企业运用 5G、大数据、人工智能、区块链、物联网等新一代信息技术提升质量管理效能，提高产品和服务"
                 "质量，提高用户满意度和企业经济效益，促进质量管理模式创新的典型经验。"},
        {"key": "第十条第（三）项",
         "text": "企业发展新业态、新模式，促进产品或服务明显提升，取得良好经营绩效的典型经验。"},
        {"key": "第十条第（四）项",
         "text": "中小企业（符合《中小企业划型标准规定》工信部联企业〔2011〕300号标准）具有专业化、特色化、"
                 "精细化、新颖化特点，并在质量管理创新和质量提升方面具有显著成效的典型经验。"},
        {"key": "第十条第（五）项",
         "text": "为生产活动提供研发设计和检测认证等技术服务、交通运输服务、网络信息服务、节能与环保服务等制造"
                 "服务业企业在提质增效方面的典型经验。"},
    ]),
]


def forward(apps, schema_editor):
    Scheme = apps.get_model("awards", "Scheme")
    Rulebook = apps.get_model("awards", "Rulebook")
    EligibilityRule = apps.get_model("awards", "EligibilityRule")
    for code, category, kind, article, text, options in RULES:
        for rulebook in Rulebook.objects.filter(scheme__code=code):
            EligibilityRule.objects.update_or_create(
                rulebook=rulebook, category=category, kind=kind,
                defaults={"years": None, "inclusive": True, "article": article, "text": text, "options": options},
            )
    provincial = Scheme.objects.filter(code=SHANDONG).first()
    if provincial is not None:
        EligibilityRule.objects.filter(
            rulebook__scheme__code=NATIONAL, kind="previous_provincial_benchmark"
        ).update(source_scheme=provincial)


class Migration(migrations.Migration):
    dependencies = [("awards", "0011_eligibility_declarations_source_scheme")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
