"""The office's worklist at /office/applications/: who may open it, search, filters, sort, counts per state,
pagination for an edition of 2,000, the export of exactly the filtered rows, and the query count at 1 and 50 rows."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent, District
from applications.enums import ApplicationState
from applications.models import Application, IndividualProfile
from awards.enums import Category
from reviews.models import CandidateProposal
from tests.applications.conftest import make_edition, make_unit_applicant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationState
URL = "/office/applications/"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


class Listed:
    """Applications of an edition created directly in the state a test needs (the state field is protected; a
    scene sets it once at creation), submitted one minute apart so the submitted-at sort is known."""

    def __init__(self, edition=None):
        self.edition = edition or make_edition()
        self.count = 0

    def unit(self, state=S.SUBMITTED, *, name=None, district="371002", stage=None, submitted=True, **fields):
        self.count += 1
        owner = make_unit_applicant(district)
        if name:
            owner.organisation.name = name
            owner.organisation.save(update_fields=["name"])
        return self._create(
            state,
            stage,
            submitted,
            category=Category.UNIT,
            owner=owner,
            organisation=owner.organisation,
            applicant_key=f"org:{owner.organisation_id}",
            recommender=owner.organisation.district,
            **fields,
        )

    def person(self, state=S.SUBMITTED, *, name="李质量", district="371002", stage=None):
        self.count += 1
        owner = UserFactory(roles=[Role.APPLICANT])
        person = IndividualProfile.objects.create(
            user=owner,
            full_name=name,
            employer_name="威海港务集团有限公司",
            district=District.objects.get(code=district),
            quality_work_since=date(2010, 1, 1),
        )
        return self._create(
            state,
            stage,
            True,
            category=Category.INDIVIDUAL,
            owner=owner,
            individual=person,
            applicant_key=f"person:{owner.pk}",
            recommender=person.district,
        )

    def _create(self, state, stage, submitted, **fields):
        edition = self.edition
        moment = timezone.make_aware(datetime(2026, 3, 1, 9, 0)) + timedelta(minutes=self.count)
        return Application.objects.create(
            edition=edition,
            state=state,
            number=f"{edition.scheme.number_prefix}-{edition.year}-{self.count:04d}" if submitted else None,
            submitted_at=moment if submitted else None,
            current_stage=edition.rulebook.stages.get(kind=stage) if stage else None,
            **fields,
        )


@pytest.fixture
def listed(db):
    return Listed()


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.OFFICE_STAFF])


def rows(response) -> list[int]:
    """The application ids of the table's rows, in order."""
    import re

    return [int(pk) for pk in re.findall(r'<tr data-application="(\d+)"', response.content.decode())]


def counts(response) -> dict[str, int]:
    import re

    return {
        state: int(n)
        for state, n in re.findall(
            r'data-state="(\w+)">[^<]*<span class="badge [^"]*" data-count="(\d+)"', response.content.decode()
        )
    }


# --- who may open it ------------------------------------------------------------------------------------------


def test_worklist_anonymous_goes_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "role",
    [r for r in Role if r not in (Role.OFFICE_STAFF, Role.AUDITOR)],
    ids=lambda r: r.value,
)
def test_worklist_refused_to_other_roles(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("office:applications_export")).status_code == 403
    assert client.post(reverse("office:applications_start_review"), {"application": ["1"]}).status_code == 403


