"""Periodic evaluation (Zibo art. 30): rounds of the current holders, self-reports, assessment, and the case a
failure opens."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from revocation.aftercare import services
from revocation.aftercare.enums import EvaluationState
from revocation.aftercare.models import Evaluation
from revocation.enums import CaseSource, CaseState
from revocation.models import RevocationCase
from tests.applications.conftest import pdf_bytes
from tests.decisions import make_edition, unit_winner
from tests.factories import UserFactory
from tests.revocation.conftest import cites

from .conftest import due_in

pytestmark = pytest.mark.django_db

ALL_PASS = {
    "lawful_operation": (True, "依法经营，无违法记录。"),
    "exemplary_role": (True, "组织了两次现场观摩。"),
    "continuous_improvement": (True, "质量指标持续提升。"),
}


def _launch(zibo, office, **kwargs):
    return services.evaluation_round_launch(
        scheme=zibo["edition"].scheme, title="2026年定期评估", report_due=due_in(10), by=office, **kwargs
    )


def _findings(**failed):
    findings = dict(ALL_PASS)
    for criterion, comment in failed.items():
        findings[criterion] = (False, comment)
    return findings


def _past_due(evaluation_round):
    evaluation_round.report_due = timezone.localdate() - timedelta(days=1)
    evaluation_round.save(update_fields=["report_due"])


def test_launch_takes_current_holders_only(zibo, office):
    other_scheme = unit_winner(make_edition("weihai-mayor", 2025), name="威海某公司")
    evaluation_round = _launch(zibo, office)
    holders = set(evaluation_round.evaluations.values_list("application_id", flat=True))
    assert holders == {zibo["unit"].pk, zibo["person"].pk}
    assert other_scheme.pk not in holders
    assert set(evaluation_round.evaluations.values_list("state", flat=True)) == {EvaluationState.AWAITING_REPORT}
    assert AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(evaluation_round.pk)).detail == "2 holders"


def test_launch_across_editions_of_the_scheme(zibo, office):
    older = unit_winner(make_edition("zibo-leading", 2023), name="淄博老牌企业")
    evaluation_round = _launch(zibo, office)
    assert evaluation_round.evaluations.filter(application=older).exists()
    assert evaluation_round.evaluations.count() == 3


def test_launch_scheme_without_holders_refused(db, office):
    make_edition("linyi-mayor", 2025)
    from awards.models import Scheme

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.evaluation_round_launch(
            scheme=Scheme.objects.get(code="linyi-mayor"), title="x", report_due=due_in(5), by=office
        )
    assert caught.value.messages[0].endswith("has no current holder to evaluate.")


def test_launch_due_date_in_past_refused(zibo, office):
    with pytest.raises(ValidationError):
        services.evaluation_round_launch(scheme=zibo["edition"].scheme, title="x", report_due=due_in(-1), by=office)


def test_launch_by_non_office_refused_and_audited(zibo):
    holder = zibo["unit"].owner
    with pytest.raises(PermissionDenied):
        services.evaluation_round_launch(scheme=zibo["edition"].scheme, title="x", report_due=due_in(5), by=holder)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=holder).count() == 1


def test_holder_files_self_report_with_file(zibo, office):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    upload = SimpleUploadedFile("自评.pdf", pdf_bytes(), "application/pdf")
    filed = services.evaluation_report_file(
        evaluation=evaluation, text="三年来坚持依法经营。", uploaded=upload, by=zibo["unit"].owner
    )
    assert filed.state == EvaluationState.REPORTED
    assert filed.report_text == "三年来坚持依法经营。"
    assert filed.report_file_name == "自评.pdf"
    assert filed.report_file_type == "application/pdf"
    assert filed.reported_by == zibo["unit"].owner


def test_colleague_of_the_unit_may_file(zibo, office):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    colleague = UserFactory(roles=[Role.APPLICANT], organisation=zibo["unit"].organisation)
    assert services.evaluation_report_file(evaluation=evaluation, text="自评", by=colleague).reported_by == colleague


def test_other_holder_may_not_file(zibo, office):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    with pytest.raises(PermissionDenied):
        services.evaluation_report_file(evaluation=evaluation, text="冒名", by=zibo["person"].owner)
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.AWAITING_REPORT


def test_assess_all_pass(zibo, office):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    services.evaluation_report_file(evaluation=evaluation, text="自评", by=zibo["unit"].owner)
    assessed = services.evaluation_assess(evaluation=evaluation, findings=ALL_PASS, by=office)
    assert assessed.state == EvaluationState.PASSED
    assert assessed.case is None
    assert sorted(assessed.assessments.values_list("criterion", "passed")) == [
        ("continuous_improvement", True),
        ("exemplary_role", True),
        ("lawful_operation", True),
    ]
    assert not RevocationCase.objects.exists()


@cites("Z30-zibo-art30-failed-evaluation-opens-case-on-the-flagged-ground")
def test_assess_one_failure_opens_case_with_zibo_ground_art_30(zibo, office):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    services.evaluation_report_file(evaluation=evaluation, text="自评", by=zibo["unit"].owner)
    with translation.override("en"):
        assessed = services.evaluation_assess(
            evaluation=evaluation, findings=_findings(exemplary_role="未参加任何交流活动。"), by=office
        )
    assert assessed.state == EvaluationState.FAILED
    case = RevocationCase.objects.get()
    assert assessed.case == case
    assert case.application == zibo["unit"]
    assert case.source == CaseSource.PERIODIC_EVALUATION
    assert case.state == CaseState.OPENED
    assert (
        case.ground.rulebook.scheme.code,
        case.ground.citation,
        case.ground.category,
        case.ground.periodic_evaluation,
    ) == ("zibo-leading", "第三十条", "unit", True)
    assert case.summary == (
        "Failed the periodic evaluation “2026年定期评估” on: Exemplary role.\nExemplary role：未参加任何交流活动。"
    )


def test_assess_failure_of_individual_uses_individual_ground(zibo, office):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["person"])
    services.evaluation_report_file(evaluation=evaluation, text="自评", by=zibo["person"].owner)
    assessed = services.evaluation_assess(
        evaluation=evaluation, findings=_findings(lawful_operation="受到行政处罚。"), by=office
    )
    assert assessed.case.ground.category == "individual"


@cites("Z30-zibo-art30-ground-found-by-flag-not-by-article-number")
def test_failure_finds_the_ground_by_its_flag_not_its_article(zibo, office):
    from revocation.models import RevocationGround

    # The office renumbers the ground (e.g. a revised rulebook): the flag still finds it.
    RevocationGround.objects.filter(rulebook=zibo["edition"].rulebook, category="unit").update(article="第三十一条")
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    services.evaluation_report_file(evaluation=evaluation, text="自评", by=zibo["unit"].owner)
    assessed = services.evaluation_assess(
        evaluation=evaluation, findings=_findings(lawful_operation="受到行政处罚。"), by=office
    )
    assert (assessed.case.ground.article, assessed.case.ground.periodic_evaluation) == ("第三十一条", True)


def test_named_evaluator_assesses_and_failure_opens_case(zibo, office):
    evaluator = UserFactory(roles=[Role.EXPERT])
    evaluation_round = _launch(zibo, office, evaluators=[evaluator])
    evaluation = evaluation_round.evaluations.get(application=zibo["unit"])
    services.evaluation_report_file(evaluation=evaluation, text="自评", by=zibo["unit"].owner)
    assessed = services.evaluation_assess(
        evaluation=evaluation, findings=_findings(continuous_improvement="指标下滑。"), by=evaluator
    )
    assert assessed.assessed_by == evaluator
    assert assessed.case.opened_by == evaluator


def test_evaluator_of_another_round_refused(zibo, office):
    evaluator = UserFactory(roles=[Role.EXPERT])
    _launch(zibo, office, evaluators=[evaluator])
    other = _launch(zibo, office)
    evaluation = other.evaluations.get(application=zibo["unit"])
    with pytest.raises(PermissionDenied):
        services.evaluation_assess(evaluation=evaluation, findings=ALL_PASS, by=evaluator)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=evaluator).count() == 1


def test_assess_before_due_without_report_refused(zibo, office):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.evaluation_assess(evaluation=evaluation, findings=ALL_PASS, by=office)
    assert caught.value.messages == [f"The holder has until {due_in(10)} to file the self-report."]


def test_assess_after_due_without_report_allowed(zibo, office):
    evaluation_round = _launch(zibo, office)
    _past_due(evaluation_round)
    evaluation = evaluation_round.evaluations.get(application=zibo["unit"])
    assessed = services.evaluation_assess(
        evaluation=evaluation, findings=_findings(exemplary_role="逾期未提交自评报告。"), by=office
    )
    assert assessed.state == EvaluationState.FAILED
    assert assessed.case is not None


def test_assess_twice_refused_and_report_frozen(zibo, office):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    services.evaluation_report_file(evaluation=evaluation, text="自评", by=zibo["unit"].owner)
    services.evaluation_assess(evaluation=evaluation, findings=ALL_PASS, by=office)
    with pytest.raises(ValidationError):
        services.evaluation_assess(evaluation=evaluation, findings=_findings(lawful_operation="x"), by=office)
    with pytest.raises(ValidationError):
        services.evaluation_report_file(evaluation=evaluation, text="改", by=zibo["unit"].owner)
    assert Evaluation.objects.get(pk=evaluation.pk).report_text == "自评"


@pytest.mark.parametrize(
    "findings",
    [
        {k: v for k, v in ALL_PASS.items() if k != "exemplary_role"},
        {**ALL_PASS, "lawful_operation": (True, "  ")},
    ],
    ids=["criterion-missing", "comment-empty"],
)
def test_assess_incomplete_refused(zibo, office, findings):
    evaluation = _launch(zibo, office).evaluations.get(application=zibo["unit"])
    services.evaluation_report_file(evaluation=evaluation, text="自评", by=zibo["unit"].owner)
    with pytest.raises(ValidationError):
        services.evaluation_assess(evaluation=evaluation, findings=findings, by=office)
    assert not evaluation.assessments.exists()
