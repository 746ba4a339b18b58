"""Three score sheets as data: GB/T 19580-2012 for units, a sheet for individuals, the national benchmark sheet.

Every value is frozen here as a literal, so that later edits to the models or enums do not change what this
step loads. Running the forward step twice changes nothing: a sheet is found by its code and an item by
(sheet, clause) and updated in place. None of the three is marked verified:

- GB/T 19580-2012: the split is the widely cited one recorded in DOMAIN.md ("not yet checked against the
  standard's own annex"); the office ticks "verified" once it has compared it with the standard's text.
- Individuals: no seed gives points. The items follow the individual conditions of Zibo art. 9, Weihai art. 12
  and Linyi art. 12; the split is the portal's proposal for the office to confirm.
- National benchmark: art. 8 of the 2022 measures names three criteria but gives no points; the split is the
  portal's proposal. The third criterion is spelled 显效性和发展性 as in the seed's text.
"""

from django.db import migrations

# Stored values of ScoreSheetKind and awards.enums.Category, spelled out so the migration stays frozen.
PERFORMANCE_EXCELLENCE, INDIVIDUAL_KIND, BENCHMARK = "performance_excellence", "individual", "benchmark"
UNIT, INDIVIDUAL = "unit", "individual"

BALDRIGE_BANDS = [[0, 5], [10, 25], [30, 45], [50, 65], [70, 85], [90, 100]]

# Each sheet: its fields, then its items as (clause, label, points, [(clause, label, points), ...]).
SHEETS = [
    {
        "code": "gbt19580-2012-unit",
        "fields": {
            "name": "卓越绩效评价评分表（组织）",
            "kind": PERFORMANCE_EXCELLENCE,
            "category": UNIT,
            "criteria_edition": "GB/T 19580-2012",
            "total_points": 1000,
            "bands": BALDRIGE_BANDS,
            "asks_strengths": True,
            "source": (
                "GB/T 19580-2012《卓越绩效评价准则》：各条款分值为通行引用的分配，尚未与标准原文核对，"
                "请办公室核对后勾选“已核对”。"
            ),
            "verified": False,
        },
        "items": [
            ("4.1", "领导", 110, [
                ("4.1.1", "高层领导的作用", 50),
                ("4.1.2", "组织治理", 30),
                ("4.1.3", "社会责任", 30),
            ]),
            ("4.2", "战略", 90, [
                ("4.2.1", "战略制定", 40),
                ("4.2.2", "战略部署", 50),
            ]),
            ("4.3", "顾客与市场", 90, [
                ("4.3.1", "顾客和市场的了解", 40),
                ("4.3.2", "顾客关系与顾客满意", 50),
            ]),
            ("4.4", "资源", 130, [
                ("4.4.1", "人力资源", 60),
                ("4.4.2", "财务资源", 15),
                ("4.4.3", "信息和知识资源", 20),
                ("4.4.4", "技术资源", 15),
                ("4.4.5", "基础设施", 10),
                ("4.4.6", "相关方关系", 10),
            ]),
            ("4.5", "过程管理", 100, [
                ("4.5.1", "过程的识别与设计", 50),
                ("4.5.2", "过程的实施与改进", 50),
            ]),
            ("4.6", "测量、分析与改进", 80, [
                ("4.6.1", "测量、分析和评价", 40),
                ("4.6.2", "改进与创新", 40),
            ]),
            ("4.7", "结果", 400, [
                ("4.7.1", "产品和服务结果", 80),
                ("4.7.2", "顾客与市场结果", 80),
                ("4.7.3", "财务结果", 80),
                ("4.7.4", "资源结果", 60),
                ("4.7.5", "过程有效性结果", 50),
                ("4.7.6", "领导方面的结果", 50),
            ]),
        ],
    },
    {
        "code": "individual-quality-person",
        "fields": {
            "name": "质量奖个人评分表",
            "kind": INDIVIDUAL_KIND,
            "category": INDIVIDUAL,
            "criteria_edition": "淄博第九条、威海第十二条、临沂第十二条个人条件（门户提议）",
            "total_points": 100,
            "bands": [],  # points are scored directly
            "asks_strengths": True,
            "source": (
                "依据淄博选树办法第九条、威海认定办法第十二条、临沂评审办法第十二条的个人条件；"
                "条目与分值为门户提议，待办公室确认。"
            ),
            "verified": False,
        },
        "items": [
            # 第（二）项: 从事质量相关工作10年以上
            ("1", "从事质量工作的年限与深度", 20, []),
            # 第（一）项: 清正廉洁，品行端正，恪守职业道德和社会规范
            ("2", "廉洁诚信与职业道德", 15, []),
            # 第（四）项: 为质量发展作出突出贡献
            ("3", "对质量发展的突出贡献与工作业绩", 30, []),
            # 第（三）项: 质量意识和创新意识
            ("4", "质量意识与创新", 15, []),
            # 第（五）项: 社会认同度；淄博、威海: 质量技能大赛中获得突出成绩
            ("5", "社会认同与质量技能大赛成绩", 10, []),
            ("6", "示范引领作用", 10, []),
        ],
    },
    {
        "code": "national-benchmark-2022",
        "fields": {
            "name": "全国质量标杆遴选评分表",
            "kind": BENCHMARK,
            "category": UNIT,
            "criteria_edition": "全国质量标杆遴选及交流实施办法（2022）第八条",
            "total_points": 100,
            "bands": [],
            "asks_strengths": False,
            "source": "2022年全国质量标杆遴选及交流实施办法第八条的三项遴选标准；第八条未给分值，35/35/30为门户提议，待办公室确认。",
            "verified": False,
        },
        "items": [
            ("8.1", "科学性和创新性", 35, []),
            ("8.2", "系统性和示范性", 35, []),
            ("8.3", "显效性和发展性", 30, []),
        ],
    },
]


def forward(apps, schema_editor):
    ScoreSheetTemplate = apps.get_model("reviews", "ScoreSheetTemplate")
    ScoreItem = apps.get_model("reviews", "ScoreItem")
    for sheet in SHEETS:
        template, _ = ScoreSheetTemplate.objects.update_or_create(code=sheet["code"], defaults=sheet["fields"])
        position = 0
        for code, label, points, children in sheet["items"]:
            position += 1
            category, _ = ScoreItem.objects.update_or_create(
                template=template,
                code=code,
                defaults={"label": label, "points": points, "position": position, "parent": None},
            )
            for child_code, child_label, child_points in children:
                position += 1
                ScoreItem.objects.update_or_create(
                    template=template,
                    code=child_code,
                    defaults={
                        "label": child_label,
                        "points": child_points,
                        "position": position,
                        "parent": category,
                    },
                )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
