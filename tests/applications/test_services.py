from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from applications import services
from applications.enums import ApplicationState, FileKind, RecommendationDecision
from applications.models import (
    Application,
    ApplicationFile,
    ApplicationTransition,
    Recommendation,
    RecommendingBody,
    RequiredMaterial,
)
from awards.models import Edition, EligibilityRule, OfficeSetValue, Rulebook
from tests.applications.conftest import FILLED_FORM, make_coordinator, make_edition, make_unit_applicant
from tests.concurrency import needs_postgres, run_together
from tests.factories import UserFactory, confirm_office_values

S = ApplicationState
pytestmark = pytest.mark.django_db


def ready_draft(applicant, edition, pdf_upload, *, form=FILLED_FORM, declarations=True):
    application = services.application_create(edition=edition, category="unit", by=applicant)
    services.application_save_draft(
        application=application,
        by=applicant,
        form_data=form,
        profitable_years=3,
        accident_free_declared=declarations,
        violation_free_declared=declarations,
    )
    services.application_file_upload(
        application=application, by=applicant, kind=FileKind.SELF_EVALUATION, uploaded=pdf_upload()
    )
    services.application_file_upload(
        application=application, by=applicant, kind=FileKind.EVIDENCE, uploaded=pdf_upload()
    )
    return application


def submitted(applicant, edition, pdf_upload):
    application = ready_draft(applicant, edition, pdf_upload)
    return services.application_submit(application=application, by=applicant)


def history(application):
    return list(ApplicationTransition.objects.filter(application=application).values_list("from_state", "to_state"))


# --- the lifecycle is declared once and protected -----------------------------------------------------------


def test_state_cannot_be_assigned_by_hand(unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    with pytest.raises(AttributeError):
        application.state = S.AWARDED
    application.refresh_from_db()
    assert application.state == S.DRAFT


def test_history_rows_are_append_only(unit_applicant, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    row = ApplicationTransition.objects.get(application=application)
    row.comment = "changed"
    with pytest.raises(PermissionError):
        row.save()


# --- creating ---------------------------------------------------------------------------------------------


def test_create_draft_sets_recommender_and_key(unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    assert (application.state, application.number, application.recommender.code, application.applicant_key) == (
        S.DRAFT,
        None,
        "371002",
        f"org:{unit_applicant.organisation_id}",
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(application.pk)).count() == 1


def test_create_second_live_application_refused_for_the_same_unit(unit_applicant, weihai_edition):
    services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    colleague = UserFactory(roles=[Role.APPLICANT], organisation=unit_applicant.organisation)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_create(edition=weihai_edition, category="unit", by=colleague)
    assert "You already have an application" in caught.value.messages[0]
    assert Application.objects.count() == 1


def test_create_after_withdrawal_allowed(unit_applicant, weihai_edition):
    first = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    services.application_withdraw(application=first, by=unit_applicant, reason="重新申报")
    second = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    assert second.pk != first.pk
    assert Application.objects.get(pk=first.pk).state == S.WITHDRAWN


@pytest.mark.parametrize(
    ("case", "fragment"),
    [
        pytest.param("closed-window", "is not open now", id="edition-window-passed"),
        pytest.param("draft-edition", "is not open now", id="edition-not-opened"),
        pytest.param("outside-region", "is open to applicants in", id="weihai-art3-city-applicants-only"),
        pytest.param("individual-benchmark", "does not take applications from individuals", id="benchmark-units-only"),
    ],
)
def test_create_refused_with_reason(db, case, fragment):
    today = timezone.localdate()
    applicant = make_unit_applicant()
    edition = make_edition()
    category = "unit"
    if case == "closed-window":
        edition = make_edition(
            year=today.year - 1,
            opens=today - timedelta(days=60),
            closes=today - timedelta(days=1),
            recommend=today + timedelta(days=5),
        )
    elif case == "draft-edition":
        edition = make_edition(year=today.year + 1, status="draft")
    elif case == "outside-region":
        applicant = make_unit_applicant("370303")  # Zibo, Zhangdian
    elif case == "individual-benchmark":
        edition = make_edition(
            "national-benchmark",
            year=2022,
            opens=date(2022, 1, 1),
            closes=date(2022, 12, 31),
            recommend=date(2022, 12, 31),
        )
        category = "individual"
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_create(edition=edition, category=category, by=applicant)
    assert any(fragment in message for message in caught.value.messages)


def test_create_by_wrong_role_refused_and_audited(coordinator, weihai_edition):
    with pytest.raises(PermissionDenied):
        services.application_create(edition=weihai_edition, category="unit", by=coordinator)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=coordinator).count() == 1


# --- submitting -------------------------------------------------------------------------------------------


def test_submit_numbers_records_and_mails(
    unit_applicant, coordinator, weihai_edition, pdf_upload, django_capture_on_commit_callbacks
):
    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=unit_applicant)
    application.refresh_from_db()
    assert (application.state, application.number) == (S.SUBMITTED, f"WH-{weihai_edition.year}-0001")
    assert history(application) == [(S.DRAFT, S.SUBMITTED)]
    row = ApplicationTransition.objects.get(application=application)
    assert row.actor == unit_applicant
    assert AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE, object_id=str(application.pk)).get().detail == (
        "draft → submitted"
    )
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([unit_applicant.email, coordinator.email])
    assert application.number in mail.outbox[0].subject