def test_worklist_auditor_reads_without_action_buttons(client, listed):
    application = listed.unit(S.RECOMMENDED)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    response = client.get(URL, {"edition": listed.edition.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == [application.pk]
    assert 'id="bulk-actions"' not in body and 'id="start-review-edition"' not in body
    assert 'name="application"' not in body
    assert (
        client.post(reverse("office:applications_start_review"), {"application": [application.pk]}).status_code == 403
    )


def test_worklist_lists_no_draft(client, office, listed):
    listed.unit(S.DRAFT, submitted=False)
    listed.unit(S.WITHDRAWN, submitted=False)  # withdrawn before it was ever submitted
    returned = listed.unit(S.RETURNED)
    submitted = listed.unit(S.SUBMITTED)
    withdrawn = listed.unit(S.WITHDRAWN)  # withdrawn after it reached the district
    client.force_login(office)
    assert rows(client.get(URL)) == [returned.pk, submitted.pk, withdrawn.pk]


# --- search, filters, sort, counts ---------------------------------------------------------------------------


def test_worklist_search_by_number_name_and_credit_code(client, office, listed):
    first = listed.unit(name="威海精工机械有限公司")
    second = listed.unit(name="荣成海洋食品有限公司")
    person = listed.person(name="王质量")
    client.force_login(office)
    assert rows(client.get(URL, {"q": second.number})) == [second.pk]
    assert rows(client.get(URL, {"q": "精工"})) == [first.pk]
    assert rows(client.get(URL, {"q": "王质量"})) == [person.pk]
    assert rows(client.get(URL, {"q": first.organisation.credit_code.lower()})) == [first.pk]
    assert rows(client.get(URL, {"q": "  "})) == [first.pk, second.pk, person.pk]


def test_worklist_filters_state_district_category_tier_stage_and_edition(client, office, listed):
    huancui = listed.unit(S.IN_REVIEW, stage="material_review")
    wendeng = listed.unit(S.IN_REVIEW, stage="public_opinion", district="371003")
    award = listed.unit(S.CANDIDATE, stage="candidate_list")
    outside = listed.unit(S.CANDIDATE, stage="candidate_list")
    person = listed.person(S.SUBMITTED)
    for rank, (application, tier) in enumerate([(award, "award"), (outside, "")], start=1):
        CandidateProposal.objects.create(
            edition=listed.edition, application=application, category="unit", tier=tier, rank=rank, score=90 - rank
        )
    other = Listed(make_edition("zibo-leading", year=2025))
    zibo = other.unit(S.SUBMITTED, district="370303")
    client.force_login(office)
    assert rows(client.get(URL, {"state": "in_review"})) == [huancui.pk, wendeng.pk]
    assert rows(client.get(URL, {"recommender": District.objects.get(code="371003").pk})) == [wendeng.pk]
    assert rows(client.get(URL, {"category": "individual"})) == [person.pk]
    assert rows(client.get(URL, {"tier": "award"})) == [award.pk]
    assert rows(client.get(URL, {"tier": "outside"})) == [outside.pk]
    assert rows(client.get(URL, {"stage": "public_opinion"})) == [wendeng.pk]
    assert rows(client.get(URL, {"edition": other.edition.pk})) == [zibo.pk]
    assert set(rows(client.get(URL))) == {huancui.pk, wendeng.pk, award.pk, outside.pk, person.pk, zibo.pk}
    assert rows(client.get(URL, {"edition": listed.edition.pk, "state": "candidate", "tier": "award"})) == [award.pk]


def test_worklist_filter_not_understood_is_shown_and_ignored(client, office, listed):
    application = listed.unit()
    client.force_login(office)
    response = client.get(URL, {"state": "nonsense", "edition": "x"})
    assert response.status_code == 200
    assert rows(response) == [application.pk]
    assert "Select a valid choice" in response.content.decode()


def test_worklist_sorts_each_column_both_ways(client, office, listed):
    b = listed.unit(S.IN_REVIEW, name="乙公司", stage="oral_defence")
    a = listed.unit(S.SUBMITTED, name="甲公司")
    c = listed.unit(S.RECOMMENDED, name="丙公司")
    client.force_login(office)
    assert rows(client.get(URL)) == [b.pk, a.pk, c.pk]  # by number
    assert rows(client.get(URL, {"o": "-number"})) == [c.pk, a.pk, b.pk]
    by_name = sorted([a, b, c], key=lambda x: x.organisation.name)
    assert rows(client.get(URL, {"o": "name"})) == [x.pk for x in by_name]
    assert rows(client.get(URL, {"o": "-submitted"})) == [c.pk, a.pk, b.pk]
    # The lifecycle's order: submitted, recommended, in review.
    assert rows(client.get(URL, {"o": "state"})) == [a.pk, c.pk, b.pk]
    assert rows(client.get(URL, {"o": "-state"})) == [b.pk, c.pk, a.pk]
    assert rows(client.get(URL, {"o": "-stage"}))[0] == b.pk


def test_worklist_column_headings_link_their_sort_keeping_the_filters(client, office, listed):
    listed.unit()
    client.force_login(office)
    body = client.get(URL, {"state": "submitted", "o": "name"}).content.decode()
    assert 'href="?state=submitted&amp;o=-name"' in body  # the sorted column turns the other way
    assert 'href="?state=submitted&amp;o=number"' in body
    assert 'aria-sort="ascending"' in body


def test_worklist_counts_per_state_follow_the_other_filters(client, office, listed):
    for state in (S.SUBMITTED, S.SUBMITTED, S.RECOMMENDED, S.WITHDRAWN):
        listed.unit(state)
    listed.unit(S.RECOMMENDED, district="371003")
    client.force_login(office)
    assert counts(client.get(URL)) == {"all": 5, "submitted": 2, "recommended": 2, "withdrawn": 1}
    huancui = District.objects.get(code="371002").pk
    # The state filter does not narrow the tabs: each says what choosing it would list.
    response = client.get(URL, {"recommender": huancui, "state": "recommended"})
    assert counts(response) == {"all": 4, "submitted": 2, "recommended": 1, "withdrawn": 1}
    assert len(rows(response)) == 1


def test_worklist_counts_are_one_aggregate(client, office, listed):
    for state in (S.SUBMITTED, S.RECOMMENDED, S.IN_REVIEW):
        listed.unit(state)
    client.force_login(office)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"] and '"state"' in q["sql"]]
    assert len(grouped) == 1


# --- pagination and the query count ----------------------------------------------------------------------------


def test_worklist_pages_by_fifty_keeping_the_filters(client, office, listed):
    made = [listed.unit() for _ in range(51)]
    client.force_login(office)
    first = client.get(URL, {"state": "submitted"})
    assert rows(first) == [a.pk for a in made[:50]]
    assert 'href="?state=submitted&amp;page=2"' in first.content.decode()
    assert rows(client.get(URL, {"state": "submitted", "page": 2})) == [made[50].pk]
    assert rows(client.get(URL, {"state": "submitted", "page": "zz"})) == [a.pk for a in made[:50]]


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_worklist_query_count_same_at_1_and_50_rows(client, office, listed):
    def fill(n):
        for i in range(n):
            application = listed.unit(
                S.CANDIDATE if i % 2 else S.IN_REVIEW, stage="candidate_list" if i % 2 else "material_review"
            )
            if i % 2:
                CandidateProposal.objects.create(
                    edition=listed.edition, application=application, category="unit", tier="award", rank=i, score=80
                )
        listed.person(S.SUBMITTED)

    fill(0)
    client.force_login(office)
    params = {"edition": listed.edition.pk, "o": "-name"}
    one = _queries(client, URL, params)
    fill(49)
    assert len(rows(client.get(URL, params))) == 50
    assert _queries(client, URL, params) == one


# --- the export ----------------------------------------------------------------------------------------------


def _sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


def test_worklist_export_holds_exactly_the_filtered_rows_with_chinese_headings(client, office, listed):
    b = listed.unit(S.IN_REVIEW, name="乙公司", stage="material_review")
    listed.unit(S.SUBMITTED, name="不在其中的公司")
    a = listed.unit(S.CANDIDATE, name="甲公司", stage="candidate_list")
    CandidateProposal.objects.create(edition=listed.edition, application=a, category="unit", tier="", rank=6, score=70)
    many = [listed.unit(S.IN_REVIEW, stage="material_review") for _ in range(50)]  # more than one page
    client.force_login(office)
    response = client.get(reverse("office:applications_export"), {"state": ["in_review"], "o": "-number"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    table = _sheet(response)
    assert table[0] == [
        "序号", "申报编号", "奖项及届别", "单位名称/姓名", "统一社会信用代码", "类别",
        "推荐区县（市）", "当前状态", "当前阶段", "奖励层级", "提交时间",
    ]  # fmt: skip
    assert [row[1] for row in table[1:]] == [x.number for x in reversed([b, *many])]
    last = table[-1]
    assert last[3:10] == ["乙公司", b.organisation.credit_code, "单位", "威海市环翠区", "评审中", "材料评审", None]
    candidates = _sheet(client.get(reverse("office:applications_export"), {"state": "candidate"}))
    assert candidates[1][3] == "甲公司" and candidates[1][9] == "名额外"
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk").first()
    assert event.actor == office and "51 rows" in event.detail


def test_worklist_export_link_carries_the_filters(client, office, listed):
    listed.unit()
    client.force_login(office)
    body = client.get(URL, {"state": "submitted", "q": "公司", "page": "1"}).content.decode()
    assert f'href="{reverse("office:applications_export")}?state=submitted&amp;q=%E5%85%AC%E5%8F%B8"' in body


def test_worklist_rows_open_the_dossier_with_the_filters_kept(client, office, listed):
    application = listed.unit()
    client.force_login(office)
    body = client.get(URL, {"state": "submitted", "page": "1"}).content.decode()
    dossier = reverse("office:application", args=[application.pk])
    assert f'href="{dossier}?list=state%3Dsubmitted%26page%3D1"' in body
