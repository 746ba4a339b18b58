"""The pages: public report form and announcements, the holder's page, the office's case list, case page, steps,
evidence, recovery and spot checks. Every view with its outsider cases; the lists with their query counts."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.enums import Role
from accounts.humancheck import solved_data
from decisions.certificates import certificate_issue
from revocation import services
from revocation.enums import CaseSource
from revocation.models import RevocationCase, SpotCheck
from tests.applications.conftest import pdf_bytes
from tests.decisions import make_edition, unit_winner

from .conftest import DECIDED_ON, case_at, cites

pytestmark = pytest.mark.django_db


def pdf(name="证据.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def report_data(winner, **extra):
    return {
        "application": winner.pk,
        "full_name": "张三",
        "contact": "13800000000",
        "facts": "产品质量问题被投诉",
        **solved_data(),
        **extra,
    }


# --- the citizen's report --------------------------------------------------------------------------------


def test_report_form_lists_only_current_holders(client, weihai, winner):
    from applications.enums import ApplicationState

    unit_winner(weihai, name="已撤销有限公司", state=ApplicationState.REVOKED, revoked_on=date(2026, 1, 1))
    response = client.get("/revocation/report/")
    assert response.status_code == 200
    choices = [label for value, label in response.context["form"].fields["application"].choices if value]
    assert choices == [f"{winner.organisation.name} · {weihai.scheme.short_name} 2025年度"]
    assert "已撤销有限公司" not in response.content.decode()


def test_report_post_creates_awaiting_case_and_shows_reference(client, winner):
    response = client.post("/revocation/report/", {**report_data(winner), "evidence": pdf()})
    assert response.status_code == 302 and response.url == "/revocation/report/received/"
    case = RevocationCase.objects.get()
    assert (case.state, case.source, case.reporter_name, case.evidence.count()) == (
        "awaiting",
        "public_report",
        "张三",
        1,
    )
    page = client.get(response.url)
    assert case.reference in page.content.decode()


def test_report_wrong_human_answer_is_refused(client, winner):
    data = report_data(winner)
    data["human_answer"] = str(int(data["human_answer"]) + 1)
    response = client.post("/revocation/report/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["human_answer"]
    assert RevocationCase.objects.count() == 0


def test_report_honeypot_is_refused(client, winner):
    response = client.post("/revocation/report/", report_data(winner, website="http://spam"))
    assert response.status_code == 200 and RevocationCase.objects.count() == 0


@override_settings(RATE_LIMITS={"revocation:report": (2, 3600)})
def test_report_rate_limited_per_address(client, winner):
    statuses = [client.post("/revocation/report/", report_data(winner)).status_code for _i in range(3)]
    assert statuses == [302, 302, 429]
    assert RevocationCase.objects.count() == 2


def test_report_done_without_a_report_goes_back_to_the_form(client):
    response = client.get("/revocation/report/received/")
    assert (response.status_code, response.url) == (302, "/revocation/report/")


# --- announcements and verification ----------------------------------------------------------------------


@cites("W27c-weihai-art27-revocation-announced-to-the-public")
def test_announcements_list_and_detail_show_the_revocation(client, winner, office):
    case = case_at("revoked", application=winner, office=office)
    body = client.get("/revocation/announcements/").content.decode()
    for text in (
        winner.organisation.name,
        winner.edition.scheme.name,
        "2025年度",
        "第二十七条第（一）项",
        "2026-10-15",
        "威政字〔2026〕88号",
    ):
        assert text in body
    detail = client.get(f"/revocation/announcements/{case.reference}/")
    assert detail.status_code == 200
    assert "市政府" in detail.content.decode()


def test_announcement_of_an_undecided_case_is_404(client, winner, office):
    case = case_at("proposed", application=winner, office=office)
    assert client.get(f"/revocation/announcements/{case.reference}/").status_code == 404
    assert client.get("/revocation/announcements/R2026-NOPE/").status_code == 404
    assert winner.organisation.name not in client.get("/revocation/announcements/").content.decode()


def test_announcements_query_count_constant(client, office, django_assert_num_queries):
    edition = make_edition("weihai-mayor", 2024)

    def revoke(n):
        for i in range(n):
            case_at(
                "revoked",
                application=unit_winner(
                    edition, name=f"单位{RevocationCase.objects.count()}-{i}", awarded_on=date(2024, 9, 1)
                ),
                office=office,
            )

    revoke(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/revocation/announcements/").status_code == 200
    revoke(49)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get("/revocation/announcements/")
    assert len(response.context["page"]) == 50
    assert len(one) == len(fifty)


@cites("Z27-zibo-art27-revoked-may-no-longer-use-the-title", "W21-weihai-art21-revoked-may-no-longer-use-the-title")
def test_verification_page_after_revocation_says_revoked(client, winner, office):
    certificate = certificate_issue(application=winner, by=office)
    assert 'data-status="valid"' in client.get(f"/verify/{certificate.token}/").content.decode()
    case_at("revoked", application=winner, office=office)
    body = client.get(f"/verify/{certificate.token}/").content.decode()
    assert 'data-status="revoked"' in body
    assert "2026-10-15" in body


@cites("Z27-zibo-art27-revoked-certificate-no-longer-downloadable")
def test_holder_may_no_longer_download_the_revoked_certificate(client, winner, office):
    certificate = certificate_issue(application=winner, by=office)
    case_at("revoked", application=winner, office=office)
    client.force_login(winner.owner)
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 404


# --- the holder ------------------------------------------------------------------------------------------


def test_mine_outsiders(client, users):
    assert client.get("/revocation/mine/").status_code == 302
    client.force_login(users[Role.OFFICE_STAFF])
    assert client.get("/revocation/mine/").status_code == 403


def test_mine_shows_revocation_ban_recovery_and_no_reporter(client, winner, office):
    reported = services.report_file(application=winner, full_name="举报人王五", contact="13911112222", facts="事实")
    services.case_confirm(case=reported, by=office)
    case_at("revoked", application=winner, office=office)
    client.force_login(winner.owner)
    response = client.get("/revocation/mine/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "威政字〔2026〕88号" in body and "2031-10-15" in body and "第二十九条" in body
    assert reported.reference in body
    assert "举报人王五" not in body and "13911112222" not in body
    [award] = response.context["awards"]
    assert [c.state for c in award.revocation_cases] == ["revoked", "opened"]


def test_mine_hides_unconfirmed_reports_and_other_holders(client, winner, weihai, make_user):
    services.report_file(application=winner, full_name="王五", contact="139", facts="事实")
    client.force_login(winner.owner)
    [award] = client.get("/revocation/mine/").context["awards"]
    assert award.revocation_cases == []
    other = unit_winner(weihai, name="别家有限公司")
    client.force_login(other.owner)
    assert [a.pk for a in client.get("/revocation/mine/").context["awards"]] == [other.pk]


# --- the office's case list and page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/revocation/office/cases/", "/revocation/office/cases/new/", "/revocation/office/spot-checks/"]
)
def test_office_pages_outsiders(client, users, url):
    response = client.get(url)
    assert (response.status_code, response.url.split("?")[0]) == (302, "/accounts/login/")
    for role in (Role.APPLICANT, Role.EXPERT, Role.DISTRICT_COORDINATOR, Role.SUPERVISOR):
        client.force_login(users[role])
        assert client.get(url).status_code == 403


def test_case_list_for_office_and_auditor(client, users, winner, office):
    case = case_at("opened", application=winner, office=office)
    for user, can_open in ((office, True), (users[Role.AUDITOR], False)):
        client.force_login(user)
        response = client.get("/revocation/office/cases/")
        assert [c.pk for c in response.context["page"]] == [case.pk]
        assert ('id="open-case"' in response.content.decode()) is can_open
    client.force_login(users[Role.AUDITOR])
    assert client.get("/revocation/office/cases/new/").status_code == 403


def test_case_list_filters_by_scheme_and_state(client, winner, office):
    opened = case_at("opened", application=winner, office=office)
    linyi = unit_winner(make_edition("linyi-mayor", 2025), name="临沂有限公司")
    proposed = case_at("proposed", application=linyi, office=office)
    client.force_login(office)
    linyi_scheme = linyi.edition.scheme_id

    def listed(query):
        return [c.pk for c in client.get(f"/revocation/office/cases/?{query}").context["page"]]

    assert listed(f"scheme={linyi_scheme}") == [proposed.pk]
    assert listed("state=opened") == [opened.pk]
    assert listed(f"scheme={linyi_scheme}&state=opened") == []
    response = client.get("/revocation/office/cases/?scheme=abc")
    assert response.status_code == 200 and len(response.context["page"]) == 2


def test_case_list_query_count_constant(client, office):
    edition = make_edition("weihai-mayor", 2024)
    holder = unit_winner(edition, awarded_on=date(2024, 9, 1))

    def open_cases(n):
        for _i in range(n):
            services.case_open(application=holder, source=CaseSource.MEDIA_EXPOSURE, by=office, summary="事实")

    client.force_login(office)
    open_cases(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/revocation/office/cases/").status_code == 200
    open_cases(49)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get("/revocation/office/cases/")
    assert len(response.context["page"]) == 50
    assert len(one) == len(fifty)


def test_case_page_outsiders_and_office(client, users, winner, office):
    case = services.report_file(application=winner, full_name="王五", contact="139", facts="事实")
    url = f"/revocation/office/cases/{case.pk}/"
    assert client.get(url).status_code == 302
    client.force_login(winner.owner)
    assert client.get(url).status_code == 403
    client.force_login(office)
    body = client.get(url).content.decode()
    assert "王五" in body and 'id="confirm-form"' in body
    assert client.get(f"/revocation/office/cases/{case.pk + 999}/").status_code == 404
    client.force_login(users[Role.AUDITOR])
    body = client.get(url).content.decode()
    assert "王五" in body and 'id="confirm-form"' not in body


def test_case_steps_through_the_pages_to_revocation(client, winner, office):
    client.force_login(office)
    case = services.report_file(application=winner, full_name="王五", contact="139", facts="事实")
    base = f"/revocation/office/cases/{case.pk}/"
    assert client.post(base + "confirm/", {"comment": "受理"}).status_code == 302
    assert client.post(base + "investigate/", {"comment": ""}).status_code == 302
    from .conftest import ground

    rule = ground("weihai-mayor", "第二十七条", 1)
    assert client.post(base + "propose/", {"ground": rule.pk, "findings": "经查证属实"}).status_code == 302
    missing = client.post(base + "revoke/", {"ground": rule.pk, "document_number": "", "decided_on": "2026-10-15"})
    assert missing.status_code == 400
    assert missing.context["revoke_form"].errors["document_number"]
    done = client.post(
        base + "revoke/",
        {"ground": rule.pk, "document_number": "威政字〔2026〕88号", "decided_on": "2026-10-15", "document": pdf()},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    winner.refresh_from_db()
    assert (case.state, winner.state, winner.revoked_on) == ("revoked", "revoked", DECIDED_ON)
    document = client.get(base + "decision-document/")
    assert document.status_code == 200
    assert b"".join(document.streaming_content) == pdf_bytes()
    assert client.post(base + "nonsense/").status_code == 404


def test_case_step_refused_to_auditor_and_applicant(client, users, winner, office):
    case = case_at("opened", application=winner, office=office)
    url = f"/revocation/office/cases/{case.pk}/investigate/"
    assert client.post(url).status_code == 302  # to the login page
    for user in (users[Role.AUDITOR], winner.owner):
        client.force_login(user)
        assert client.post(url).status_code == 403
    case.refresh_from_db()
    assert case.state == "opened"


def test_case_step_out_of_order_shows_the_error(client, winner, office):
    case = case_at("opened", application=winner, office=office)
    client.force_login(office)
    response = client.post(f"/revocation/office/cases/{case.pk}/confirm/", {"comment": ""})
    assert response.status_code == 400


def test_case_open_page(client, winner, office):
    client.force_login(office)
    assert client.get("/revocation/office/cases/new/").status_code == 200
    response = client.post(
        "/revocation/office/cases/new/", {"application": winner.pk, "source": "media_exposure", "summary": "媒体曝光"}
    )
    case = RevocationCase.objects.get()
    assert (response.status_code, response.url) == (302, f"/revocation/office/cases/{case.pk}/")
    assert (case.state, case.source, case.opened_by) == ("opened", "media_exposure", office)


# --- evidence --------------------------------------------------------------------------------------------


def test_evidence_upload_and_scoped_download(client, users, winner, office):
    case = case_at("opened", application=winner, office=office)
    other = case_at("opened", application=winner, office=office)
    client.force_login(office)
    assert (
        client.post(f"/revocation/office/cases/{case.pk}/evidence/", {"file": pdf(), "description": "照片"}).status_code
        == 302
    )
    evidence = case.evidence.get()
    url = f"/revocation/office/cases/{case.pk}/evidence/{evidence.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert client.get(f"/revocation/office/cases/{other.pk}/evidence/{evidence.pk}/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(winner.owner)
    assert client.get(url).status_code == 403
    assert client.post(f"/revocation/office/cases/{case.pk}/evidence/", {"file": pdf()}).status_code == 403


def test_evidence_upload_rejects_a_bad_file(client, winner, office):
    case = case_at("opened", application=winner, office=office)
    client.force_login(office)
    bad = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(f"/revocation/office/cases/{case.pk}/evidence/", {"file": bad})
    assert response.status_code == 400 and case.evidence.count() == 0


def test_decision_download_without_a_file_is_404(client, winner, office):
    case = case_at("revoked", application=winner, office=office)
    client.force_login(office)
    assert client.get(f"/revocation/office/cases/{case.pk}/decision-document/").status_code == 404


# --- recovery --------------------------------------------------------------------------------------------


def test_recovery_update_page(client, winner, office):
    case = case_at("revoked", application=winner, office=office)
    plaque = case.recovery.get(kind="plaque")
    url = f"/revocation/office/cases/{case.pk}/recovery/{plaque.pk}/"
    client.force_login(winner.owner)
    assert client.post(url, {f"r{plaque.pk}-state": "recovered"}).status_code == 403
    client.force_login(office)
    response = client.post(url, {f"r{plaque.pk}-state": "recovered", f"r{plaque.pk}-done_on": "2026-11-01"})
    assert response.status_code == 302
    plaque.refresh_from_db()
    assert (plaque.state, plaque.done_on) == ("recovered", date(2026, 11, 1))
    assert client.post(f"/revocation/office/cases/{case.pk + 1}/recovery/{plaque.pk}/", {}).status_code == 404


# --- spot checks -----------------------------------------------------------------------------------------


def test_spot_check_page_records_and_proposes(client, office):
    holder = unit_winner(make_edition("linyi-mayor", 2023), name="临沂化工有限公司", awarded_on=date(2023, 9, 1))
    client.force_login(office)
    data = {
        "organisation": holder.organisation_id,
        "authority": "临沂市市场监督管理局",
        "level": "city",
        "product": "化肥",
        "result": "fail",
    }
    assert client.post("/revocation/office/spot-checks/", {**data, "checked_on": "2024-03-01"}).status_code == 302
    response = client.post("/revocation/office/spot-checks/", {**data, "checked_on": "2024-09-01"}, follow=True)
    case = RevocationCase.objects.get()
    assert case.reference in response.content.decode()
    assert SpotCheck.objects.count() == 2
    assert [c.pk for c in client.get("/revocation/office/spot-checks/").context["page"]] == list(
        SpotCheck.objects.order_by("-checked_on").values_list("pk", flat=True)
    )


def test_spot_check_page_read_only_for_auditor(client, users, winner):
    client.force_login(users[Role.AUDITOR])
    response = client.get("/revocation/office/spot-checks/")
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post("/revocation/office/spot-checks/", {}).status_code == 403


# --- the holder's duties, as each rulebook words them, on the holder's page --------------------------------


@pytest.mark.parametrize(
    ("code", "articles", "wording"),
    [
        pytest.param(
            "zibo-leading",
            "第二十七条、第二十八条、第三十条",
            "不得违反《中华人民共和国广告法》等相关法律法规要求",
            id="Z27b-zibo-art27-advertising-law",
        ),
        pytest.param(
            "zibo-leading",
            "第二十七条、第二十八条、第三十条",
            "有义务配合市质量强市办总结提炼、宣传推广其质量工作先进经验和成果（涉及商业机密的除外），并主动分享质量管理模式和方法",
            id="Z28-zibo-art28-improve-sum-up-promote-share",
        ),
        pytest.param(
            "weihai-mayor",
            "第二十一条、第二十二条",
            "市长质量奖称号的使用，不得违反《中华人民共和国广告法》等相关法律、法规要求",
            id="W21-weihai-art21-advertising-law",
        ),
        pytest.param(
            "weihai-mayor",
            "第二十一条、第二十二条",
            "配合市强市办总结提炼、宣传推广、交流观摩质量工作先进经验和成果",
            id="W22-weihai-art22-sum-up-promote-show-share",
        ),
        pytest.param(
            "linyi-mayor",
            "第二十二条、第二十三条",
            "不得将市长质量奖称号用于产品的宣传（如广告、包装、说明等）",
            id="L22-linyi-art22-not-in-advertising-packaging-manuals",
        ),
        pytest.param(
            "national-benchmark",
            "第二十三条",
            "参加中国质量协会举办的经验交流活动",
            id="N23-national-art23-exchange-events",
        ),
    ],
)
def test_mine_shows_the_holders_duties_with_their_articles(client, code, articles, wording):
    holder = unit_winner(make_edition(code, 2025), name="持有单位有限公司", awarded_on=date(2025, 9, 1))
    client.force_login(holder.owner)
    response = client.get("/revocation/mine/")
    [award] = response.context["awards"]
    assert award.procedure.duties_article == articles
    assert wording in award.procedure.holder_duties
    body = response.content.decode()
    assert wording in body and f"({articles})" in body


@cites("Z29-zibo-art29-case-page-warns-and-refuses-until-the-procedure-is-confirmed")
def test_zibo_case_page_names_the_unconfirmed_procedure_and_refuses_the_step(client, office):
    holder = unit_winner(make_edition("zibo-leading", 2025), name="淄博精密制造有限公司", awarded_on=date(2025, 9, 1))
    case = services.case_open(
        application=holder, source=CaseSource.PERIODIC_EVALUATION, by=office, summary="定期评估不符合条件"
    )
    client.force_login(office)
    page = client.get(f"/revocation/office/cases/{case.pk}/").content.decode()
    assert 'id="procedure-problem"' in page and "第二十九条" in page
    response = client.post(f"/revocation/office/cases/{case.pk}/investigate/", {"comment": ""})
    assert response.status_code == 400
    assert "第二十九条" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "opened"
