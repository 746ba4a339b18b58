"""National 第二十一条: 对有异议的经验进行调查核实并报评审委员会审议. The office's findings on an objection go to the
review committee, whose deliberation (date, conclusion) is recorded; the association does not approve an application
whose objections the committee has not deliberated. Only where the rulebook says so (NoticeSpec flag)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications.enums import ApplicationState
from applications.models import Application
from decisions import notice as notice_services
from decisions.models import Objection, ObjectionDeliberation
from decisions.objections import objection_decide, objection_deliberation_record
from decisions.services import application_approve, approval_record
from tests.decisions.scenes import chain_scene, office_user, publish_on_channels, stage_of
from tests.decisions.test_chain import document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationState
MONDAY = date(2026, 9, 28)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: MONDAY)


def at_approval_with_a_dismissed_objection(code: str, approval_kind: str):
    """A notice of one candidate with an objection the office dismissed; the notice ended; the approving body's
    document recorded. Returns (application, objection, office)."""
    edition, [application] = chain_scene(code, units=1, individuals=0, at="public_notice")
    office = office_user()
    notice = notice_services.notice_open(edition=edition, by=office, starts_on=MONDAY, how_to_object="电话")
    publish_on_channels(notice, office)
    entry = notice.entries.get()
    objection = Objection.objects.create(
        reference=f"YY{entry.pk:08d}",
        notice=notice,
        entry=entry,
        full_name="张三",
        phone="13800000000",
        statement="申报材料中的数据不实。",
    )
    objection_decide(objection=objection, upheld=False, findings="经调查核实，数据属实。", by=office)
    assert notice_services.notice_sweep(now=notice.ends_at) == 1
    approval_record(
        edition=edition,
        stage=stage_of(edition, approval_kind),
        by=office,
        held_on=MONDAY,
        document_number="中质协〔2026〕1号",
        document=document(),
    )
    application.refresh_from_db()
    objection.refresh_from_db()
    return application, objection, office


@pytest.mark.parametrize(
    "code", [pytest.param("national-benchmark", id="N21b-national-art21-approval-waits-for-committee-deliberation")]
)
def test_national_approval_refused_until_the_committee_deliberated_the_findings(code):
    application, objection, office = at_approval_with_a_dismissed_objection(code, "organiser_approval")

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        application_approve(application=application, by=office)
    [message] = refused.value.messages
    assert "(第二十一条)" in message and "评审委员会" in message
    assert Application.objects.get(pk=application.pk).state == S.CANDIDATE

    deliberation = objection_deliberation_record(
        objection=objection, held_on=MONDAY, conclusion="评审委员会审议同意调查结论，保留推荐。", by=office
    )
    assert (deliberation.body, deliberation.held_on) == ("评审委员会", MONDAY)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(deliberation.pk), actor=office).exists()

    application_approve(application=application, by=office)
    assert Application.objects.get(pk=application.pk).state == S.APPROVED


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        pytest.param("zibo-leading", "government_approval", id="Z19-zibo-art19-no-committee-step-for-objections"),
        pytest.param("shandong-benchmark", "organiser_approval", id="S3e-shandong-1-3-4-no-committee-step"),
    ],
)
def test_approval_without_committee_rule_needs_no_deliberation(code, kind):
    application, objection, office = at_approval_with_a_dismissed_objection(code, kind)
    application_approve(application=application, by=office)
    assert Application.objects.get(pk=application.pk).state == S.APPROVED
    with translation.override("en"), pytest.raises(ValidationError, match="does not have objections reported"):
        objection_deliberation_record(objection=objection, held_on=MONDAY, conclusion="同意。", by=office)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"conclusion": " "}, "conclusion", id="N21b-national-art21-conclusion-required"),
        pytest.param({"held_on": MONDAY + timedelta(days=1)}, "future", id="N21b-national-art21-date-not-in-future"),
    ],
)
def test_deliberation_bad_inputs_refused(fields, message):
    _application, objection, office = at_approval_with_a_dismissed_objection("national-benchmark", "organiser_approval")
    data = {"held_on": MONDAY, "conclusion": "同意。"} | fields
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        objection_deliberation_record(objection=objection, by=office, **data)
    assert not ObjectionDeliberation.objects.exists()


def test_deliberation_of_an_open_objection_or_twice_refused():
    _application, objection, office = at_approval_with_a_dismissed_objection("national-benchmark", "organiser_approval")
    objection_deliberation_record(objection=objection, held_on=MONDAY, conclusion="同意。", by=office)
    with translation.override("en"), pytest.raises(ValidationError, match="already recorded"):
        objection_deliberation_record(objection=objection, held_on=MONDAY, conclusion="同意。", by=office)
    Objection.objects.filter(pk=objection.pk).update(state="open")
    ObjectionDeliberation.objects.all().delete()
    with translation.override("en"), pytest.raises(ValidationError, match="findings of the investigation first"):
        objection_deliberation_record(objection=objection, held_on=MONDAY, conclusion="同意。", by=office)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.AUDITOR])
def test_deliberation_refused_to_others_and_audited(role):
    _application, objection, _office = at_approval_with_a_dismissed_objection(
        "national-benchmark", "organiser_approval"
    )
    outsider = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        objection_deliberation_record(objection=objection, held_on=MONDAY, conclusion="同意。", by=outsider)
    assert AuditEvent.objects.filter(actor=outsider, result=AuditResult.REFUSED).exists()


# --- the pages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [pytest.param("national-benchmark", id="N21b-national-art21-deliberation-page")])
def test_deliberation_page_from_the_objection_page_records_it(client, code):
    _application, objection, office = at_approval_with_a_dismissed_objection(code, "organiser_approval")
    client.force_login(office)
    url = reverse("decisions:objection_deliberation", args=[objection.pk])

    detail = client.get(reverse("decisions:objection_detail", args=[objection.pk])).content.decode()
    assert url in detail and "第二十一条" in detail
    assert client.get(url).status_code == 200

    response = client.post(url, {"held_on": "2026-09-28", "conclusion": "评审委员会审议同意。"})

    assert response.status_code == 302
    assert ObjectionDeliberation.objects.get().conclusion == "评审委员会审议同意。"
    assert (
        "评审委员会审议同意。"
        in client.get(reverse("decisions:objection_detail", args=[objection.pk])).content.decode()
    )


def test_deliberation_page_is_404_where_the_rulebook_has_no_committee_step(client):
    _application, objection, office = at_approval_with_a_dismissed_objection("zibo-leading", "government_approval")
    client.force_login(office)
    assert client.get(reverse("decisions:objection_deliberation", args=[objection.pk])).status_code == 404
    detail = client.get(reverse("decisions:objection_detail", args=[objection.pk])).content.decode()
    assert reverse("decisions:objection_deliberation", args=[objection.pk]) not in detail


def test_deliberation_page_outsiders(client):
    _application, objection, _office = at_approval_with_a_dismissed_objection(
        "national-benchmark", "organiser_approval"
    )
    url = reverse("decisions:objection_deliberation", args=[objection.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    assert client.get(url).status_code == 403
    client.force_login(office_user())
    assert client.get(reverse("decisions:objection_deliberation", args=[999999])).status_code == 404
