"""The office's .xlsx of an edition's review: scores per stage and expert, results, ranking, comments."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reviews import candidates, exports
from reviews.models import ConsensusRecord, ItemScore, ScoreItem, ScoreSheet
from tests.reviews.test_candidates import Scene

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
STAGE_HEADER = [
    "申报编号",
    "申报人",
    "类别",
    "专家",
    "评分表",
    "总分",
    "提交时间",
    "是否离群",
    "平均分",
    "去掉最高最低后的平均分",
    "标准化得分",
    "分差",
    "是否需要合议",
    "合议分数",
    "合议理由",
]


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def reviewed():
    """Weihai, two stages, two experts: a unit (80 / 90 at the material review, 90 / 90 at the oral defence,
    whose spread of 10 went to a consensus of 84 at the material review) and an individual (70 / 70, 80 / 80)."""
    scene = Scene(kinds=("material_review", "oral_defence"), experts=2)
    scene.experts[0].full_name, scene.experts[1].full_name = "王专家", "赵专家"
    for expert in scene.experts:
        expert.save()
    unit = scene.candidate(tags=["own_ip"])
    person = scene.candidate("individual")
    scene.score(unit, "material_review", 80, 90)
    scene.score(unit, "oral_defence", 90, 90)
    scene.score(person, "material_review", 70, 70)
    scene.score(person, "oral_defence", 80, 80)
    submitted = datetime(2025, 6, 10, 9, 30, tzinfo=SHANGHAI)
    ScoreSheet.objects.update(submitted_at=submitted)
    material = scene.stages["material_review"]
    material.consensus_spread = Decimal("5")
    material.save()
    ConsensusRecord.objects.create(
        edition_stage=material,
        application=unit,
        agreed_score=Decimal("84"),
        rationale='=HYPERLINK("http://x")合议一致',
        recorded_by=scene.office,
    )
    first_item = ScoreItem.objects.get(template=scene.template, code="8.1")
    sheet = ScoreSheet.objects.get(
        assignment__application=unit, assignment__expert=scene.experts[0], assignment__edition_stage=material
    )
    ItemScore.objects.create(
        sheet=sheet, item=first_item, points=Decimal(30), strengths="创新突出", opportunities="=1+1"
    )
    ItemScore.objects.create(sheet=sheet, item=ScoreItem.objects.get(template=scene.template, code="8.2"), points=30)
    candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    scene.unit, scene.person = unit, person
    return scene


def test_scores_xlsx_sheet_names(reviewed):
    workbook = load_workbook(io.BytesIO(exports.build_scores_xlsx(edition=reviewed.edition)))
    assert workbook.sheetnames == ["材料评审", "陈述答辩", "排名", "评语"]


def test_scores_xlsx_stage_sheet_rows_exact(reviewed):
    workbook = load_workbook(io.BytesIO(exports.build_scores_xlsx(edition=reviewed.edition)))
    rows = _rows(workbook["材料评审"])
    unit, person = reviewed.unit, reviewed.person
    name = unit.organisation.name
    at = datetime(2025, 6, 10, 9, 30)
    assert rows[0] == STAGE_HEADER
    assert rows[1:4] == [
        [unit.number, name, "单位", "王专家", "三项评分表（测试）", 80, at, "否", *[None] * 7],
        [unit.number, name, "单位", "赵专家", "三项评分表（测试）", 90, at, "否", *[None] * 7],
        [unit.number, name, "单位", "（汇总）", None, None, None, None, 85, 85, None, 10, "是", 84,
         '=HYPERLINK("http://x")合议一致'],
    ]  # fmt: skip
    assert rows[6] == [
        person.number,
        "个人2",
        "个人",
        "（汇总）",
        None,
        None,
        None,
        None,
        70,
        70,
        None,
        0,
        "否",
        None,
        None,
    ]
    assert len(rows) == 7
    # The rationale stays text: it is not a formula Excel would run.
    assert workbook["材料评审"].cell(4, 15).data_type == "s"


def test_scores_xlsx_ranking_sheet_exact(reviewed):
    # The unit: (84 agreed + 90) / 2 = 87, rank 1, award tier; the individual (70 + 80) / 2 = 75.
    workbook = load_workbook(io.BytesIO(exports.build_scores_xlsx(edition=reviewed.edition)))
    rows = _rows(workbook["排名"])
    assert rows[0] == [
        "类别",
        "排名",
        "申报编号",
        "申报人",
        "材料评审",
        "陈述答辩",
        "综合得分",
        "离群专家人次",
        "是否经合议",
        "待合议",
        "得分不全",
        "鼓励类型",
        "拟推荐档次",
        "调整理由",
    ]
    unit = reviewed.unit
    assert rows[1] == [
        "单位",
        1,
        unit.number,
        unit.organisation.name,
        84,
        90,
        87,
        0,
        "是",
        "否",
        "否",
        "拥有自主知识产权",
        "正式奖",
        None,
    ]
    assert rows[2][:7] == ["个人", 1, reviewed.person.number, "个人2", 70, 80, 75]
    assert len(rows) == 3


def test_scores_xlsx_comments_sheet_exact(reviewed):
    workbook = load_workbook(io.BytesIO(exports.build_scores_xlsx(edition=reviewed.edition)))
    rows = _rows(workbook["评语"])
    assert rows == [
        ["申报编号", "申报人", "评审阶段", "专家", "条款", "项目", "优势", "改进机会"],
        [
            reviewed.unit.number,
            reviewed.unit.organisation.name,
            "材料评审",
            "王专家",
            "8.1",
            "科学性和创新性",
            "创新突出",
            "=1+1",
        ],
    ]
    assert workbook["评语"].cell(2, 8).data_type == "s"


def test_scores_xlsx_query_count_constant(reviewed):
    with CaptureQueriesContext(connection) as few:
        exports.build_scores_xlsx(edition=reviewed.edition)
    for n in range(5):
        application = reviewed.candidate("unit" if n % 2 else "individual")
        reviewed.score(application, "material_review", 60 + n, 62 + n)
        reviewed.score(application, "oral_defence", 70 + n, 70 + n)
    with CaptureQueriesContext(connection) as many:
        exports.build_scores_xlsx(edition=reviewed.edition)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_scores_filename(reviewed):
    assert exports.scores_filename(reviewed.edition) == "WH-2025-评审得分.xlsx"
