"""What each rulebook's public notice is called and where it is published, as data (decisions.NoticeSpec and its
NoticeChannel rows, from decisions/migrations/0009): the public page shows the list's name and the channels; the
office records where and when the notice appeared on each channel, and the notice does not close (its names do
not move on) before every channel is recorded, citing the article."""

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
from decisions.models import NoticeChannel, NoticePublication, NoticeSpec, PublicNotice
from tests.decisions.scenes import chain_scene, office_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationState
MONDAY = date(2026, 9, 28)
HOW = "书面异议请寄市强市办，电话0631-5200000"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: MONDAY)


def open_notice(code: str, *, units: int = 1, office=None) -> PublicNotice:
    edition, _applications = chain_scene(code, units=units, individuals=0, at="public_notice")
    office = office or office_user()
    return notice_services.notice_open(edition=edition, by=office, starts_on=MONDAY, how_to_object=HOW)


def channel(notice: PublicNotice, name: str) -> NoticeChannel:
    return NoticeChannel.objects.get(spec__rulebook_id=notice.edition.rulebook_id, name=name)


def record(notice: PublicNotice, name: str, *, by=None, published_on=MONDAY, where="大众日报 2026年9月28日 第3版"):
    return notice_services.notice_publication_record(
        notice=notice, channel=channel(notice, name), published_on=published_on, where=where, by=by or office_user()
    )


# --- the data, per rulebook ----------------------------------------------------------------------------------

SPECS = [
    pytest.param(
        "zibo-leading", "拟选树名单", "第十八条", ["新闻媒体"], id="Z18b-zibo-art18-proposed-list-via-news-media"
    ),
    pytest.param(
        "weihai-mayor",
        "市长质量奖认定候选名单",
        "第十五条",
        [],
        id="W15b-weihai-art15-candidate-list-before-leading-group",
    ),
    pytest.param(
        "linyi-mayor", "拟获奖名单", "第十七条", ["市内新闻媒体"], id="L17-linyi-art17-proposed-winners-city-media"
    ),
    pytest.param(
        "national-benchmark",
        "全国质量标杆推荐名单",
        "第二十一条",
        ["工信部网站", "中国质量协会网站", "全国质量标杆微信公众号"],
        id="N21c-national-art21-recommended-list-miit-caq-wechat",
    ),
    pytest.param("shandong-benchmark", "评审结果", "一（三）4", ["网上"], id="S3e-shandong-1-3-4-results-online"),
]


@pytest.mark.parametrize(("code", "list_name", "article", "channels"), SPECS)
def test_notice_spec_of_each_rulebook_in_its_words(code, list_name, article, channels):
    spec = NoticeSpec.objects.get(rulebook__scheme__code=code)

    assert (spec.list_name, spec.article) == (list_name, article)
    assert [c.name for c in spec.channels.order_by("position")] == channels
    assert list_name in spec.text
    assert all(name in spec.text for name in channels)


@pytest.mark.parametrize(
    ("code", "flag", "article", "body"),
    [
        pytest.param(
            "national-benchmark", True, "第二十一条", "评审委员会", id="N21b-national-art21-objections-to-committee"
        ),
        pytest.param("zibo-leading", False, "", "", id="Z18-zibo-art18-no-committee-for-objections"),
        pytest.param("weihai-mayor", False, "", "", id="W15a-weihai-art15-no-committee-for-objections"),
    ],
)
def test_notice_spec_objections_to_committee_only_where_the_text_says(code, flag, article, body):
    spec = NoticeSpec.objects.get(rulebook__scheme__code=code)
    assert (spec.objections_to_committee, spec.objections_article, spec.committee_body) == (flag, article, body)


@pytest.mark.parametrize(("code", "list_name", "article", "channels"), SPECS)
def test_notice_title_and_public_page_show_the_list_and_channels(client, code, list_name, article, channels):
    with translation.override("en"):
        notice = open_notice(code)
        html = client.get(reverse("public:notice_detail", args=[notice.pk])).content.decode()

    assert list_name in notice.title
    assert f"{list_name}（{article}）" in html
    for name in channels:
        assert f'data-channel="{name}"' in html


# --- the notice does not close before every channel is recorded ----------------------------------------------

CLOSING = [
    pytest.param("zibo-leading", ["新闻媒体"], "第十八条", id="Z18b-zibo-art18-closes-only-after-news-media"),
    pytest.param("linyi-mayor", ["市内新闻媒体"], "第十七条", id="L17-linyi-art17-closes-only-after-city-media"),
    pytest.param(
        "national-benchmark",
        ["工信部网站", "中国质量协会网站", "全国质量标杆微信公众号"],
        "第二十一条",
        id="N21c-national-art21-closes-only-after-three-channels",
    ),
    pytest.param("shandong-benchmark", ["网上"], "一（三）4", id="S3e-shandong-1-3-4-closes-only-after-online"),
]


@pytest.mark.parametrize(("code", "channels", "article"), CLOSING)
def test_notice_closes_only_after_each_named_channel_is_recorded(code, channels, article):
    notice = open_notice(code, units=2)

    assert notice_services.notice_sweep(now=notice.ends_at) == 0
    with translation.override("en"):
        refusal = notice_services.channels_refusal(notice_services.channels_missing(notice))
    assert f"({article})" in refusal and all(name in refusal for name in channels)
    assert set(Application.objects.filter(edition=notice.edition).values_list("state", flat=True)) == {S.IN_NOTICE}

    for name in channels[:-1]:
        record(notice, name)
        assert notice_services.notice_sweep(now=notice.ends_at) == 0
    record(notice, channels[-1])

    assert notice_services.channels_missing(notice) == []
    assert notice_services.notice_sweep(now=notice.ends_at) == 2
    assert PublicNotice.objects.get(pk=notice.pk).closed_at is not None


