"""Stage results from the submitted sheets, with their flags, and the leader's consensus record."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from reviews import results, scoring
from reviews.enums import ConflictDecision, MemberRole, ReviewBodyKind
from reviews.models import ConflictDeclaration, ReviewBody, ReviewBodyMember, ScoreItem, ScoreSheet
from tests.reviews.conftest import make_expert

pytestmark = pytest.mark.django_db


def _scored(scene, totals):
    """One submitted national-benchmark sheet per total, each by a new expert on the same application."""
    from reviews.models import Assignment

    stage = scene["stage"]
    application = scene["assignments"][0].application
    Assignment.objects.filter(edition_stage=stage).delete()
    items = list(ScoreItem.objects.filter(template=scene["template"]).order_by("position"))
    made = []
    for n, total in enumerate(totals):
        expert = make_expert(f"专家{n}")
        assignment = Assignment.objects.create(
            edition_stage=stage, application=application, expert=expert, method="manual", assigned_by=scene["office"]
        )
        ConflictDeclaration.objects.create(assignment=assignment, decision=ConflictDecision.NO_CONFLICT)
        first = min(Decimal(total), Decimal(35))
        second = min(Decimal(total) - first, Decimal(35))
        third = Decimal(total) - first - second
        sheet = scoring.sheet_save(
            assignment=assignment,
            by=expert.user,
            scores={items[0].pk: {"points": first}, items[1].pk: {"points": second}, items[2].pk: {"points": third}},
        )
        scoring.sheet_submit(sheet=sheet, by=expert.user)
        made.append(expert)
    return application, made


def test_stage_result_worked_example(scene):
    # Five totals 70, 80, 85, 90, 99: mean 84.8; trimmed (drop 70 and 99) (80 + 85 + 90) / 3 = 85.0; spread 29.
    application, experts = _scored(scene, [70, 80, 85, 90, 99])
    result = results.stage_results(edition_stage=scene["stage"])[application.pk]
    assert (result.mean, result.trimmed_mean, result.spread) == (Decimal("84.80"), Decimal("85.00"), Decimal("29.00"))
    assert result.needs_consensus is False  # the stage sets no threshold
    assert result.final == Decimal("85.00")


def test_consensus_needed_above_threshold_and_recorded_by_the_leader(scene):
    stage = scene["stage"]
    stage.consensus_spread = Decimal("20")
    stage.save()
    application, experts = _scored(scene, [70, 80, 85, 90, 99])
    result = results.stage_results(edition_stage=stage)[application.pk]
    assert result.needs_consensus is True
    body = ReviewBody.objects.create(edition=stage.edition, kind=ReviewBodyKind.REVIEW_GROUP, name="第一评审组")
    ReviewBodyMember.objects.create(body=body, expert=experts[0], role=MemberRole.LEADER)
    # Not confirmed yet: the leader has no standing.
    with pytest.raises(PermissionDenied):
        results.consensus_record(
            edition_stage=stage, application=application, agreed_score="86", rationale="合议", by=experts[0].user
        )
    ReviewBody.objects.filter(pk=body.pk).update(confirmed_at="2026-11-20T08:00:00Z")
    with pytest.raises(PermissionDenied):
        results.consensus_record(
            edition_stage=stage, application=application, agreed_score="86", rationale="合议", by=experts[1].user
        )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        results.consensus_record(
            edition_stage=stage, application=application, agreed_score="101", rationale="合议", by=experts[0].user
        )
    assert "between 0 and 100" in caught.value.messages[0]
    results.consensus_record(
        edition_stage=stage,
        application=application,
        agreed_score="86",
        rationale="经组内合议，取 86 分。",
        by=experts[0].user,
    )
    assert results.stage_results(edition_stage=stage)[application.pk].final == Decimal("86.00")
    with pytest.raises(ValidationError):
        results.consensus_record(
            edition_stage=stage, application=application, agreed_score="87", rationale="再议", by=experts[0].user
        )


def test_consensus_refused_when_not_needed(scene):
    stage = scene["stage"]
    stage.consensus_spread = Decimal("50")
    stage.save()
    application, experts = _scored(scene, [80, 82, 84])
    body = ReviewBody.objects.create(
        edition=stage.edition, kind=ReviewBodyKind.REVIEW_GROUP, name="组", confirmed_at="2026-11-20T08:00:00Z"
    )
    ReviewBodyMember.objects.create(body=body, expert=experts[0], role=MemberRole.LEADER)
    with pytest.raises(ValidationError):
        results.consensus_record(
            edition_stage=stage, application=application, agreed_score="81", rationale="x", by=experts[0].user
        )


def test_stage_results_two_queries_whatever_the_rows(scene, django_assert_num_queries):
    _scored(scene, [80, 82, 84])
    with django_assert_num_queries(2):
        results.stage_results(edition_stage=scene["stage"])
    assert ScoreSheet.objects.count() == 3