def test_submit_twice_gives_one_submission(unit_applicant, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_submit(application=application, by=unit_applicant)
    assert "already submitted" in caught.value.messages[0]
    assert history(application) == [(S.DRAFT, S.SUBMITTED)]


def test_submit_after_deadline_refused_and_draft_kept(unit_applicant, weihai_edition, pdf_upload):
    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    yesterday = timezone.localdate() - timedelta(days=1)
    type(weihai_edition).objects.filter(pk=weihai_edition.pk).update(application_closes=yesterday)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_submit(application=application, by=unit_applicant)
    assert any(yesterday.isoformat() in message for message in caught.value.messages)
    application.refresh_from_db()
    assert (application.state, application.number, application.form_data) == (S.DRAFT, None, FILLED_FORM)


def test_submit_lists_every_missing_piece(unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_submit(application=application, by=unit_applicant)
    messages = caught.value.messages
    assert any(
        m.startswith("Fill in 《威海市市长质量奖认定申报表》 (第十三条):") and "Overview of the unit" in m
        for m in messages
    )
    assert "Upload 《自我评价报告》 as “Self-evaluation report” (第十三条)." in messages
    assert "Upload 有关证明材料 as “Supporting evidence” (第十三条)." in messages
    assert any("第十条第（五）项" in m for m in messages)  # accident-free declaration not made
    assert Application.objects.get(pk=application.pk).state == S.DRAFT


@pytest.mark.parametrize(
    ("code", "district", "expected"),
    [
        pytest.param(
            "zibo-leading",
            "370302",
            [
                ("online_form", "《淄博市质量领军企业（人物）申报表》", "第十五条"),
                ("self_evaluation", "《自我评价报告》", "第十五条"),
                ("evidence", "有关证明材料", "第十五条"),
            ],
            id="Z15b-zibo-art15-form-self-evaluation-evidence",
        ),
        pytest.param(
            "weihai-mayor",
            "371002",
            [
                ("online_form", "《威海市市长质量奖认定申报表》", "第十三条"),
                ("self_evaluation", "《自我评价报告》", "第十三条"),
                ("evidence", "有关证明材料", "第十三条"),
            ],
            id="W13b-weihai-art13-form-self-evaluation-evidence",
        ),
        pytest.param(
            "linyi-mayor",
            "371302",
            [
                ("online_form", "《临沂市市长质量奖申报表》", "第十四条"),
                ("self_evaluation", "《自我评价报告》", "第十四条"),
                ("evidence", "有关证明材料", "第十四条"),
            ],
            id="L14b-linyi-art14-form-self-evaluation-evidence",
        ),
    ],
)
def test_submit_requires_the_materials_of_the_rulebook(db, pdf_upload, code, district, expected):
    """The materials are rule data per rulebook; a submission lacking any is refused with the article, and
    one with all of them (evidence included) goes through."""
    edition = make_edition(code)
    material_rows = [
        (m.kind, m.label, m.article) for m in RequiredMaterial.objects.filter(rulebook=edition.rulebook, category="")
    ]
    assert material_rows == expected
    applicant = make_unit_applicant(district)
    application = ready_draft(applicant, edition, pdf_upload)
    evidence = application.files.get(kind=FileKind.EVIDENCE)
    services.application_file_remove(file=evidence, by=applicant)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_submit(application=application, by=applicant)
    _kind, label, article = expected[2]
    assert f"Upload {label} as “Supporting evidence” ({article})." in caught.value.messages
    services.application_file_upload(
        application=application, by=applicant, kind=FileKind.EVIDENCE, uploaded=pdf_upload()
    )
    try:
        services.application_submit(application=application, by=applicant)
    except ValidationError as error:  # other rules of the scheme may still refuse; the materials must not
        assert not [m for m in error.messages if article in m and ("Upload" in m or "上传" in m)]


def test_required_materials_are_office_data(db, unit_applicant, weihai_edition, pdf_upload):
    """W13b: the office can change the list in the admin; the check reads it, nothing is hard-coded."""
    RequiredMaterial.objects.filter(rulebook=weihai_edition.rulebook, kind="evidence").delete()
    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    services.application_file_remove(file=application.files.get(kind=FileKind.EVIDENCE), by=unit_applicant)
    assert services.application_submit(application=application, by=unit_applicant).state == S.SUBMITTED


def test_submit_ineligible_unit_told_the_article(db, weihai_edition, pdf_upload):
    young = make_unit_applicant(operating_since=timezone.localdate() - timedelta(days=4 * 365))
    application = ready_draft(young, weihai_edition, pdf_upload)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_submit(application=application, by=young)
    assert any("第十条第（一）项" in m for m in caught.value.messages)


def test_numbers_have_no_gaps_when_a_submission_fails(db, weihai_edition, pdf_upload):
    first = submitted(make_unit_applicant(), weihai_edition, pdf_upload)
    failing_applicant = make_unit_applicant()
    failing = services.application_create(edition=weihai_edition, category="unit", by=failing_applicant)
    with pytest.raises(ValidationError):
        services.application_submit(application=failing, by=failing_applicant)
    third = submitted(make_unit_applicant(), weihai_edition, pdf_upload)
    year = weihai_edition.year
    assert [first.number, third.number] == [f"WH-{year}-0001", f"WH-{year}-0002"]


def test_submit_by_someone_else_refused(unit_applicant, weihai_edition, pdf_upload):
    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    stranger = make_unit_applicant()
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, by=stranger)
    assert Application.objects.get(pk=application.pk).state == S.DRAFT


# --- files ------------------------------------------------------------------------------------------------


def test_reupload_replaces_with_history(unit_applicant, weihai_edition, pdf_upload):
    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    services.application_file_upload(
        application=application, by=unit_applicant, kind=FileKind.SELF_EVALUATION, uploaded=pdf_upload("第二版.pdf")
    )
    files = ApplicationFile.objects.filter(application=application, kind=FileKind.SELF_EVALUATION).order_by("id")
    assert [(f.name, f.is_current) for f in files] == [("自评报告.pdf", False), ("第二版.pdf", True)]


def test_upload_refused_stores_nothing(unit_applicant, weihai_edition):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.application_file_upload(
            application=application, by=unit_applicant, kind=FileKind.EVIDENCE, uploaded=exe
        )
    assert ApplicationFile.objects.count() == 0


def test_files_cannot_change_after_submission(unit_applicant, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    with pytest.raises(ValidationError):
        services.application_file_upload(
            application=application, by=unit_applicant, kind=FileKind.EVIDENCE, uploaded=pdf_upload()
        )


# --- the district ------------------------------------------------------------------------------------------


def test_return_then_resubmit_keeps_number_and_history(unit_applicant, coordinator, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    services.application_return(application=application, by=coordinator, opinion="请补充近三年质量指标数据。")
    application.refresh_from_db()
    assert application.state == S.RETURNED
    services.application_save_draft(
        application=application,
        by=unit_applicant,
        form_data={**FILLED_FORM, "main_indicators": "已补充。"},
        profitable_years=3,
        accident_free_declared=True,
        violation_free_declared=True,
    )
    services.application_submit(application=application, by=unit_applicant)
    application.refresh_from_db()
    assert (application.state, application.number) == (S.SUBMITTED, f"WH-{weihai_edition.year}-0001")
    assert history(application) == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.RETURNED), (S.RETURNED, S.SUBMITTED)]
    assert Recommendation.objects.get(application=application).decision == RecommendationDecision.RETURN


def test_recommend_with_letter(unit_applicant, coordinator, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    services.application_recommend(
        application=application, by=coordinator, opinion="同意推荐。", letter=pdf_upload("推荐函.pdf")
    )
    application.refresh_from_db()
    recommendation = Recommendation.objects.get(application=application)
    assert (application.state, recommendation.opinion, recommendation.letter.name, recommendation.signed_by) == (
        S.RECOMMENDED,
        "同意推荐。",
        "推荐函.pdf",
        coordinator,
    )
    assert recommendation.letter.kind == FileKind.RECOMMENDATION_LETTER


def test_decline_needs_a_reason(unit_applicant, coordinator, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    with pytest.raises(ValidationError):
        services.application_decline(application=application, by=coordinator, reason="  ")
    services.application_decline(application=application, by=coordinator, reason="近三年发生质量投诉。")
    application.refresh_from_db()
    assert application.state == S.NOT_RECOMMENDED


def test_coordinator_of_another_district_refused(unit_applicant, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    other = make_coordinator("371003")
    with pytest.raises(PermissionDenied):
        services.application_recommend(application=application, by=other, opinion="同意")
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


def test_recommend_only_submitted(unit_applicant, coordinator, weihai_edition, pdf_upload):
    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    with pytest.raises(ValidationError):
        services.application_recommend(application=application, by=coordinator, opinion="同意")


def test_recommendation_quota_enforced(db, coordinator, weihai_edition, pdf_upload):
    rulebook = weihai_edition.rulebook
    rulebook.recommendation_quota = 1
    rulebook.recommendation_quota_article = "测试条款"
    rulebook.save()
    first = submitted(make_unit_applicant(), weihai_edition, pdf_upload)
    second = submitted(make_unit_applicant(), weihai_edition, pdf_upload)
    services.application_recommend(application=first, by=coordinator, opinion="同意")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_recommend(application=second, by=coordinator, opinion="同意")
    assert "already recommended 1 of its 1 places (测试条款)" in caught.value.messages[0]
    assert Application.objects.get(pk=second.pk).state == S.SUBMITTED


# --- concurrency (real row locks need PostgreSQL) ------------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_unique_gapless_numbers(pdf_upload):
    edition = make_edition()
    drafts = [ready_draft(make_unit_applicant(), edition, pdf_upload) for _ in range(8)]
    errors = _errors_of([lambda a=a: services.application_submit(application=a, by=a.owner) for a in drafts])
    assert errors == []
    numbers = sorted(Application.objects.values_list("number", flat=True))
    assert numbers == [f"WH-{edition.year}-{n:04d}" for n in range(1, 9)]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_double_submit_gives_one_submission(pdf_upload):
    edition = make_edition()
    applicant = make_unit_applicant()
    draft = ready_draft(applicant, edition, pdf_upload)
    errors = _errors_of([lambda: services.application_submit(application=draft, by=applicant)] * 2)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert history(draft) == [(S.DRAFT, S.SUBMITTED)]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_recommendations_respect_quota(pdf_upload):
    edition = make_edition()
    rulebook = edition.rulebook
    rulebook.recommendation_quota = 1
    rulebook.save()
    first_coordinator, second_coordinator = make_coordinator(), make_coordinator()
    applications = [submitted(make_unit_applicant(), edition, pdf_upload) for _ in range(2)]
    errors = _errors_of(
        [
            lambda: services.application_recommend(application=applications[0], by=first_coordinator, opinion="同意"),
            lambda: services.application_recommend(application=applications[1], by=second_coordinator, opinion="同意"),
        ]
    )
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert Application.objects.filter(state=S.RECOMMENDED).count() == 1


# --- individuals -------------------------------------------------------------------------------------------


def make_individual(district_code="371002", *, since=date(2010, 5, 1)):
    from accounts.models import District
    from applications.models import IndividualProfile

    user = UserFactory(roles=[Role.APPLICANT])
    IndividualProfile.objects.create(
        user=user,
        full_name="李质量",
        employer_name="威海示范精工有限公司",
        district=District.objects.get(code=district_code),
        quality_work_since=since,
    )
    return user


INDIVIDUAL_FORM = {
    "summary": "从事质量工作十六年。",
    "contributions": "主持质量攻关项目。",
    "recognition": "",
    "declared": ["clean_record", "integrity"],  # Weihai art. 12 (一) and (七)
}


def test_individual_applies_and_is_keyed_by_person(weihai_edition, pdf_upload, coordinator):
    person = make_individual()
    application = services.application_create(edition=weihai_edition, category="individual", by=person)
    assert (application.applicant_key, application.organisation, application.recommender.code) == (
        f"person:{person.pk}",
        None,
        "371002",
    )
    services.application_save_draft(
        application=application,
        by=person,
        form_data=INDIVIDUAL_FORM,
        profitable_years=None,
        accident_free_declared=True,
        violation_free_declared=True,
    )
    services.application_file_upload(
        application=application, by=person, kind=FileKind.SELF_EVALUATION, uploaded=pdf_upload()
    )
    services.application_file_upload(application=application, by=person, kind=FileKind.EVIDENCE, uploaded=pdf_upload())
    services.application_submit(application=application, by=person)
    application.refresh_from_db()
    assert (application.state, application.applicant_name) == (S.SUBMITTED, "李质量")


def test_individual_with_nine_years_told_weihai_art12(weihai_edition, pdf_upload):
    person = make_individual(since=timezone.localdate() - timedelta(days=9 * 365 + 10))
    application = services.application_create(edition=weihai_edition, category="individual", by=person)
    services.application_save_draft(
        application=application,
        by=person,
        form_data=INDIVIDUAL_FORM,
        profitable_years=None,
        accident_free_declared=True,
        violation_free_declared=True,
    )
    services.application_file_upload(
        application=application, by=person, kind=FileKind.SELF_EVALUATION, uploaded=pdf_upload()
    )
    services.application_file_upload(application=application, by=person, kind=FileKind.EVIDENCE, uploaded=pdf_upload())
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_submit(application=application, by=person)
    assert [m for m in caught.value.messages if "第十二条第（二）项" in m and "10 years required" in m]


def test_past_winner_refused_by_weihai_art6(unit_applicant, weihai_edition, pdf_upload):
    earlier = make_edition(
        year=2024, status="finished", opens=date(2024, 3, 1), closes=date(2024, 4, 30), recommend=date(2024, 5, 31)
    )
    Application.objects.create(
        edition=earlier,
        category="unit",
        owner=unit_applicant,
        organisation=unit_applicant.organisation,
        applicant_key=f"org:{unit_applicant.organisation_id}",
        recommender=earlier.scheme.region.children.first(),
        state=S.AWARDED,
        number="WH-2024-0003",
        awarded_on=date(2024, 12, 20),
    )
    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_submit(application=application, by=unit_applicant)
    assert [m for m in caught.value.messages if "第六条第二款" in m and "2024" in m]


def test_recommendation_follows_the_pipeline_data(unit_applicant, coordinator, weihai_edition, pdf_upload):
    from awards.models import Stage

    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    Stage.objects.filter(rulebook=weihai_edition.rulebook, kind="district_recommendation").delete()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_recommend(application=application, by=coordinator, opinion="同意")
    assert "has no recommendation stage" in caught.value.messages[0]
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


def test_pipeline_next_stage_by_phase(weihai_edition):
    from applications import pipeline

    rulebook = weihai_edition.rulebook
    first_review = pipeline.next_stage(rulebook, None, phase="review")
    assert first_review.kind == "public_opinion"
    after_defence = pipeline.next_stage(rulebook, rulebook.stages.get(kind="oral_defence"))
    assert after_defence.kind == "candidate_list"
    notice = rulebook.stages.get(kind="public_notice")
    assert pipeline.next_stage(rulebook, notice).kind == "leading_group"  # Weihai art. 15: notice first


# --- findings of the review: deadlines, drafts, refusals --------------------------------------------------------


def test_returned_application_resubmitted_after_window_until_district_deadline(
    unit_applicant, coordinator, weihai_edition, pdf_upload
):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    services.application_return(application=application, by=coordinator, opinion="请补充材料。")
    today = timezone.localdate()
    type(weihai_edition).objects.filter(pk=weihai_edition.pk).update(
        application_closes=today - timedelta(days=1), recommendation_deadline=today
    )
    services.application_submit(application=application, by=unit_applicant)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_returned_application_refused_after_district_deadline(unit_applicant, coordinator, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    services.application_return(application=application, by=coordinator, opinion="请补充材料。")
    today = timezone.localdate()
    type(weihai_edition).objects.filter(pk=weihai_edition.pk).update(
        application_closes=today - timedelta(days=3), recommendation_deadline=today - timedelta(days=1)
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_submit(application=application, by=unit_applicant)
    assert "can no longer be resubmitted" in caught.value.messages[0]
    assert Application.objects.get(pk=application.pk).state == S.RETURNED


def test_resubmission_keeps_first_submission_time(unit_applicant, coordinator, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    first = Application.objects.get(pk=application.pk).submitted_at
    services.application_return(application=application, by=coordinator, opinion="请补充材料。")
    services.application_submit(application=application, by=unit_applicant)
    assert Application.objects.get(pk=application.pk).submitted_at == first


@pytest.mark.parametrize("row", [pytest.param("W13c", id="W13c-Z15c-weihai-art13-zibo-art15-district-deadline")])
def test_decision_after_recommendation_deadline_refused(row, unit_applicant, coordinator, weihai_edition, pdf_upload):
    application = submitted(unit_applicant, weihai_edition, pdf_upload)
    yesterday = timezone.localdate() - timedelta(days=1)
    type(weihai_edition).objects.filter(pk=weihai_edition.pk).update(recommendation_deadline=yesterday)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_recommend(application=application, by=coordinator, opinion="同意")
    assert f"were due by {yesterday.isoformat()}" in caught.value.messages[0]
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


def test_withdrawn_draft_never_reaches_the_coordinator(unit_applicant, coordinator, weihai_edition, pdf_upload):
    from applications import selectors

    draft = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    services.application_withdraw(application=draft, by=unit_applicant)
    assert not selectors.applications_visible_to(coordinator).filter(pk=draft.pk).exists()
    assert not selectors.coordinator_inbox(user=coordinator).filter(pk=draft.pk).exists()
    assert selectors.coordinator_counts(user=coordinator) == {"awaiting": 0, "all": 0}


def test_refusal_inside_a_service_stays_in_the_audit_trail(unit_applicant, weihai_edition, pdf_upload):
    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    stranger = make_unit_applicant()
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, by=stranger)
    refusal = AuditEvent.objects.get(action=AuditAction.PERMISSION_REFUSED)
    assert (refusal.actor, refusal.object_id, refusal.detail) == (stranger, str(application.pk), "not the applicant")


def test_someone_elses_application_is_a_404_and_the_attempt_is_audited(unit_applicant, weihai_edition, pdf_upload):
    from django.http import Http404

    from applications import selectors

    application = ready_draft(unit_applicant, weihai_edition, pdf_upload)
    stranger = make_unit_applicant()
    file = application.files.get(kind=FileKind.SELF_EVALUATION)
    with pytest.raises(Http404):
        selectors.application_for(user=stranger, pk=application.pk)
    with pytest.raises(Http404):
        selectors.file_for(user=stranger, pk=file.pk)
    with pytest.raises(Http404):
        selectors.application_for(user=stranger, pk=application.pk + 1000)  # does not exist: nothing to record
    assert list(
        AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=stranger).values_list(
            "detail", flat=True
        )
    ) == [
        f"applications.ApplicationFile #{file.pk} is outside the user's scope",
        f"applications.Application #{application.pk} is outside the user's scope",
    ]


def _errors_of(functions):
    return run_together(functions)[0]


# --- the Shandong notice's routes and the national recommendation (rule data) -------------------------------


def _in_force_today(code):
    """The Shandong notice and the national rules carry 2021/2022 dates; a test round runs them today."""
    Rulebook.objects.filter(scheme__code=code).update(
        valid_until=None, application_window_from=None, application_window_until=None, submission_deadline=None
    )
    confirm_office_values(code)


def benchmark_draft(applicant, edition, pdf_upload, focus):
    rules = EligibilityRule.objects.filter(rulebook=edition.rulebook)
    form = {
        **FILLED_FORM,
        "declared": list(rules.values_list("kind", flat=True)),
        "focus_field": {"key": focus, "text": "x"},
    }
    return ready_draft(applicant, edition, pdf_upload, form=form)


def _past_provincial_benchmark(applicant, year):
    """An earlier provincial benchmark held by `applicant`'s unit (Shandong notice 二（一）: cities propose only
    from these)."""
    edition = Edition.objects.filter(scheme__code="shandong-benchmark", year=year).first() or make_edition(
        "shandong-benchmark", year=year
    )
    return Application.objects.create(
        edition=edition,
        category="unit",
        owner=applicant,
        organisation=applicant.organisation,
        applicant_key=f"org:{applicant.organisation_id}",
        recommender=applicant.organisation.district.recommender_at("city"),
        number=f"SD-{year}-9{applicant.organisation_id:03d}",
        state=S.AWARDED,
        awarded_on=date(year, 12, 1),
    )


def national_submitted(pdf_upload, district="371002"):
    _in_force_today("national-benchmark")
    edition = Edition.objects.filter(scheme__code="national-benchmark").first() or make_edition("national-benchmark")
    applicant = make_unit_applicant(district)
    _past_provincial_benchmark(applicant, edition.year - 1)
    application = benchmark_draft(applicant, edition, pdf_upload, "第十条第（一）项")
    return services.application_submit(application=application, by=applicant)


@pytest.mark.parametrize("row", [pytest.param("N7", id="N7-national-art7-art17-recommending-bodies-with-quotas")])
def test_national_recommending_bodies_are_data(db, row):
    """N7: art. 7, 17 name the provincial industry departments and the national industry associations, each
    within a quota the text does not give (office-set); the 1-per-city limit is not the national rulebook's."""
    rulebook = Rulebook.objects.get(scheme__code="national-benchmark")
    bodies = list(
        RecommendingBody.objects.filter(rulebook=rulebook).values_list(
            "kind", "name", "district__code", "quota", "article"
        )
    )
    assert bodies == [
        ("industry_association", "全国性行业协会", None, None, "第七条、第十七条"),
        ("province_department", "省级工业和信息化主管部门", "370000", None, "第七条、第十七条"),
    ]
    assert (rulebook.recommender_level, rulebook.recommendation_quota, rulebook.recommendation_quota_article) == (
        "province",
        None,
        "第七条、第十七条",
    )
    keys = set(OfficeSetValue.objects.filter(rulebook=rulebook).values_list("key", flat=True))
    assert {"recommending_body_quota:province_department", "recommending_body_quota:industry_association"} <= keys


@pytest.mark.parametrize(
    ("row",),
    [
        pytest.param("S4a", id="S4a-shandong-2-1-one-per-city-proposal"),
        pytest.param("S4b", id="S4b-shandong-2-1-from-earlier-provincial-benchmarks"),
    ],
)
def test_city_preselection_belongs_to_the_shandong_notice(db, row):
    """S4a/S4b: the cities' proposal, at most 1 each from earlier provincial benchmarks, is held on the Shandong
    rulebook (二（一）) as a pre-selection feeding the national scheme, with the province's choice (二（二）)."""
    body = RecommendingBody.objects.get(kind="city_proposal")
    assert (
        body.rulebook.scheme.code,
        body.towards.code,
        body.level,
        body.quota,
        body.article,
        body.selection_article,
    ) == (
        "shandong-benchmark",
        "national-benchmark",
        "city",
        1,
        "二（一）",
        "二（二）",
    )
    if row == "S4b":
        rule = EligibilityRule.objects.get(
            rulebook__scheme__code="national-benchmark", kind="previous_provincial_benchmark"
        )
        assert rule.article == "鲁工信2021年通知二（一）"


@pytest.mark.parametrize("row", ["S4d-S4a-shandong-2-1-2-2-city-proposes-one-province-chooses"])
def test_city_proposes_at_most_one_and_the_province_chooses(row, db, pdf_upload):
    """S4a-shandong-2-1 and S4d-shandong-2-2: the city coordinator proposes one application; a second is refused
    with the notice's article; the province recommends only what a city proposed, within its office-set quota."""
    first = national_submitted(pdf_upload)
    second = national_submitted(pdf_upload, district="371003")
    assert (first.state, first.recommender.code) == (S.SUBMITTED, "370000")
    city = make_coordinator("371000", username="weihai-city")
    province = make_coordinator("370000", username="shandong-province")
    services.application_city_propose(application=first, by=city, opinion="往年省级质量标杆，推荐")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_city_propose(application=second, by=city, opinion="也推荐")
    assert caught.value.messages == ["威海市 has already proposed 1 of its 1 (二（一）)."]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_recommend(application=second, by=province, opinion="同意")
    assert "二（一）" in caught.value.messages[0] and "二（二）" in caught.value.messages[0]
    # The quota of the provincial department (art. 17: 按照推荐名额) is set by the office, confirmed above; empty
    # it is refused, entered it is used.
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_recommend(application=first, by=province, opinion="同意")
    assert caught.value.messages == [
        "The award office has not entered the quota of 省级工业和信息化主管部门 (第七条、第十七条)."
    ]
    OfficeSetValue.objects.filter(key="recommending_body_quota:province_department").update(value="1")
    assert (
        services.application_recommend(application=first, by=province, opinion="专家评审后确定推荐").state
        == S.RECOMMENDED
    )


@pytest.mark.parametrize("row", [pytest.param("S4d", id="S4d-shandong-2-2-unconfirmed-quota-refused")])
def test_province_quota_unconfirmed_is_refused(db, pdf_upload, row):
    application = national_submitted(pdf_upload)
    OfficeSetValue.objects.filter(key="recommending_body_quota:province_department").update(confirmed_at=None)
    services.application_city_propose(
        application=application, by=make_coordinator("371000", username="c1"), opinion="推荐"
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_recommend(
            application=application, by=make_coordinator("370000", username="p1"), opinion="同意"
        )
    assert "第十七条" in caught.value.messages[0]


@pytest.mark.parametrize("row", [pytest.param("S3b", id="S3b-shandong-1-3-3-province-owned-submit-directly")])
def test_province_owned_enterprise_submits_directly_to_the_province(db, pdf_upload, row):
    _in_force_today("shandong-benchmark")
    edition = make_edition("shandong-benchmark")
    applicant = make_unit_applicant("371002")
    application = benchmark_draft(applicant, edition, pdf_upload, "一（一）1")
    services.application_set_route(application=application, by=applicant, province_owned=True)
    application = services.application_submit(application=application, by=applicant)
    assert (application.state, application.recommender.code) == (S.RECOMMENDED, "370000")
    assert (
        ApplicationTransition.objects.get(application=application).comment
        == "省属企业直接报送省工业和信息化厅（一（三）3）"
    )


def test_province_owned_route_refused_where_the_rulebook_has_none(unit_applicant, weihai_edition):
    """S3b: only a rulebook holding the direct route (Shandong 一（三）3) lets an applicant skip its district."""
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.application_set_route(application=application, by=unit_applicant, province_owned=True)
    assert "has no direct submission" in caught.value.messages[0]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("S3f", id="S3f-shandong-1-3-3-city-sends-letter-and-table"),
        pytest.param("S3c", id="S3c-shandong-1-3-2-statistics-table-annex-3"),
    ],
)
def test_city_submission_holds_letter_and_statistics_table(db, pdf_upload, row):
    _in_force_today("shandong-benchmark")
    edition = make_edition("shandong-benchmark")
    applicant = make_unit_applicant("371002")
    application = services.application_submit(
        application=benchmark_draft(applicant, edition, pdf_upload, "一（一）1"), by=applicant
    )
    city = make_coordinator("371000", username="weihai-bureau")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.city_submission_submit(edition=edition, district=application.recommender, by=city, letter=pdf_upload())
    assert caught.value.messages == [f"威海市 has recommended no application to {edition} yet."]
    services.application_recommend(application=application, by=city, opinion="同意推荐")
    submission = services.city_submission_submit(
        edition=edition, district=application.recommender, by=city, letter=pdf_upload("推荐函.pdf")
    )
    assert (submission.district.code, submission.letter_name, list(submission.applications.all())) == (
        "371000",
        "推荐函.pdf",
        [application],
    )
    from openpyxl import load_workbook

    with submission.statistics.open("rb") as handle:
        sheet = load_workbook(handle).active
    assert application.number in [cell.value for cell in sheet["A"]] + [
        c.value for row_ in sheet.iter_rows() for c in row_
    ]
    stranger = make_coordinator("371300", username="linyi-bureau")
    with pytest.raises(PermissionDenied):
        services.city_submission_submit(
            edition=edition, district=application.recommender, by=stranger, letter=pdf_upload()
        )
