"""Score sheets: drafts as you go, a locked submission, re-opening by the office with a reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from reviews import scoring
from reviews.enums import ConflictDecision, SheetState
from reviews.models import (
    ConflictDeclaration,
    EditionStage,
    ScoreItem,
    ScoreSheet,
    ScoreSheetTemplate,
)

pytestmark = pytest.mark.django_db


def _declare(assignment):
    return ConflictDeclaration.objects.create(assignment=assignment, decision=ConflictDecision.NO_CONFLICT)


def _full_scores(template, points=("30", "30", "25")):
    items = list(ScoreItem.objects.filter(template=template).order_by("position"))
    return {item.pk: {"points": p} for item, p in zip(items, points, strict=True)}


def test_expert_must_declare_before_scoring(scene):
    assignment = scene["assignments"][0]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores={})
    assert "Declare that you have no conflict" in caught.value.messages[0]


def test_draft_saves_running_total_then_submit_locks(scene):
    assignment = scene["assignments"][0]
    _declare(assignment)
    user = assignment.expert.user
    items = list(ScoreItem.objects.filter(template=scene["template"]).order_by("position"))
    sheet = scoring.sheet_save(assignment=assignment, by=user, scores={items[0].pk: {"points": "30.5"}})
    assert (sheet.state, sheet.total) == (SheetState.DRAFT, Decimal("30.50"))
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        scoring.sheet_submit(sheet=sheet, by=user)
    assert caught.value.messages == ["Score every item: 8.2、8.3."]
    sheet = scoring.sheet_save(assignment=assignment, by=user, scores=_full_scores(scene["template"]))
    assert sheet.total == Decimal("85.00")
    scoring.sheet_submit(sheet=sheet, by=user)
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    with pytest.raises(ValidationError):
        scoring.sheet_save(assignment=assignment, by=user, scores=_full_scores(scene["template"], ("1", "1", "1")))
    assert ScoreSheet.objects.get(pk=sheet.pk).total == Decimal("85.00")


@pytest.mark.parametrize(
    ("points", "fragment"),
    [
        pytest.param("36", "outside 0 to 35", id="above-item-points"),
        pytest.param("-1", "outside 0 to 35", id="negative"),
        pytest.param("abc", "is not a number", id="not-a-number"),
        pytest.param("NaN", "is not a number", id="nan"),
    ],
)
def test_bad_points_refused_and_nothing_saved(scene, points, fragment):
    assignment = scene["assignments"][0]
    _declare(assignment)
    item = ScoreItem.objects.filter(template=scene["template"]).order_by("position").first()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores={item.pk: {"points": points}})
    assert fragment in caught.value.messages[0]
    assert not ScoreSheet.objects.exists()


def test_gbt19580_bands_enforced(scene):
    assignment = scene["assignments"][0]
    _declare(assignment)
    gbt = ScoreSheetTemplate.objects.get(code="gbt19580-2012-unit")
    EditionStage.objects.filter(pk=scene["stage"].pk).update(score_sheet=gbt)
    assignment.refresh_from_db()
    item = ScoreItem.objects.get(template=gbt, code="4.1.1")  # 50 points
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores={item.pk: {"points": "4"}})
    assert "8.0% of the item, outside the bands" in caught.value.messages[0]
    sheet = scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores={item.pk: {"points": "12.5"}})
    assert sheet.total == Decimal("12.50")  # 25 %: inside the 10–25 % band


def test_gbt19580_submission_needs_strengths_and_opportunities(scene):
    assignment = scene["assignments"][0]
    _declare(assignment)
    gbt = ScoreSheetTemplate.objects.get(code="gbt19580-2012-unit")
    EditionStage.objects.filter(pk=scene["stage"].pk).update(score_sheet=gbt)
    assignment.refresh_from_db()
    leaves = ScoreItem.objects.filter(template=gbt, parent__isnull=False)
    scores = {item.pk: {"points": str(item.points / 2)} for item in leaves}  # 50 %: a band
    sheet = scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores=scores)
    assert sheet.total == Decimal("500.00")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        scoring.sheet_submit(sheet=sheet, by=assignment.expert.user)
    assert caught.value.messages == [
        "Write the strengths and the opportunities for improvement of: 4.1、4.2、4.3、4.4、4.5、4.6、4.7."
    ]


def test_other_experts_scores_hidden_until_own_submission(scene):
    first, second = scene["assignments"]
    for assignment in (first, second):
        _declare(assignment)
        scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores=_full_scores(scene["template"]))
    scoring.sheet_submit(sheet=ScoreSheet.objects.get(assignment=second), by=second.expert.user)
    assert list(scoring.sheets_visible_to_expert(user=first.expert.user, assignment=first)) == []
    scoring.sheet_submit(sheet=ScoreSheet.objects.get(assignment=first), by=first.expert.user)
    visible = list(scoring.sheets_visible_to_expert(user=first.expert.user, assignment=first))
    assert [s.assignment_id for s in visible] == [second.pk]


def test_reopen_needs_the_office_and_a_reason(scene):
    assignment = scene["assignments"][0]
    _declare(assignment)
    sheet = scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores=_full_scores(scene["template"]))
    scoring.sheet_submit(sheet=sheet, by=assignment.expert.user)
    with pytest.raises(PermissionDenied):
        scoring.sheet_reopen(sheet=sheet, by=assignment.expert.user, reason="我想改分")
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=assignment.expert.user).count() == 1
    with pytest.raises(ValidationError):
        scoring.sheet_reopen(sheet=sheet, by=scene["office"], reason=" ")
    scoring.sheet_reopen(sheet=sheet, by=scene["office"], reason="评分项 8.2 录入错误")
    sheet.refresh_from_db()
    assert (sheet.state, sheet.reopened_reason) == (SheetState.DRAFT, "评分项 8.2 录入错误")


def test_only_the_assigned_expert_scores(scene):
    first, second = scene["assignments"]
    _declare(first)
    with pytest.raises(PermissionDenied):
        scoring.sheet_save(assignment=first, by=second.expert.user, scores={})
    with pytest.raises(PermissionDenied):
        scoring.sheet_save(assignment=first, by=scene["office"], scores={})


def test_sheet_state_is_protected(scene):
    assignment = scene["assignments"][0]
    _declare(assignment)
    sheet = scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores={})
    with pytest.raises(AttributeError):
        sheet.state = SheetState.SUBMITTED


def test_late_submission_goes_on_the_credit_record(scene):
    from reviews.enums import CreditRecordKind
    from reviews.models import ExpertCreditRecord

    assignment = scene["assignments"][0]
    _declare(assignment)
    sheet = scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores=_full_scores(scene["template"]))
    EditionStage.objects.filter(pk=scene["stage"].pk).update(sheets_due=timezone.localdate() - timedelta(days=1))
    assignment.refresh_from_db()
    sheet.refresh_from_db()
    scoring.sheet_submit(sheet=sheet, by=assignment.expert.user)
    record = ExpertCreditRecord.objects.get(expert=assignment.expert)
    assert record.kind == CreditRecordKind.LATE_SHEET
    assert record.note.startswith(f"#{sheet.pk} ")


def test_on_time_submission_leaves_the_credit_record_clean(scene):
    from reviews.models import ExpertCreditRecord

    assignment = scene["assignments"][0]
    _declare(assignment)
    sheet = scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores=_full_scores(scene["template"]))
    scoring.sheet_submit(sheet=sheet, by=assignment.expert.user)
    assert not ExpertCreditRecord.objects.exists()
