"""The review stages an application goes through come from its rulebook's pipeline data."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.enums import Role
from applications import services
from applications.enums import ApplicationState
from applications.models import Application, ApplicationTransition
from tests.applications.test_services import submitted
from tests.factories import UserFactory

S = ApplicationState
pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.OFFICE_STAFF])


@pytest.fixture
def recommended(unit_applicant, coordinator, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    services.application_recommend(application=application, by=coordinator, opinion="同意推荐。")
    return Application.objects.get(pk=application.pk)


def test_weihai_review_walks_its_pipeline_to_the_candidate_list(recommended, office):
    services.application_start_review(application=recommended, by=office)
    visited = []
    application = Application.objects.get(pk=recommended.pk)
    while application.state == S.IN_REVIEW:
        visited.append(application.current_stage.kind)
        services.application_pass_stage(application=application, by=office, stage=application.current_stage)
        application = Application.objects.get(pk=recommended.pk)
    # Weihai art. 14: public-opinion check, qualification check, material review, on-site review, oral defence.
    assert visited == ["public_opinion", "qualification_check", "material_review", "onsite_review", "oral_defence"]
    assert (application.state, application.current_stage.kind) == (S.CANDIDATE, "candidate_list")


def test_stage_passed_twice_is_refused(recommended, office):
    services.application_start_review(application=recommended, by=office)
    application = Application.objects.get(pk=recommended.pk)
    stage = application.current_stage
    services.application_pass_stage(application=application, by=office, stage=stage)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_pass_stage(application=application, by=office, stage=stage)
    assert "not at the stage" in caught.value.messages[0]


def test_only_a_conditional_stage_may_be_skipped(recommended, office):
    services.application_start_review(application=recommended, by=office)
    application = Application.objects.get(pk=recommended.pk)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_pass_stage(
            application=application, by=office, stage=application.current_stage, skipped=True
        )
    assert "cannot be skipped" in caught.value.messages[0]


def test_failed_gate_disqualifies_with_the_reason_the_applicant_reads(recommended, office):
    services.application_start_review(application=recommended, by=office)
    application = Application.objects.get(pk=recommended.pk)
    with pytest.raises(ValidationError):
        services.application_fail_stage(application=application, by=office, stage=application.current_stage, reason="")
    services.application_fail_stage(
        application=application, by=office, stage=application.current_stage, reason="舆情调查发现重大质量投诉。"
    )
    application.refresh_from_db()
    assert application.state == S.DISQUALIFIED
    last = ApplicationTransition.objects.filter(application=application).last()
    assert (last.from_state, last.to_state) == (S.IN_REVIEW, S.DISQUALIFIED)
    assert last.comment.endswith("舆情调查发现重大质量投诉。")


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.EXPERT, Role.AUDITOR], ids=lambda r: r.value
)
def test_review_stages_refused_to_other_roles(recommended, role):
    with pytest.raises(PermissionDenied):
        services.application_start_review(application=recommended, by=UserFactory(roles=[role]))
    assert Application.objects.get(pk=recommended.pk).state == S.RECOMMENDED


def test_qualification_department_signs_off_only_the_qualification_check(recommended, office):
    department = UserFactory(roles=[Role.QUALIFICATION_DEPARTMENT])
    services.application_start_review(application=recommended, by=office)
    application = Application.objects.get(pk=recommended.pk)
    assert application.current_stage.kind == "public_opinion"
    with pytest.raises(PermissionDenied):
        services.application_pass_stage(application=application, by=department, stage=application.current_stage)
    services.application_pass_stage(application=application, by=office, stage=application.current_stage)
    application.refresh_from_db()
    assert application.current_stage.kind == "qualification_check"
    services.application_pass_stage(application=application, by=department, stage=application.current_stage)
    application.refresh_from_db()
    assert application.current_stage.kind == "material_review"


def test_start_review_only_recommended(unit_applicant, weihai_edition, pdf_upload, office):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    with pytest.raises(ValidationError):
        services.application_start_review(application=application, by=office)
