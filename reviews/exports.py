"""The office's export of an edition's review (issue 4, item 9): each application's scores per stage and expert,
the stage results with their flags and consensus records, the ranking with the proposed tier, and the experts'
comments, as .xlsx.

It names the experts, so it is for the office only: the caller checks the role. Headings and sheet names are
Chinese, the wording of the office's own documents; labels that come from the models (categories, tiers) are
rendered in the portal's default language. Text cells never become formulas (see ``_append``).
"""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from applications.exports import XLSX_CONTENT_TYPE, safe_name
from awards.enums import Tier
from awards.models import Edition

from .candidates import edition_ranking, scored_edition_stages
from .enums import SheetState
from .models import CandidateProposal, ItemScore, ScoreSheet
from .results import stage_results

__all__ = ["XLSX_CONTENT_TYPE", "build_scores_xlsx", "scores_filename"]

# The stage names of the schemes' texts (Zibo art. 17, Weihai art. 14, Linyi art. 16); also the sheet names.
STAGE_SHEETS = {"material_review": "材料评审", "onsite_review": "现场评审", "oral_defence": "陈述答辩"}
STAGE_COLUMNS = (
    ("申报编号", 16),
    ("申报人", 30),
    ("类别", 8),
    ("专家", 12),
    ("评分表", 24),
    ("总分", 10),
    ("提交时间", 18),
    ("是否离群", 10),
    ("平均分", 10),
    ("去掉最高最低后的平均分", 14),
    ("标准化得分", 12),
    ("分差", 10),
    ("是否需要合议", 12),
    ("合议分数", 10),
    ("合议理由", 40),
)
SUMMARY_LABEL = "（汇总）"
RANKING_SHEET = "排名"
COMMENTS_SHEET = "评语"
COMMENT_COLUMNS = (
    ("申报编号", 16),
    ("申报人", 30),
    ("评审阶段", 12),
    ("专家", 12),
    ("条款", 8),
    ("项目", 24),
    ("优势", 50),
    ("改进机会", 50),
)
OUTSIDE_LABEL = "名额外"
YES, NO = "是", "否"


def scores_filename(edition: Edition) -> str:
    """The download's name; the view sends it RFC 5987-encoded (Chinese characters)."""
    return safe_name(f"{edition.scheme.number_prefix}-{edition.year}-评审得分.xlsx")


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _local(moment):
    # Excel has no time zones: write the wall-clock time in Asia/Shanghai.
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


def _append(sheet, row: list, *, bold: bool = False) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        # openpyxl stores a string starting with "=" as a formula; a comment reading "=HYPERLINK(…)" must stay text.
        if cell.data_type == "f":
            cell.data_type = "s"
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if bold:
            cell.font = Font(bold=True)


