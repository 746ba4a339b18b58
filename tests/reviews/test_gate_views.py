"""The pages of the stages recorded rather than scored (issue 4, item 3): the gate page, Linyi's department
sign-offs (art. 15), site visits and defence sessions; and setting up a gate stage."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import Role
from applications.models import Application, ApplicationTransition
from reviews import stage_records
from reviews.enums import GateOutcome, SignOffDecision
from reviews.models import (
    Assignment,
    DefenceSession,
    DepartmentSignOff,
    EditionStage,
    GateRecord,
    SiteVisit,
    StageDepartment,
)
from tests.applications.conftest import make_edition
from tests.factories import UserFactory
from tests.reviews.conftest import department_signer, make_expert
from tests.reviews.test_stage_records import LINYI_DEPARTMENTS, _application, _edition_stage, _linyi_edition

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def survey(db):
    edition = _linyi_edition()
    application = _application(edition, "satisfaction_survey", district="371302")
    stage = _edition_stage(edition, "satisfaction_survey", opens=date(2020, 9, 1))
    return {"application": application, "stage": stage}


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
    # 王专家 is assigned to another application of the stage: offered as a team member, refused for this one.
    other = _application(edition, "onsite_review", district="371302", number=2)
    Assignment.objects.create(
        edition_stage=stage, application=other, expert=experts[2], method="manual", assigned_by=office
    )
    return {"application": application, "stage": stage, "experts": experts}


@pytest.fixture
def defence(db):
    edition = _linyi_edition()
    applications = [_application(edition, "oral_defence", district="371302", number=n) for n in range(1, 4)]
    stage = _edition_stage(edition, "oral_defence", opens=date(2020, 8, 1), days=10)
    return {"edition": edition, "applications": applications, "stage": stage}


def _gate_post(application, outcome, note="", score=None) -> dict:
    prefix = f"gate-{application.pk}"
    data = {"application": application.pk, f"{prefix}-outcome": outcome, f"{prefix}-note": note}
    if score is not None:
        data[f"{prefix}-score"] = score
    return data


# --- outsiders -------------------------------------------------------------------------------------------------


PAGES = [
    pytest.param("reviews:gate", "weihai", id="gate"),
    pytest.param("reviews:signoff", "linyi", id="signoff"),
    pytest.param("reviews:visits", "onsite", id="visits"),
    pytest.param("reviews:defence", "defence", id="defence"),
]


@pytest.mark.parametrize(("name", "fixture"), PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_record_page_anonymous_goes_to_login(client, request, name, fixture, method):
    url = reverse(name, args=[request.getfixturevalue(fixture)["stage"].pk])
    response = getattr(client, method)(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('accounts:login')}?next={url}")


@pytest.mark.parametrize(("name", "fixture"), PAGES)
@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.EXPERT, Role.AUDITOR], ids=lambda role: role.value
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_record_page_wrong_role_is_refused(client, request, name, fixture, role, method):
    url = reverse(name, args=[request.getfixturevalue(fixture)["stage"].pk])
    client.force_login(UserFactory(roles=[role]))
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("name", "fixture"), PAGES)
def test_record_page_unknown_stage_is_404(client, request, office, name, fixture):
    request.getfixturevalue(fixture)
    client.force_login(office)
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "name", ["reviews:gate", "reviews:signoff", "reviews:visits", "reviews:defence"], ids=lambda n: n.split(":")[1]
)
def test_record_page_of_another_kind_of_stage_is_404(client, scene, name):
    client.force_login(scene["office"])  # the material review is scored: none of these pages is its own
    assert client.get(reverse(name, args=[scene["stage"].pk])).status_code == 404


def test_gate_page_department_refused_outside_a_qualification_check(client, weihai, department_user):
    client.force_login(department_user)
    assert client.get(reverse("reviews:gate", args=[weihai["stage"].pk])).status_code == 403


def test_signoff_page_agency_is_refused(client, linyi, agency):
    client.force_login(agency)
    assert client.get(reverse("reviews:signoff", args=[linyi["stage"].pk])).status_code == 403


# --- the gate page ---------------------------------------------------------------------------------------------


def test_gate_page_public_opinion_pass(client, weihai, agency):
    url = reverse("reviews:gate", args=[weihai["stage"].pk])
    client.force_login(agency)
    page = client.get(url).content.decode()
    assert f'class="border-bottom pb-3 mb-3 gate-row" data-application="{weihai["application"].pk}"' in page
    response = client.post(url, _gate_post(weihai["application"], GateOutcome.PASS, "未发现负面舆情"))
    assert response["Location"] == url
    application = Application.objects.get(pk=weihai["application"].pk)
    assert (application.state, application.current_stage.kind) == ("in_review", "qualification_check")
    record = GateRecord.objects.get()
    assert (record.outcome, record.note, record.recorded_by) == (GateOutcome.PASS, "未发现负面舆情", agency)
    page = client.get(url).content.decode()
    assert f'data-application="{application.pk}" data-outcome="pass"' in page
    assert 'id="gate-empty"' in page


def test_gate_page_public_opinion_fail_reason_in_history(client, weihai, office):
    url = reverse("reviews:gate", args=[weihai["stage"].pk])
    client.force_login(office)
    response = client.post(url, _gate_post(weihai["application"], GateOutcome.FAIL, "媒体报道重大质量事故"))
    assert response.status_code == 302
    application = Application.objects.get(pk=weihai["application"].pk)
    assert application.state == "disqualified"
    last = ApplicationTransition.objects.filter(application=application).latest("pk")
    assert (last.to_state, last.actor, last.comment) == (
        "disqualified",
        office,
        "Public-opinion check: 媒体报道重大质量事故",
    )


def test_gate_page_fail_without_reason_refused_and_input_kept(client, weihai, office):
    url = reverse("reviews:gate", args=[weihai["stage"].pk])
    client.force_login(office)
    response = client.post(url, _gate_post(weihai["application"], GateOutcome.FAIL, "   "))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write the reason the applicant will read." in page
    pk = weihai["application"].pk
    assert f'value="fail" class="form-check-input" id="id_gate-{pk}-outcome_1" checked>' in page
    assert not GateRecord.objects.exists()
    assert Application.objects.get(pk=weihai["application"].pk).state == "in_review"


def test_gate_page_satisfaction_score_out_of_range_refused_and_kept(client, survey, office):
    url = reverse("reviews:gate", args=[survey["stage"].pk])
    client.force_login(office)
    response = client.post(url, _gate_post(survey["application"], GateOutcome.PASS, "调查完成", score="120"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The survey&#x27;s score must be from 0 to 100." in page
    assert f'name="gate-{survey["application"].pk}-score" value="120"' in page
    assert "调查完成</textarea>" in page
    assert not GateRecord.objects.exists()


def test_gate_page_satisfaction_score_recorded(client, survey, office):
    url = reverse("reviews:gate", args=[survey["stage"].pk])
    client.force_login(office)
    client.post(url, _gate_post(survey["application"], GateOutcome.PASS, "", score="87.5"))
    assert GateRecord.objects.get().score == Decimal("87.50")
    assert 'data-outcome="pass" data-score="87.50"' in client.get(url).content.decode()


def test_gate_page_department_reads_a_qualification_check_without_forms(client, linyi, department_user):
    client.force_login(department_user)
    page = client.get(reverse("reviews:gate", args=[linyi["stage"].pk])).content.decode()
    assert 'data-can-record="false"' in page
    assert 'class="gate-form"' not in page
    assert reverse("reviews:signoff", args=[linyi["stage"].pk]) in page


def _gate_queries(client, weihai, office, count: int) -> int:
    for n in range(2, count + 1):
        application = _application(weihai["edition"], "public_opinion", number=n)
        if n % 2:
            GateRecord.objects.create(
                edition_stage=weihai["stage"], application=application, outcome="pass", note="", recorded_by=office
            )
    client.force_login(office)
    url = reverse("reviews:gate", args=[weihai["stage"].pk])
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_gate_page_query_count_constant(client, django_db_blocker, office):
    counts = []
    for count in (1, 15):
        with translation.override("en"):
            edition = make_edition(year=2030 + count)
            scene = {
                "edition": edition,
                "stage": _edition_stage(edition, "public_opinion", opens=timezone.localdate()),
            }
            _application(edition, "public_opinion", number=1)
            counts.append(_gate_queries(client, scene, office, count))
    assert counts[0] == counts[1]


# --- department sign-offs (Linyi art. 15) -------------------------------------------------------------------------


def _sign(client, stage, application, department, decision, note=""):
    prefix = f"signoff-{application.pk}"
    return client.post(
        reverse("reviews:signoff", args=[stage.pk]),
        {
            "action": "sign",
            "application": application.pk,
            f"{prefix}-department": department,
            f"{prefix}-decision": decision,
            f"{prefix}-note": note,
        },
    )


def test_signoff_page_all_departments_approve_then_the_check_passes(client, linyi, department_user):
    stage, application = linyi["stage"], linyi["application"]
    client.force_login(department_user)
    page = client.get(reverse("reviews:signoff", args=[stage.pk])).content.decode()
    assert 'data-departments="市发改委、市经信委、市人社局"' in page
    assert 'id="departments-form"' not in page  # the office's, not a department's
    for department in LINYI_DEPARTMENTS:
        client.force_login(department_signer(department))  # a department signs only for itself
        response = _sign(client, stage, application, department, SignOffDecision.APPROVE)
        assert response["Location"] == reverse("reviews:signoff", args=[stage.pk])
    application = Application.objects.get(pk=application.pk)
    assert (application.state, application.current_stage.kind) == ("in_review", "material_review")
    assert GateRecord.objects.get().outcome == GateOutcome.PASS
    page = client.get(reverse("reviews:signoff", args=[stage.pk])).content.decode()
    assert f'data-application="{application.pk}" data-at-stage="false"' in page
    assert page.count('data-decision="approve"') == 3


def test_signoff_page_refusal_fails_with_reason_in_history(client, linyi, department_user):
    stage, application = linyi["stage"], linyi["application"]
    client.force_login(department_user)
    _sign(client, stage, application, "市发改委", SignOffDecision.APPROVE)
    client.force_login(department_signer("市人社局"))
    _sign(client, stage, application, "市人社局", SignOffDecision.REFUSE, "存在拖欠工资投诉")
    application = Application.objects.get(pk=application.pk)
    assert application.state == "disqualified"
    last = ApplicationTransition.objects.filter(application=application).latest("pk")
    assert last.comment == "Qualification check: 市人社局：存在拖欠工资投诉"


def test_signoff_page_refusal_without_reason_refused_and_kept(client, linyi):
    client.force_login(department_signer("市经信委"))
    response = _sign(client, linyi["stage"], linyi["application"], "市经信委", SignOffDecision.REFUSE)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write the reason the applicant will read." in page
    assert '<option value="市经信委" selected>' in page
    assert not DepartmentSignOff.objects.exists()


def test_signoff_page_office_edits_departments_before_anyone_signed(client, linyi, office, department_user):
    url = reverse("reviews:signoff", args=[linyi["stage"].pk])
    client.force_login(office)
    assert 'id="departments-form"' in client.get(url).content.decode()
    response = client.post(url, {"action": "departments", "names": "市发改委\n\n市质监局\n"})
    assert response["Location"] == url
    assert list(StageDepartment.objects.filter(edition_stage=linyi["stage"]).values_list("name", flat=True)) == [
        "市发改委",
        "市质监局",
    ]
    client.force_login(department_user)
    _sign(client, linyi["stage"], linyi["application"], "市发改委", SignOffDecision.APPROVE)
    client.force_login(office)
    assert 'id="departments-form"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "departments", "names": "市发改委"})
    assert response.status_code == 400
    assert "the list can no longer change" in response.content.decode()
    assert StageDepartment.objects.filter(edition_stage=linyi["stage"]).count() == 2


def test_signoff_page_department_may_not_edit_the_list(client, linyi, department_user):
    client.force_login(department_user)
    url = reverse("reviews:signoff", args=[linyi["stage"].pk])
    response = client.post(url, {"action": "departments", "names": "x"})
    assert response.status_code == 403
    assert StageDepartment.objects.filter(edition_stage=linyi["stage"]).count() == 3


# --- site visits and defence sessions ------------------------------------------------------------------------------


def test_visits_page_schedules_a_visit(client, onsite, agency):
    url = reverse("reviews:visits", args=[onsite["stage"].pk])
    client.force_login(agency)
    page = client.get(url).content.decode()
    assert all(f'value="{expert.pk}"' in page for expert in onsite["experts"])
    response = client.post(
        url,
        {
            "application": onsite["application"].pk,
            "scheduled_on": "2020-07-15",
            "place": "兰山区工业大道 1 号",
            "team": [expert.pk for expert in onsite["experts"][:2]],
            "checklist": "查看生产现场\n\n查阅质量记录\n",
        },
    )
    assert response["Location"] == url
    visit = SiteVisit.objects.get()
    assert (visit.application, visit.scheduled_on, visit.scheduled_by) == (
        onsite["application"],
        date(2020, 7, 15),
        agency,
    )
    assert sorted(visit.team.values_list("full_name", flat=True)) == ["张专家", "李专家"]
    assert visit.checklist == [{"item": "查看生产现场", "done": False}, {"item": "查阅质量记录", "done": False}]
    assert f'data-visit="{visit.pk}" data-application="{onsite["application"].pk}" data-date="2020-07-15"' in (
        client.get(url).content.decode()
    )


def test_visits_page_refuses_a_stranger_to_the_application_and_keeps_input(client, onsite, office):
    url = reverse("reviews:visits", args=[onsite["stage"].pk])
    client.force_login(office)
    response = client.post(
        url,
        {
            "application": onsite["application"].pk,
            "scheduled_on": "2020-07-15",
            "place": "兰山区工业大道 1 号",
            "team": [onsite["experts"][0].pk, onsite["experts"][2].pk],
            "checklist": "查看生产现场",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Not assigned to this application at this stage: 王专家." in page
    assert 'value="兰山区工业大道 1 号"' in page
    assert "查看生产现场</textarea>" in page
    assert not SiteVisit.objects.exists()


def test_defence_page_schedules_a_session_in_beijing_time(client, defence, agency):
    url = reverse("reviews:defence", args=[defence["stage"].pk])
    client.force_login(agency)
    first, second, _third = defence["applications"]
    response = client.post(
        url, {"starts_at": "2020-08-05T09:30", "place": "市政务中心 3 楼", "applications": [first.pk, second.pk]}
    )
    assert response["Location"] == url
    session = DefenceSession.objects.get()
    assert session.starts_at == datetime(2020, 8, 5, 9, 30, tzinfo=SHANGHAI)
    assert sorted(session.applications.values_list("pk", flat=True)) == [first.pk, second.pk]
    page = client.get(url).content.decode()
    assert f'data-session="{session.pk}" data-starts-at="2020-08-05 09:30"' in page


def test_defence_page_refuses_an_application_heard_already_and_keeps_input(client, defence, office):
    url = reverse("reviews:defence", args=[defence["stage"].pk])
    first, _second, third = defence["applications"]
    stage_records.defence_session_schedule(
        edition_stage=defence["stage"],
        starts_at=datetime(2020, 8, 3, 9, 0, tzinfo=SHANGHAI),
        place="市政务中心",
        applications=[first],
        by=office,
    )
    client.force_login(office)
    response = client.post(
        url, {"starts_at": "2020-08-06T14:00", "place": "市政务中心 5 楼", "applications": [first.pk, third.pk]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Already in another session of this stage: {first.number}." in page
    assert 'value="2020-08-06T14:00"' in page
    assert DefenceSession.objects.count() == 1


# --- setting up a gate stage ---------------------------------------------------------------------------------------


def test_stage_create_qualification_check_prefills_departments(client, office):
    edition = _linyi_edition()
    stage = edition.rulebook.stages.get(kind="qualification_check")
    client.force_login(office)
    response = client.post(
        reverse("reviews:stage_create"),
        {
            "edition": edition.pk,
            "stage": stage.pk,
            "opens": "2020-06-01",
            "sheets_due": "2020-06-30",
            "experts_per_application": 1,
        },
    )
    created = EditionStage.objects.get(edition=edition, stage=stage)
    assert response.status_code == 302
    assert created.score_sheet is None
    assert list(created.departments.values_list("name", flat=True)) == stage_records.default_departments(stage)
    assert len(stage_records.default_departments(stage)) == 9
    page = client.get(reverse("reviews:stages")).content.decode()
    assert reverse("reviews:gate", args=[created.pk]) in page


def test_stage_create_gate_stage_refuses_a_score_sheet(client, weihai, office):
    from reviews.models import ScoreSheetTemplate

    stage = weihai["edition"].rulebook.stages.get(kind="qualification_check")
    client.force_login(office)
    response = client.post(
        reverse("reviews:stage_create"),
        {
            "edition": weihai["edition"].pk,
            "stage": stage.pk,
            "opens": timezone.localdate().isoformat(),
            "sheets_due": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "experts_per_application": 1,
            "score_sheet": ScoreSheetTemplate.objects.first().pk,
        },
    )
    assert "The result of this stage is recorded, not scored on a sheet" in response.content.decode()
    assert not EditionStage.objects.filter(stage=stage).exists()