def test_notice_weihai_names_no_channel_and_closes_on_time():
    """Weihai 第十五条: 向社会公示 names no channel; the notice closes at its end and the leading group follows."""
    notice = open_notice("weihai-mayor")

    assert notice_services.channels_missing(notice) == []
    assert notice_services.notice_sweep(now=notice.ends_at) == 1
    assert Application.objects.get(edition=notice.edition).current_stage.kind == "leading_group"


def test_notice_last_channel_recorded_after_the_end_moves_the_names_on(django_capture_on_commit_callbacks):
    notice = open_notice("zibo-leading")
    PublicNotice.objects.filter(pk=notice.pk).update(ends_at=notice.ends_at - timedelta(days=60))
    notice.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        record(notice, "新闻媒体")

    assert Application.objects.get(edition=notice.edition).state == S.CANDIDATE
    assert PublicNotice.objects.get(pk=notice.pk).closed_at is not None


# --- the service's refusals ------------------------------------------------------------------------------------


def test_publication_record_audited():
    office = office_user()
    notice = open_notice("zibo-leading", office=office)
    publication = record(notice, "新闻媒体", by=office, where="淄博日报 2026年9月28日 第2版")

    assert (publication.published_on, publication.where, publication.recorded_by) == (
        MONDAY,
        "淄博日报 2026年9月28日 第2版",
        office,
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(publication.pk), actor=office).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"where": "  "}, "Say where", id="Z18b-zibo-art18-where-required"),
        pytest.param(
            {"published_on": MONDAY - timedelta(days=1)}, "published from", id="Z18b-zibo-art18-not-before-start"
        ),
        pytest.param({"published_on": MONDAY + timedelta(days=1)}, "future", id="Z18b-zibo-art18-not-in-future"),
    ],
)
def test_publication_record_bad_inputs_refused(fields, message):
    notice = open_notice("zibo-leading")
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        record(notice, "新闻媒体", **fields)
    assert not NoticePublication.objects.exists()


def test_publication_record_twice_or_on_another_rulebooks_channel_refused():
    notice = open_notice("zibo-leading")
    record(notice, "新闻媒体")
    with translation.override("en"), pytest.raises(ValidationError, match="already recorded"):
        record(notice, "新闻媒体")
    linyi = NoticeChannel.objects.get(name="市内新闻媒体")
    with translation.override("en"), pytest.raises(ValidationError, match="no such channel"):
        notice_services.notice_publication_record(
            notice=notice, channel=linyi, published_on=MONDAY, where="临沂日报", by=office_user()
        )


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.AUDITOR])
def test_publication_record_refused_to_others_and_audited(role):
    notice = open_notice("zibo-leading")
    outsider = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        record(notice, "新闻媒体", by=outsider)
    assert AuditEvent.objects.filter(actor=outsider, result=AuditResult.REFUSED).exists()
    assert not NoticePublication.objects.exists()


# --- the office's page -----------------------------------------------------------------------------------------


def publications_url(notice):
    return reverse("decisions:notice_publications", args=[notice.pk])


def test_publications_page_records_a_channel_and_is_linked_from_the_board(client):
    office = office_user()
    notice = open_notice("national-benchmark", office=office)
    client.force_login(office)

    board = client.get(reverse("decisions:board", args=[notice.edition_id])).content.decode()
    assert publications_url(notice) in board
    with translation.override("en"):
        page = client.get(publications_url(notice))
    assert [c.name for c in page.context["missing"]] == ["工信部网站", "中国质量协会网站", "全国质量标杆微信公众号"]
    assert "第二十一条" in page.context["refusal"]

    response = client.post(
        publications_url(notice),
        {
            "channel": channel(notice, "工信部网站").pk,
            "published_on": "2026-09-28",
            "where": "https://www.miit.gov.cn/",
        },
    )

    assert response.status_code == 302
    publication = NoticePublication.objects.get()
    assert (publication.channel.name, publication.where) == ("工信部网站", "https://www.miit.gov.cn/")
    assert len(client.get(publications_url(notice)).context["missing"]) == 2


def test_publications_page_outsiders(client):
    notice = open_notice("zibo-leading")
    assert client.get(publications_url(notice)).status_code == 302  # anonymous: to the login
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    assert client.get(publications_url(notice)).status_code == 403
    client.force_login(office_user())
    assert client.get(reverse("decisions:notice_publications", args=[999999])).status_code == 404


def test_publications_page_auditor_reads_but_cannot_record(client):
    notice = open_notice("zibo-leading")
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    response = client.get(publications_url(notice))
    assert response.status_code == 200 and response.context["form"] is None
    client.post(
        publications_url(notice),
        {"channel": channel(notice, "新闻媒体").pk, "published_on": "2026-09-28", "where": "x"},
    )
    assert not NoticePublication.objects.exists()


@pytest.mark.parametrize("code", [pytest.param("linyi-mayor", id="L17-linyi-art17-board-warns-city-media-unrecorded")])
def test_board_warns_while_a_named_channel_is_not_recorded(client, code):
    office = office_user()
    notice = open_notice(code, office=office)
    client.force_login(office)
    with translation.override("en"):
        response = client.get(reverse("decisions:board", args=[notice.edition_id]))
    refusal = response.context["channels_refusal"]
    assert "第十七条" in refusal and "市内新闻媒体" in refusal

    record(notice, "市内新闻媒体")
    assert client.get(reverse("decisions:board", args=[notice.edition_id])).context["channels_refusal"] is None
