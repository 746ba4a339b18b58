"""Stages recorded rather than scored (issue 4, item 3): gates, Linyi's department sign-offs (art. 15), site
visits and defence sessions."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications.models import Application, ApplicationTransition
from reviews import stage_records
from reviews.enums import GateOutcome, SignOffDecision
from reviews.models import (
    Assignment,
    DefenceSession,
    DepartmentSignOff,
    GateRecord,
    SiteVisit,
    StageDepartment,
)
from tests.applications.conftest import make_unit_applicant
from tests.factories import UserFactory
from tests.reviews.conftest import (
    LINYI_DEPARTMENTS,
    _application,
    _edition_stage,
    _linyi_edition,
    _zibo_edition,
    department_signer,
    make_expert,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_gate_record_public_opinion_pass_moves_to_qualification_check(weihai, agency):
    record = stage_records.gate_record(
        edition_stage=weihai["stage"],
        application=weihai["application"],
        outcome=GateOutcome.PASS,
        note="未发现负面舆情",
        by=agency,
    )
    application = Application.objects.get(pk=weihai["application"].pk)
    assert (application.state, application.current_stage.kind) == ("in_review", "qualification_check")
    assert (record.outcome, record.note, record.recorded_by) == (GateOutcome.PASS, "未发现负面舆情", agency)
    assert AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reviews.GateRecord").detail == (
        "public_opinion pass"
    )


def test_gate_record_public_opinion_fail_disqualifies_with_reason_in_history(weihai, office):
    with translation.override("en"):
        stage_records.gate_record(
            edition_stage=weihai["stage"],
            application=weihai["application"],
            outcome=GateOutcome.FAIL,
            note="媒体报道重大质量事故",
            by=office,
        )
    application = Application.objects.get(pk=weihai["application"].pk)
    assert (application.state, application.current_stage.kind) == ("disqualified", "public_opinion")
    last = ApplicationTransition.objects.filter(application=application).latest("pk")
    assert (last.from_state, last.to_state, last.actor) == ("in_review", "disqualified", office)
    assert last.comment == "Public-opinion check: 媒体报道重大质量事故"
    assert GateRecord.objects.get().outcome == GateOutcome.FAIL


def test_gate_record_fail_without_reason_refused(weihai, office):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.gate_record(
            edition_stage=weihai["stage"], application=weihai["application"], outcome="fail", note=" ", by=office
        )
    assert caught.value.messages == ["Write the reason the applicant will read."]
    assert Application.objects.get(pk=weihai["application"].pk).state == "in_review"
    assert not GateRecord.objects.exists()


def test_gate_record_twice_refused(weihai, office):
    stage_records.gate_record(
        edition_stage=weihai["stage"], application=weihai["application"], outcome="pass", note="", by=office
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.gate_record(
            edition_stage=weihai["stage"], application=weihai["application"], outcome="pass", note="", by=office
        )
    assert caught.value.messages == ["A result of “Public-opinion check” is already recorded for this application."]
    assert GateRecord.objects.count() == 1


def test_gate_record_application_elsewhere_refused_and_nothing_kept(weihai, office):
    Application.objects.filter(pk=weihai["application"].pk).update(
        current_stage=weihai["edition"].rulebook.stages.get(kind="qualification_check")
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.gate_record(
            edition_stage=weihai["stage"], application=weihai["application"], outcome="pass", note="", by=office
        )
    assert caught.value.messages == [
        "This application is not at the stage “Public-opinion check” any more; reload the page."
    ]
    assert not GateRecord.objects.exists()


def test_gate_record_scored_stage_refused(scene, office):
    application = Application.objects.get()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.gate_record(
            edition_stage=scene["stage"], application=application, outcome="pass", note="", by=office
        )
    assert caught.value.messages == ["“Material review” is not a stage whose result is recorded; experts score it."]


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(Role.APPLICANT, id="applicant"),
        pytest.param(Role.EXPERT, id="expert"),
        pytest.param(Role.DISTRICT_COORDINATOR, id="coordinator"),
        pytest.param(Role.QUALIFICATION_DEPARTMENT, id="department-records-no-gate"),
        pytest.param(Role.SUPERVISOR, id="supervisor"),
    ],
)
def test_gate_record_wrong_role_refused_and_audit_row_kept(weihai, role):
    user = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        stage_records.gate_record(
            edition_stage=weihai["stage"], application=weihai["application"], outcome="pass", note="", by=user
        )
    event = AuditEvent.objects.get(actor=user)
    assert (event.action, event.result, event.detail) == (
        AuditAction.PERMISSION_REFUSED,
        AuditResult.REFUSED,
        "only the office or the agency records a gate stage",
    )
    assert Application.objects.get(pk=weihai["application"].pk).current_stage.kind == "public_opinion"


@pytest.fixture
def survey(db):
    edition = _linyi_edition()
    application = _application(edition, "satisfaction_survey", district="371302")
    stage = _edition_stage(edition, "satisfaction_survey", opens=date(2020, 9, 1))
    return {"application": application, "stage": stage}


@pytest.mark.parametrize(
    ("score", "message"),
    [
        pytest.param(None, "Enter the survey's score.", id="L16a-linyi-art16-missing"),
        pytest.param("-0.5", "The survey's score must be from 0 to 100.", id="L16a-linyi-art16-below-0"),
        pytest.param("100.01", "The survey's score must be from 0 to 100.", id="L16a-linyi-art16-above-100"),
        pytest.param("abc", "“abc” is not a number.", id="L16a-linyi-art16-not-a-number"),
    ],
)
def test_gate_record_satisfaction_survey_score_range(survey, office, score, message):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.gate_record(
            edition_stage=survey["stage"],
            application=survey["application"],
            outcome="pass",
            note="",
            score=score,
            by=office,
        )
    assert message in caught.value.messages
    assert not GateRecord.objects.exists()


@pytest.mark.parametrize("score", ["0", "100", "87.5"])
def test_gate_record_satisfaction_survey_bounds_accepted(survey, office, score):
    record = stage_records.gate_record(
        edition_stage=survey["stage"],
        application=survey["application"],
        outcome="pass",
        note="",
        score=score,
        by=office,
    )
    assert GateRecord.objects.get(pk=record.pk).score == Decimal(score)
    # The survey is Linyi's last review stage: the application goes onto the candidate list.
    application = Application.objects.get(pk=survey["application"].pk)
    assert (application.state, application.current_stage.kind) == ("candidate", "candidate_list")


def test_gate_record_score_on_other_gate_refused(weihai, office):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.gate_record(
            edition_stage=weihai["stage"],
            application=weihai["application"],
            outcome="pass",
            note="",
            score=90,
            by=office,
        )
    assert caught.value.messages == ["Only the social satisfaction survey records a score."]


@pytest.fixture
def zibo_supervision(db):
    edition = _zibo_edition()
    application = Application.objects.create(
        edition=edition,
        category="unit",
        owner=(applicant := make_unit_applicant("370302")),
        organisation=applicant.organisation,
        applicant_key=f"org:{applicant.organisation_id}",
        recommender=applicant.organisation.district,
        state="candidate",
        number="ZB-2025-0001",
        current_stage=edition.rulebook.stages.get(kind="supervision_opinions"),
    )
    stage = _edition_stage(edition, "supervision_opinions", opens=date(2025, 10, 1))
    return {"application": application, "stage": stage}


def test_gate_record_supervision_opinion_noted_does_not_move_application(zibo_supervision, office):
    before = ApplicationTransition.objects.count()
    record = stage_records.gate_record(
        edition_stage=zibo_supervision["stage"],
        application=zibo_supervision["application"],
        outcome=GateOutcome.NOTED,
        note="选树监督小组：建议关注其环保整改情况",
        by=office,
    )
    assert record.outcome == GateOutcome.NOTED
    application = Application.objects.get(pk=zibo_supervision["application"].pk)
    assert (application.state, application.current_stage.kind) == ("candidate", "supervision_opinions")
    assert ApplicationTransition.objects.count() == before


@pytest.mark.parametrize("outcome", [GateOutcome.PASS, GateOutcome.FAIL])
def test_gate_record_supervision_opinion_zibo_art17_is_no_gate(zibo_supervision, office, outcome):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.gate_record(
            edition_stage=zibo_supervision["stage"],
            application=zibo_supervision["application"],
            outcome=outcome,
            note="意见",
            by=office,
        )
    assert caught.value.messages == [
        "“Supervision-group opinions” are taken into account, not passed or failed: record them as noted."
    ]


# --- Linyi's qualification departments (art. 15) ----------------------------------------------------------------


def test_default_departments_read_from_linyi_rulebook_art15():
    stage = _linyi_edition().rulebook.stages.get(kind="qualification_check")
    assert stage_records.default_departments(stage) == [
        "市发改委",
        "市经信委",
        "市人社局",
        "市农业局",
        "市卫计委",
        "市环保局",
        "市质监局",
        "市安监局",
        "市食药监局",
    ]


def test_default_departments_none_where_one_body_checks(weihai):
    stage = weihai["edition"].rulebook.stages.get(kind="qualification_check")
    assert stage_records.default_departments(stage) == []


def test_department_sign_off_all_approvals_pass_the_check(linyi, department_user):
    assert list(StageDepartment.objects.values_list("name", "position")) == [
        ("市发改委", 1),
        ("市经信委", 2),
        ("市人社局", 3),
    ]
    for name in LINYI_DEPARTMENTS[:2]:
        stage_records.department_sign_off(
            edition_stage=linyi["stage"],
            application=linyi["application"],
            department=name,
            decision=SignOffDecision.APPROVE,
            note="",
            by=department_signer(name),
        )
        application = Application.objects.get(pk=linyi["application"].pk)
        assert (application.state, application.current_stage.kind) == ("in_review", "qualification_check")
    assert not GateRecord.objects.exists()
    stage_records.department_sign_off(
        edition_stage=linyi["stage"],
        application=linyi["application"],
        department="市人社局",
        decision=SignOffDecision.APPROVE,
        note="",
        by=department_signer("市人社局"),
    )
    application = Application.objects.get(pk=linyi["application"].pk)
    assert (application.state, application.current_stage.kind) == ("in_review", "material_review")
    assert DepartmentSignOff.objects.count() == 3
    assert GateRecord.objects.get().outcome == GateOutcome.PASS


@pytest.mark.parametrize("_row", [pytest.param(None, id="L15a-linyi-art15-one-department-refusal-disqualifies")])
def test_department_sign_off_one_refusal_disqualifies(_row, linyi, department_user):
    stage_records.department_sign_off(
        edition_stage=linyi["stage"],
        application=linyi["application"],
        department="市发改委",
        decision="approve",
        note="",
        by=department_signer("市发改委"),
    )
    with translation.override("en"):
        stage_records.department_sign_off(
            edition_stage=linyi["stage"],
            application=linyi["application"],
            department="市人社局",
            decision="refuse",
            note="近三年存在欠薪记录",
            by=department_signer("市人社局"),
        )
    application = Application.objects.get(pk=linyi["application"].pk)
    assert application.state == "disqualified"
    last = ApplicationTransition.objects.filter(application=application).latest("pk")
    assert last.comment == "Qualification check: 市人社局：近三年存在欠薪记录"
    record = GateRecord.objects.get()
    assert (record.outcome, record.note) == (GateOutcome.FAIL, "市人社局：近三年存在欠薪记录")
    # The remaining department can no longer sign: the application left the stage.
    with pytest.raises(ValidationError):
        stage_records.department_sign_off(
            edition_stage=linyi["stage"],
            application=linyi["application"],
            department="市经信委",
            decision="approve",
            note="",
            by=department_signer("市经信委"),
        )


def test_department_sign_off_department_not_listed_refused(linyi, department_user):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.department_sign_off(
            edition_stage=linyi["stage"],
            application=linyi["application"],
            department="市环保局",
            decision="approve",
            note="",
            by=department_signer("市环保局"),
        )
    assert caught.value.messages == [
        "市环保局 is not one of the departments that sign off this check: 市发改委、市经信委、市人社局."
    ]
    assert not DepartmentSignOff.objects.exists()


def test_department_sign_off_twice_refused(linyi, office):
    kwargs = {
        "edition_stage": linyi["stage"],
        "application": linyi["application"],
        "department": "市发改委",
        "decision": "approve",
        "note": "",
        "by": office,
    }
    stage_records.department_sign_off(**kwargs)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.department_sign_off(**kwargs)
    assert caught.value.messages == ["市发改委 has already signed off this application."]


def test_department_sign_off_refusal_needs_reason(linyi, department_user):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.department_sign_off(
            edition_stage=linyi["stage"],
            application=linyi["application"],
            department="市发改委",
            decision="refuse",
            note="",
            by=department_signer("市发改委"),
        )
    assert caught.value.messages == ["Write the reason the applicant will read."]


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(Role.APPLICANT, id="applicant"),
        pytest.param(Role.EXPERT, id="expert"),
        pytest.param(Role.AGENCY_STAFF, id="agency"),
        pytest.param(Role.DISTRICT_COORDINATOR, id="coordinator"),
    ],
)
def test_department_sign_off_wrong_role_refused_and_audit_row_kept(linyi, role):
    user = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        stage_records.department_sign_off(
            edition_stage=linyi["stage"],
            application=linyi["application"],
            department="市发改委",
            decision="approve",
            note="",
            by=user,
        )
    assert AuditEvent.objects.filter(
        actor=user, action=AuditAction.PERMISSION_REFUSED, result=AuditResult.REFUSED
    ).exists()
    assert not DepartmentSignOff.objects.exists()


def test_gate_record_refused_where_departments_sign_off(linyi, office):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.gate_record(
            edition_stage=linyi["stage"], application=linyi["application"], outcome="pass", note="", by=office
        )
    assert caught.value.messages == [
        "The listed departments sign off this qualification check; their decisions pass or fail it."
    ]


def test_stage_departments_set_locked_once_signed(linyi, office):
    stage_records.department_sign_off(
        edition_stage=linyi["stage"],
        application=linyi["application"],
        department="市发改委",
        decision="approve",
        note="",
        by=office,
    )
    with pytest.raises(ValidationError):
        stage_records.stage_departments_set(edition_stage=linyi["stage"], names=["市发改委"], by=office)
    assert StageDepartment.objects.count() == 3


def test_stage_departments_set_office_only(linyi, agency):
    with pytest.raises(PermissionDenied):
        stage_records.stage_departments_set(edition_stage=linyi["stage"], names=["市发改委"], by=agency)
    assert AuditEvent.objects.filter(actor=agency, action=AuditAction.PERMISSION_REFUSED).exists()


# --- on-site review ----------------------------------------------------------------------------------------------


@pytest.fixture
def onsite(db, office):
    edition = _linyi_edition()
    application = _application(edition, "onsite_review", district="371302")
    stage = _edition_stage(edition, "onsite_review", opens=date(2020, 7, 1), days=30)
    experts = [make_expert("张专家"), make_expert("李专家"), make_expert("王专家")]
    for expert in experts[:2]:
        Assignment.objects.create(
            edition_stage=stage, application=application, expert=expert, method="manual", assigned_by=office
        )
    return {"application": application, "stage": stage, "experts": experts}


def test_site_visit_schedule_records_team_and_checklist(onsite, agency):
    visit = stage_records.site_visit_schedule(
        edition_stage=onsite["stage"],
        application=onsite["application"],
        scheduled_on=date(2020, 7, 15),
        place="兰山区工业大道 1 号",
        team=onsite["experts"][:2],
        checklist=["查看生产现场", {"item": "查阅质量记录", "done": True}],
        by=agency,
    )
    visit = SiteVisit.objects.get(pk=visit.pk)
    assert visit.scheduled_on == date(2020, 7, 15)
    assert sorted(visit.team.values_list("full_name", flat=True)) == ["张专家", "李专家"]
    assert visit.checklist == [{"item": "查看生产现场", "done": False}, {"item": "查阅质量记录", "done": True}]
    # Re-scheduling replaces the visit rather than adding one.
    stage_records.site_visit_schedule(
        edition_stage=onsite["stage"],
        application=onsite["application"],
        scheduled_on=date(2020, 7, 20),
        place="兰山区工业大道 1 号",
        team=onsite["experts"][:1],
        by=agency,
    )
    visit = SiteVisit.objects.get()
    assert (visit.scheduled_on, visit.team.count()) == (date(2020, 7, 20), 1)


@pytest.mark.parametrize(
    "day",
    [pytest.param(date(2020, 6, 30), id="before-opens"), pytest.param(date(2020, 8, 1), id="after-sheets-due")],
)
def test_site_visit_outside_window_refused(onsite, office, day):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.site_visit_schedule(
            edition_stage=onsite["stage"],
            application=onsite["application"],
            scheduled_on=day,
            place="兰山区",
            team=onsite["experts"][:1],
            by=office,
        )
    assert caught.value.messages == [f"{day.isoformat()} is outside the stage's dates, 2020-07-01 to 2020-07-31."]
    assert not SiteVisit.objects.exists()


def test_site_visit_team_member_not_assigned_refused(onsite, office):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.site_visit_schedule(
            edition_stage=onsite["stage"],
            application=onsite["application"],
            scheduled_on=date(2020, 7, 15),
            place="兰山区",
            team=onsite["experts"],
            by=office,
        )
    assert caught.value.messages == ["Not assigned to this application at this stage: 王专家."]


def test_site_visit_withdrawn_assignment_not_a_team_member(onsite, office):
    Assignment.objects.filter(expert=onsite["experts"][0]).update(withdrawn_at=timezone.now())
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.site_visit_schedule(
            edition_stage=onsite["stage"],
            application=onsite["application"],
            scheduled_on=date(2020, 7, 15),
            place="兰山区",
            team=onsite["experts"][:1],
            by=office,
        )
    assert caught.value.messages == ["Not assigned to this application at this stage: 张专家."]


def test_site_visit_wrong_role_refused_and_audit_row_kept(onsite):
    expert_user = onsite["experts"][0].user
    with pytest.raises(PermissionDenied):
        stage_records.site_visit_schedule(
            edition_stage=onsite["stage"],
            application=onsite["application"],
            scheduled_on=date(2020, 7, 15),
            place="兰山区",
            team=onsite["experts"][:1],
            by=expert_user,
        )
    assert AuditEvent.objects.filter(actor=expert_user, action=AuditAction.PERMISSION_REFUSED).exists()


# --- oral defence ---------------------------------------------------------------------------------------------


@pytest.fixture
def defence(db):
    edition = _linyi_edition()
    applications = [_application(edition, "oral_defence", district="371302", number=number) for number in range(1, 4)]
    stage = _edition_stage(edition, "oral_defence", opens=date(2020, 8, 1), days=10)
    return {"edition": edition, "applications": applications, "stage": stage}


def test_defence_session_schedules_several_applications(defence, agency):
    starts = datetime(2020, 8, 5, 9, 0, tzinfo=SHANGHAI)
    session = stage_records.defence_session_schedule(
        edition_stage=defence["stage"],
        starts_at=starts,
        place="市政务服务中心 3 楼会议室",
        applications=defence["applications"][:2],
        by=agency,
    )
    session = DefenceSession.objects.get(pk=session.pk)
    assert sorted(session.applications.values_list("number", flat=True)) == ["LY-2020-0001", "LY-2020-0002"]
    assert session.starts_at == starts
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.defence_session_schedule(
            edition_stage=defence["stage"],
            starts_at=starts + timedelta(hours=3),
            place="同上",
            applications=defence["applications"][1:],
            by=agency,
        )
    assert caught.value.messages == ["Already in another session of this stage: LY-2020-0002."]
    stage_records.defence_session_schedule(
        edition_stage=defence["stage"],
        starts_at=starts + timedelta(hours=3),
        place="同上",
        applications=defence["applications"][2:],
        by=agency,
    )
    assert DefenceSession.objects.count() == 2


def test_defence_session_outside_window_refused(defence, office):
    # 2020-08-11 16:30 UTC is 2020-08-12 00:30 in Shanghai: the day after sheets are due.
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.defence_session_schedule(
            edition_stage=defence["stage"],
            starts_at=datetime(2020, 8, 11, 16, 30, tzinfo=ZoneInfo("UTC")),
            place="会议室",
            applications=defence["applications"],
            by=office,
        )
    assert caught.value.messages == ["2020-08-12 is outside the stage's dates, 2020-08-01 to 2020-08-11."]


def test_defence_session_application_not_at_stage_refused(defence, office):
    elsewhere = _application(defence["edition"], "onsite_review", district="371302", number=9)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        stage_records.defence_session_schedule(
            edition_stage=defence["stage"],
            starts_at=datetime(2020, 8, 5, 9, 0, tzinfo=SHANGHAI),
            place="会议室",
            applications=[defence["applications"][0], elsewhere],
            by=office,
        )
    assert caught.value.messages == ["Not at the stage “Oral defence” of this edition: LY-2020-0009."]
    assert not DefenceSession.objects.exists()


def test_defence_session_wrong_role_refused_and_audit_row_kept(defence, department_user):
    with pytest.raises(PermissionDenied):
        stage_records.defence_session_schedule(
            edition_stage=defence["stage"],
            starts_at=datetime(2020, 8, 5, 9, 0, tzinfo=SHANGHAI),
            place="会议室",
            applications=defence["applications"],
            by=department_user,
        )
    assert AuditEvent.objects.filter(actor=department_user, action=AuditAction.PERMISSION_REFUSED).exists()
