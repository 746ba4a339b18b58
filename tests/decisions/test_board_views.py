"""The office's decision pages: the board, each step's form, approvals and the announcement, with the outsiders."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from applications.enums import ApplicationState
from applications.models import Application
from decisions import notice as notice_services
from decisions.models import DecisionStep, PublicNotice
from decisions.services import approval_record
from tests.applications.conftest import pdf_bytes
from tests.decisions.scenes import chain_scene, office_user, stage_of
from tests.factories import UserFactory
from tests.reviews.committees import acting_committee

S = ApplicationState
MONDAY = date(2026, 9, 28)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: MONDAY)


@pytest.fixture
def office(client):
    user = office_user()
    client.force_login(user)
    return user


def board_url(edition):
    return reverse("decisions:board", kwargs={"edition_id": edition.pk})


def step_url(edition, kind):
    return reverse("decisions:step", kwargs={"edition_id": edition.pk, "stage_id": stage_of(edition, kind).pk})


def pdf(name="批复.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


# --- outsiders ------------------------------------------------------------------------------------------------


def outsider_urls(edition):
    approval = stage_of(edition, "government_approval")
    application = Application.objects.filter(edition=edition).first()
    return [
        ("get", board_url(edition)),
        ("get", step_url(edition, "candidate_list")),
        ("post", reverse("decisions:approve", kwargs={"edition_id": edition.pk, "stage_id": approval.pk})),
        (
            "post",
            reverse(
                "decisions:not_approved",
                kwargs={"edition_id": edition.pk, "stage_id": approval.pk, "application_id": application.pk},
            ),
        ),
    ]


def test_decision_pages_send_anonymous_users_to_the_login(client):
    edition, _applications = chain_scene("weihai-mayor", units=1, individuals=0)

    for method, url in outsider_urls(edition):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.EXPERT, Role.DISTRICT_COORDINATOR, Role.AGENCY_STAFF, Role.SUPERVISOR, Role.SYSADMIN]
)
def test_decision_pages_refuse_other_roles(client, role):
    edition, applications = chain_scene("weihai-mayor", units=1, individuals=0)
    client.force_login(UserFactory(roles=[role]))

    for method, url in outsider_urls(edition):
        assert getattr(client, method)(url).status_code == 403, url
    assert Application.objects.get(pk=applications[0].pk).state == S.CANDIDATE


def test_auditor_reads_the_board_but_cannot_act(client):
    edition, _applications = chain_scene("weihai-mayor", units=1, individuals=0)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    response = client.get(board_url(edition))

    assert response.status_code == 200
    assert step_url(edition, "candidate_list") not in response.content.decode()
    assert client.get(step_url(edition, "candidate_list")).status_code == 403


def test_step_of_another_rulebook_is_404(client, office):
    edition, _applications = chain_scene("weihai-mayor", units=1, individuals=0)
    other, _ = chain_scene("linyi-mayor", units=1, individuals=0)
    url = reverse(
        "decisions:step", kwargs={"edition_id": edition.pk, "stage_id": stage_of(other, "review_committee").pk}
    )

    assert client.get(url).status_code == 404
    assert client.get(reverse("decisions:board", kwargs={"edition_id": 999999})).status_code == 404


# --- the board ----------------------------------------------------------------------------------------------------


def test_board_shows_the_current_step_and_the_countdown(client, office):
    edition, _applications = chain_scene("weihai-mayor", units=2, individuals=1, at="public_notice")
    notice_services.notice_open(edition=edition, by=office, starts_on=MONDAY, how_to_object="电话0631-5200000")

    response = client.get(board_url(edition))

    html = response.content.decode()
    stages = {item.stage.kind: item.status for item in response.context["stages"]}
    assert stages == {
        "candidate_list": "later",  # nobody's proposal was recorded in this scene: it started at the notice
        "public_notice": "current",
        "leading_group": "later",
        "government_approval": "later",
        "announcement": "later",
    }
    assert response.context["countdown"] == 5
    assert "2026-10-10" in html
    assert len(response.context["candidates"]) == 3


def test_board_query_count_constant_from_1_to_50_candidates(client, office):
    small, _ = chain_scene("weihai-mayor", units=1, individuals=0)
    large, _ = chain_scene("zibo-leading", units=40, individuals=10)
    client.get(board_url(small))  # warm the session

    counts = []
    for edition, expected in ((small, 1), (large, 50)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(board_url(edition))
        assert len(response.context["candidates"]) == expected
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- the steps through the pages ------------------------------------------------------------------------------


def test_step_page_records_zibo_supervision_opinions_with_a_dropped_candidate(client, office):
    edition, applications = chain_scene("zibo-leading", units=2, individuals=0)
    url = step_url(edition, "supervision_opinions")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "held_on": "2026-09-25",
            "minutes": "监督小组意见：候选单位1存在投诉。",
            f"keep_{applications[0].pk}": "on",
            f"reason_{applications[1].pk}": "监督小组反映投诉属实",
        },
    )

    assert response.status_code == 302 and response["Location"] == board_url(edition)
    assert [Application.objects.get(pk=a.pk).state for a in applications] == [S.CANDIDATE, S.NOT_SELECTED]


def test_step_page_shows_the_error_and_keeps_the_input(client, office):
    edition, applications = chain_scene("zibo-leading", units=1, individuals=0)

    response = client.post(step_url(edition, "supervision_opinions"), {"held_on": "2026-09-25", "minutes": ""})

    assert response.status_code == 200
    assert not DecisionStep.objects.exists()
    assert len(list(response.context["messages"])) == 1


def test_plenary_page_records_votes(client, office):
    edition, applications = chain_scene("linyi-mayor", units=2, individuals=0, at="review_committee")
    acting_committee(edition, size=9)  # Linyi art. 7(四), 9
    data = {"held_on": "2026-09-25", "minutes": "评审委全体会议", "members_total": 9, "members_present": 7}
    for application, yes in zip(applications, [6, 2], strict=True):
        data |= {f"for_{application.pk}": yes, f"against_{application.pk}": 7 - yes, f"abstain_{application.pk}": 0}

    response = client.post(step_url(edition, "review_committee"), data)

    assert response.status_code == 302
    assert [Application.objects.get(pk=a.pk).state for a in applications] == [S.CANDIDATE, S.NOT_SELECTED]


def test_notice_page_publishes_and_previews_the_end(client, office):
    edition, _applications = chain_scene("weihai-mayor", units=1, individuals=0, at="public_notice")
    url = step_url(edition, "public_notice")

    assert "2026-10-10" in client.get(url).content.decode()
    response = client.post(url, {"starts_on": "2026-09-28", "how_to_object": "书面异议寄市强市办"})

    assert response.status_code == 302
    assert PublicNotice.objects.get(edition=edition).ends_on == date(2026, 10, 10)


def test_approval_pages_record_the_document_approve_all_and_announce(client, office):
    edition, applications = chain_scene("weihai-mayor", units=2, individuals=1, at="government_approval")
    url = step_url(edition, "government_approval")
    approval = stage_of(edition, "government_approval")

    response = client.post(url, {"held_on": "2026-09-28", "document_number": "威政字〔2026〕30号", "document": pdf()})
    assert response.status_code == 302
    client.post(
        reverse(
            "decisions:not_approved",
            kwargs={"edition_id": edition.pk, "stage_id": approval.pk, "application_id": applications[2].pk},
        ),
        {"reason": "市政府未同意"},
    )
    client.post(reverse("decisions:approve", kwargs={"edition_id": edition.pk, "stage_id": approval.pk}), {"all": "1"})
    assert [Application.objects.get(pk=a.pk).state for a in applications] == [S.APPROVED, S.APPROVED, S.NOT_SELECTED]

    response = client.post(
        step_url(edition, "announcement"), {"held_on": "2026-09-28", "document_number": "威政发〔2026〕31号"}
    )
    assert response.status_code == 302
    assert [Application.objects.get(pk=a.pk).state for a in applications[:2]] == [S.AWARDED, S.AWARDED]


def test_step_document_for_the_office_and_auditor_only(client, office):
    edition, _applications = chain_scene("weihai-mayor", units=1, individuals=0, at="government_approval")
    step = approval_record(
        edition=edition,
        stage=stage_of(edition, "government_approval"),
        by=office,
        held_on=MONDAY,
        document_number="威政字1号",
        document=pdf(),
    )
    url = reverse("decisions:step_document", kwargs={"pk": step.pk})

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    assert client.get(url).status_code == 403


def test_editions_page_links_each_board(client, office):
    edition, _applications = chain_scene("weihai-mayor", units=2, individuals=0)

    response = client.get(reverse("decisions:editions"))

    assert response.status_code == 200
    row = next(e for e in response.context["editions"] if e.pk == edition.pk)
    assert (row.in_decision, row.winners) == (2, 0)
    assert board_url(edition) in response.content.decode()


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT])
def test_editions_page_refused_to_others(client, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse("decisions:editions")).status_code == 403


@pytest.mark.parametrize("value", ["abc", "", "999999"])
def test_approve_with_a_bad_candidate_is_404(client, office, value):
    edition, applications = chain_scene("weihai-mayor", units=1, individuals=0, at="government_approval")
    url = reverse(
        "decisions:approve",
        kwargs={"edition_id": edition.pk, "stage_id": stage_of(edition, "government_approval").pk},
    )

    assert client.post(url, {"application": value}).status_code == 404
    assert Application.objects.get(pk=applications[0].pk).state == S.CANDIDATE