def _start(sheet, columns) -> None:
    _append(sheet, [heading for heading, _w in columns], bold=True)
    for index, (_h, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _sheets(edition: Edition) -> list[ScoreSheet]:
    """Every submitted sheet of the edition's current assignments. One query."""
    return list(
        ScoreSheet.objects.filter(
            assignment__edition_stage__edition=edition,
            assignment__withdrawn_at__isnull=True,
            state=SheetState.SUBMITTED,
        )
        .select_related(
            "template",
            "assignment__expert",
            "assignment__edition_stage",
            "assignment__application__organisation",
            "assignment__application__individual",
        )
        .order_by("assignment__application__number", "assignment__application_id", "assignment__expert__full_name")
    )


def _stage_sheet(workbook, edition_stage, sheets: list[ScoreSheet]) -> None:
    sheet = workbook.create_sheet(STAGE_SHEETS.get(edition_stage.stage.kind, edition_stage.stage.kind)[:31])
    _start(sheet, STAGE_COLUMNS)
    results = stage_results(edition_stage=edition_stage)
    by_application: dict[int, list[ScoreSheet]] = {}
    for score_sheet in sheets:
        by_application.setdefault(score_sheet.assignment.application_id, []).append(score_sheet)
    for application_id, own in by_application.items():
        application = own[0].assignment.application
        result = results[application_id]
        head = [application.number, application.applicant_name, application.get_category_display()]
        for score_sheet in own:
            expert = score_sheet.assignment.expert
            _append(
                sheet,
                [
                    *head,
                    expert.full_name,
                    score_sheet.template.name,
                    score_sheet.total,
                    _local(score_sheet.submitted_at),
                    _yes_no(expert.pk in result.outliers),
                ],
            )
            sheet.cell(sheet.max_row, 7).number_format = "yyyy-mm-dd hh:mm"
        consensus = result.consensus
        _append(
            sheet,
            [
                *head,
                SUMMARY_LABEL,
                None,
                None,
                None,
                None,
                result.mean,
                result.trimmed_mean,
                result.normalised,
                result.spread,
                _yes_no(result.needs_consensus),
                consensus.agreed_score if consensus else None,
                consensus.rationale if consensus else None,
            ],
            bold=True,
        )


def _ranking_sheet(workbook, edition: Edition, stages) -> None:
    sheet = workbook.create_sheet(RANKING_SHEET)
    stage_columns = [(STAGE_SHEETS.get(es.stage.kind, es.stage.kind), 12) for es in stages]
    columns = (
        ("类别", 8),
        ("排名", 6),
        ("申报编号", 16),
        ("申报人", 30),
        *stage_columns,
        ("综合得分", 10),
        ("离群专家人次", 10),
        ("是否经合议", 10),
        ("待合议", 8),
        ("得分不全", 8),
        ("鼓励类型", 24),
        ("拟推荐档次", 12),
        ("调整理由", 40),
    )
    _start(sheet, columns)
    proposals = {p.application_id: p for p in CandidateProposal.objects.filter(edition=edition)}
    for entry in edition_ranking(edition=edition):
        application = entry["application"]
        flags = entry["flags"]
        proposal = proposals.get(application.pk)
        tier = "" if proposal is None else (str(Tier(proposal.tier).label) if proposal.tier else OUTSIDE_LABEL)
        _append(
            sheet,
            [
                application.get_category_display(),
                entry["rank"],
                application.number,
                application.applicant_name,
                *(entry["finals"].get(es.stage.kind) for es in stages),
                entry["score"],
                flags["outliers"],
                _yes_no(flags["consensus"]),
                _yes_no(flags["consensus_pending"]),
                _yes_no(flags["incomplete"]),
                "、".join(entry["encouraged_labels"]),
                tier,
                proposal.change_reason if proposal else "",
            ],
        )


def _comments_sheet(workbook, edition: Edition) -> None:
    sheet = workbook.create_sheet(COMMENTS_SHEET)
    _start(sheet, COMMENT_COLUMNS)
    comments = (
        ItemScore.objects.filter(
            sheet__assignment__edition_stage__edition=edition,
            sheet__assignment__withdrawn_at__isnull=True,
            sheet__state=SheetState.SUBMITTED,
        )
        .exclude(strengths="", opportunities="")
        .select_related(
            "item",
            "sheet__assignment__expert",
            "sheet__assignment__edition_stage__stage",
            "sheet__assignment__application__organisation",
            "sheet__assignment__application__individual",
        )
        .order_by(
            "sheet__assignment__application__number",
            "sheet__assignment__edition_stage__stage__position",
            "sheet__assignment__expert__full_name",
            "item__position",
        )
    )
    for comment in comments:
        assignment = comment.sheet.assignment
        kind = assignment.edition_stage.stage.kind
        _append(
            sheet,
            [
                assignment.application.number,
                assignment.application.applicant_name,
                STAGE_SHEETS.get(kind, kind),
                assignment.expert.full_name,
                comment.item.code,
                comment.item.label,
                comment.strengths,
                comment.opportunities,
            ],
        )


def build_scores_xlsx(*, edition: Edition) -> bytes:
    """The workbook: one sheet per scored stage of the edition (a row per application and expert, then the
    application's result), the ranking with the proposed tier, the experts' comments. Office only: it names the
    experts. A fixed number of queries whatever the number of applications."""
    stages = scored_edition_stages(edition)
    sheets = _sheets(edition)
    workbook = Workbook()
    workbook.remove(workbook.active)
    with override(settings.LANGUAGE_CODE):
        for edition_stage in stages:
            own = [s for s in sheets if s.assignment.edition_stage_id == edition_stage.pk]
            _stage_sheet(workbook, edition_stage, own)
        _ranking_sheet(workbook, edition, stages)
        _comments_sheet(workbook, edition)
    workbook.properties.title = f"{edition.scheme.name} {edition.title} 评审得分"
    workbook.properties.creator = edition.scheme.organiser
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
