"""Zibo 第二十六条 and Weihai 第二十条: the winners are recommended on to the 山东省省长质量奖. The rule is data
(decisions.OnwardAward); the office's page lists the edition's winners holding the award and makes the
recommendation, as an .xlsx list and a PDF letter, audited. Linyi's text says nothing of it: no rule, no
recommendation."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications.enums import ApplicationState
from decisions import onward
from decisions.models import OnwardAward, OnwardRecommendation
from tests.decisions import individual_winner, make_edition, unit_winner
from tests.decisions.scenes import office_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def winners(code: str):
    edition = make_edition(code)
    kept = [unit_winner(edition, name="淄博精工机械有限公司"), individual_winner(edition, name="王质量")]
    revoked = unit_winner(
        edition, name="撤销单位有限公司", state=ApplicationState.REVOKED, revoked_on=date(2026, 10, 30)
    )
    return edition, kept, revoked


def make(edition, applications, *, by=None, **fields):
    data = {"addressee": "山东省市场监督管理局", "made_on": TODAY, "document_number": "淄质强办〔2026〕5号"} | fields
    return onward.onward_recommendation_make(
        edition=edition, application_ids=[a.pk for a in applications], by=by or office_user(), **data
    )


RULES = [
    pytest.param("zibo-leading", "第二十六条", "积极推荐", id="Z26-zibo-art26-winners-recommended-to-governors-award"),
    pytest.param("weihai-mayor", "第二十条", "优先推荐", id="W20-weihai-art20-winners-recommended-first"),
]


@pytest.mark.parametrize(("code", "article", "words"), RULES)
def test_onward_rule_in_the_rulebooks_words(code, article, words):
    rule = OnwardAward.objects.get(rulebook__scheme__code=code)
    assert (rule.award_name, rule.article) == ("山东省省长质量奖", article)
    assert words in rule.text and "山东省省长质量奖" in rule.text


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("linyi-mayor", id="Z26-linyi-says-nothing-no-onward-rule"),
        pytest.param("shandong-benchmark", id="W20-shandong-no-onward-rule"),
        pytest.param("national-benchmark", id="Z26-national-no-onward-rule"),
    ],
)
def test_onward_rule_absent_where_the_text_says_nothing(code):
    assert not OnwardAward.objects.filter(rulebook__scheme__code=code).exists()


@pytest.mark.parametrize(("code", "article", "words"), RULES)
def test_onward_recommendation_of_the_winners_holding_the_award(code, article, words):
    edition, kept, _revoked = winners(code)
    office = office_user()

    made = make(edition, kept, by=office)

    assert (made.award_name, made.article, made.addressee) == ("山东省省长质量奖", article, "山东省市场监督管理局")
    # In the order of the list (category, then number), as on the notice.
    assert [n.name for n in made.nominees.order_by("position")] == ["王质量", "淄博精工机械有限公司"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(made.pk), actor=office).exists()

    sheet = load_workbook(io.BytesIO(onward.build_onward_xlsx(made))).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert "山东省省长质量奖" in rows[0][0] and article in rows[0][0]
    assert rows[2] == ("序号", "名称/姓名", "所在单位", "类别", "证书编号")
    assert [row[1] for row in rows[3:]] == ["王质量", "淄博精工机械有限公司"]

    assert onward.build_onward_pdf(made).startswith(b"%PDF")


@pytest.mark.parametrize(("code", "article", "words"), RULES)
def test_onward_recommendation_of_a_revoked_winner_refused(code, article, words):
    edition, kept, revoked = winners(code)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make(edition, [kept[0], revoked])
    assert f"({article})" in refused.value.messages[0]
    assert not OnwardRecommendation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"addressee": " "}, "addressed", id="Z26-zibo-art26-addressee-required"),
        pytest.param({"made_on": TODAY + timedelta(days=1)}, "future", id="Z26-zibo-art26-date-not-in-future"),
    ],
)
def test_onward_recommendation_bad_inputs_refused(fields, message):
    edition, kept, _revoked = winners("zibo-leading")
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        make(edition, kept, **fields)
    with translation.override("en"), pytest.raises(ValidationError, match="at least one"):
        make(edition, [])


def test_onward_recommendation_refused_for_linyi_whose_text_says_nothing():
    edition, kept, _revoked = winners("linyi-mayor")
    with translation.override("en"), pytest.raises(ValidationError, match="names no award"):
        make(edition, kept)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.AUDITOR])
def test_onward_recommendation_refused_to_others_and_audited(role):
    edition, kept, _revoked = winners("weihai-mayor")
    outsider = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        make(edition, kept, by=outsider)
    assert AuditEvent.objects.filter(actor=outsider, result=AuditResult.REFUSED).exists()


# --- the pages -------------------------------------------------------------------------------------------------


def onward_url(edition):
    return reverse("decisions:onward", args=[edition.pk])


@pytest.mark.parametrize(("code", "article", "words"), RULES)
def test_onward_page_lists_winners_and_makes_the_recommendation_with_downloads(client, code, article, words):
    edition, kept, revoked = winners(code)
    office = office_user()
    client.force_login(office)

    assert onward_url(edition) in client.get(reverse("decisions:board", args=[edition.pk])).content.decode()
    page = client.get(onward_url(edition))
    assert {a.pk for a in page.context["page"].object_list} == {a.pk for a in kept}
    assert revoked.pk not in [a.pk for a in page.context["page"].object_list]
    assert article in page.content.decode()

    response = client.post(
        onward_url(edition),
        {"application": [a.pk for a in kept], "addressee": "山东省市场监督管理局", "made_on": "2026-11-02"},
    )
    assert response.status_code == 302
    made = OnwardRecommendation.objects.get()
    assert made.nominees.count() == 2

    listing = client.get(reverse("decisions:onward_download", args=[made.pk, "xlsx"]))
    letter = client.get(reverse("decisions:onward_download", args=[made.pk, "pdf"]))
    assert listing.status_code == 200 and listing["Content-Type"].startswith("application/vnd.openxmlformats")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(made.pk)).count() == 2
    assert client.get(reverse("decisions:onward_download", args=[made.pk, "doc"])).status_code == 404


def test_onward_page_for_linyi_says_its_rulebook_names_no_award(client):
    edition, kept, _revoked = winners("linyi-mayor")
    client.force_login(office_user())
    with translation.override("en"):
        page = client.get(onward_url(edition))
    assert page.context["rule"] is None and page.context["form"] is None
    client.post(onward_url(edition), {"application": [kept[0].pk], "addressee": "x", "made_on": "2026-11-02"})
    assert not OnwardRecommendation.objects.exists()


def test_onward_page_outsiders(client):
    edition, kept, _revoked = winners("zibo-leading")
    made = make(edition, kept)
    urls = [onward_url(edition), reverse("decisions:onward_download", args=[made.pk, "xlsx"])]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(office_user())
    assert client.get(reverse("decisions:onward", args=[999999])).status_code == 404
    assert client.get(reverse("decisions:onward_download", args=[999999, "xlsx"])).status_code == 404


def test_onward_page_query_count_constant(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, _kept, _revoked = winners("zibo-leading")
    large = make_edition("weihai-mayor")
    for i in range(30):
        unit_winner(large, name=f"单位{i}有限公司")
    client.force_login(office_user())
    client.get(onward_url(small))
    counts = []
    for edition in (small, large):
        with CaptureQueriesContext(connection) as queries:
            client.get(onward_url(edition))
        counts.append(len(queries))
    assert counts[0] == counts[1]
