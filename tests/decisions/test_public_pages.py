"""The public pages, no login: notices (current and past), the objection form and its receipt, announced results and
the honour roll. Objections never show on them; lists load in a constant number of queries."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.humancheck import ANSWER_FIELD, HONEYPOT_FIELD, solved_data
from accounts.models import District
from applications.enums import ApplicationState
from awards.enums import Category, Tier
from decisions.models import DecisionStep, Objection
from reviews.models import CandidateProposal
from tests.decisions import individual_winner, make_edition, unit_winner
from tests.decisions.scenes import office_user
from tests.decisions.test_objections import evidence, file_objection, notice_scene, shift

pytestmark = pytest.mark.django_db

S = ApplicationState


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def notice_url(notice):
    return reverse("public:notice_detail", kwargs={"pk": notice.pk})


def objection_url(notice):
    return reverse("public:objection_create", kwargs={"pk": notice.pk})


def receipt_url(notice):
    return reverse("public:objection_receipt", kwargs={"pk": notice.pk})


def objection_post(entry, **overrides):
    data = {
        "entry": str(entry.pk),
        "full_name": "张明",
        "phone": "13800000000",
        "email": "",
        "organisation": "",
        "statement": "该单位2025年发生过质量安全事故。",
        "evidence": evidence(),
        "truthful": "on",
        **solved_data(),
    }
    data.update(overrides)
    return data


# --- notices --------------------------------------------------------------------------------------------------


def test_notice_list_current_and_past_anonymous(client):
    current, _entries, _office = notice_scene("weihai-mayor")
    past, _entries, _office = notice_scene("zibo-leading")
    shift(past, days=-40)

    response = client.get(reverse("public:notice_list"))

    assert response.status_code == 200
    assert [n.pk for n in response.context["current"]] == [current.pk]
    assert [n.pk for n in response.context["past"]] == [past.pk]
    assert response.context["current"][0].names == 3


def test_public_index_leads_to_the_notices(client):
    response = client.get("/public/")

    assert response.status_code == 302 and response["Location"] == reverse("public:notice_list")


def test_notice_list_hides_notice_before_its_first_day(client):
    future, _entries, _office = notice_scene()
    shift(future, days=5)

    response = client.get(reverse("public:notice_list"))

    assert response.context["current"] == [] and response.context["past"] == []
    assert client.get(notice_url(future)).status_code == 404


def test_notice_list_query_count_constant(client):
    notice_scene("weihai-mayor")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("public:notice_list"))
    for code in ("zibo-leading", "linyi-mayor", "shandong-benchmark"):
        notice_scene(code)

    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("public:notice_list"))

    assert len(response.context["current"]) == 4
    assert len(many) == len(one)


def test_notice_detail_shows_names_category_tier_dates_and_how_to_object(client):
    notice, entries, _office = notice_scene(units=1, individuals=1)

    response = client.get(notice_url(notice))

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["is_open"] is True
    assert [e.pk for e in response.context["entries"]] == [e.pk for e in entries]
    person, unit = entries  # the notice lists by category: individuals, then units
    assert (unit.name, unit.unit_name) == ("候选单位0有限公司", "")
    assert (person.name, person.unit_name) == ("候选人0", "威海港务集团有限公司")
    for shown in (
        "候选单位0有限公司",
        "候选人0",
        "威海港务集团有限公司",
        notice.starts_on.strftime("%Y-%m-%d"),
        notice.ends_on.strftime("%Y-%m-%d"),
        "书面异议请寄威海市质量强市办，电话0631-5200000",
        'id="objection-link"',
        f"?entry={unit.pk}",
    ):
        assert shown in body
    assert notice.working_days == 5
    assert response.context["notice"].working_days == 5


@override_settings(LANGUAGE_CODE="en")
def test_notice_detail_states_the_working_days_in_words(client):
    notice, _entries, _office = notice_scene()

    body = client.get(notice_url(notice), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"From {notice.starts_on:%Y-%m-%d} to {notice.ends_on:%Y-%m-%d} inclusive: 5 working days" in body
    assert ">Unit<" in body and ">Individual<" in body and ">Award<" in body


def test_notice_detail_past_is_read_only(client):
    notice, entries, _office = notice_scene()
    notice = shift(notice, days=-40)

    response = client.get(notice_url(notice))

    body = response.content.decode()
    assert response.context["is_open"] is False
    assert 'id="objection-link"' not in body and "?entry=" not in body
    assert entries[0].name in body
    assert notice.ends_on.strftime("%Y-%m-%d") in body


def test_notice_detail_never_shows_objections(client):
    notice, entries, office = notice_scene()
    objection = file_objection(entries[0], full_name="举报人甲", statement="秘密陈述内容")

    for viewer in (None, office_user()):
        if viewer:
            client.force_login(viewer)
        body = client.get(notice_url(notice)).content.decode()
        assert "举报人甲" not in body and "秘密陈述内容" not in body and objection.reference not in body
        assert "13800000000" not in body


def test_notice_detail_shows_office_link_only_to_office(client, make_user):
    notice, _entries, office = notice_scene()
    link = reverse("decisions:objection_list", kwargs={"pk": notice.pk})

    assert link not in client.get(notice_url(notice)).content.decode()
    client.force_login(make_user(Role.APPLICANT))
    assert link not in client.get(notice_url(notice)).content.decode()
    client.force_login(office)
    assert link in client.get(notice_url(notice)).content.decode()


def test_notice_detail_unknown_not_found(client):
    assert client.get(reverse("public:notice_detail", kwargs={"pk": 999999})).status_code == 404


def test_notice_detail_query_count_constant_from_1_to_50_names(client):
    small, _entries, _office = notice_scene("weihai-mayor", units=1, individuals=0)
    with CaptureQueriesContext(connection) as one:
        client.get(notice_url(small))
    large, _entries, _office = notice_scene("zibo-leading", units=40, individuals=10)

    with CaptureQueriesContext(connection) as many:
        response = client.get(notice_url(large))

    assert len(response.context["entries"]) == 50
    assert len(many) == len(one)


# --- the objection form ---------------------------------------------------------------------------------------


def test_objection_form_get_preselects_the_name(client):
    notice, entries, _office = notice_scene()

    response = client.get(objection_url(notice) + f"?entry={entries[1].pk}")

    form = response.context["form"]
    assert response.status_code == 200
    assert form["entry"].value() == str(entries[1].pk)
    assert [choice for choice, _label in form.fields["entry"].choices][1:] == [e.pk for e in entries]
    assert form.human_question in response.content.decode()


def test_objection_form_files_objection_and_shows_receipt(client):
    notice, entries, _office = notice_scene()

    response = client.post(objection_url(notice), objection_post(entries[1]), REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 302 and response["Location"] == receipt_url(notice)
    objection = Objection.objects.get()
    assert (objection.entry_id, objection.full_name, objection.remote_addr) == (entries[1].pk, "张明", "198.51.100.4")
    receipt = client.get(receipt_url(notice))
    assert receipt.status_code == 200
    assert receipt.context["receipt"]["reference"] == objection.reference
    assert objection.reference in receipt.content.decode()
    assert receipt["Cache-Control"] == "private, no-store"


def test_objection_receipt_without_filing_redirects_to_notice(client):
    notice, _entries, _office = notice_scene()

    response = client.get(receipt_url(notice))

    assert response.status_code == 302 and response["Location"] == notice_url(notice)


def test_objection_receipt_of_another_notice_not_shown(client):
    notice, entries, _office = notice_scene("weihai-mayor")
    other, _entries, _office = notice_scene("zibo-leading")
    client.post(objection_url(notice), objection_post(entries[0]))

    response = client.get(receipt_url(other))

    assert response.status_code == 302 and response["Location"] == notice_url(other)


def test_objection_form_without_human_check_answer_refused(client):
    notice, entries, _office = notice_scene()

    response = client.post(objection_url(notice), objection_post(entries[0], **{ANSWER_FIELD: "999"}))

    assert response.status_code == 200
    assert response.context["form"].errors[ANSWER_FIELD]
    assert Objection.objects.count() == 0


def test_objection_form_with_honeypot_filled_refused(client):
    notice, entries, _office = notice_scene()

    response = client.post(objection_url(notice), objection_post(entries[0], **{HONEYPOT_FIELD: "http://x.example"}))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Objection.objects.count() == 0


def test_objection_form_bad_evidence_shown_on_the_field(client):
    notice, entries, _office = notice_scene()

    response = client.post(
        objection_url(notice), objection_post(entries[0], evidence=evidence("scan.png", b"MZ\x90\x00 no image"))
    )

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["evidence"]] == ["type_not_allowed"]
    assert Objection.objects.count() == 0


def test_objection_form_without_real_name_or_declaration_refused(client):
    notice, entries, _office = notice_scene()
    data = objection_post(entries[0], full_name="")
    data.pop("truthful")

    response = client.post(objection_url(notice), data)

    assert set(response.context["form"].errors) == {"full_name", "truthful"}
    assert Objection.objects.count() == 0


def test_objection_form_after_period_refused_with_dates(client):
    notice, entries, _office = notice_scene()
    notice = shift(notice, days=-40)
    dates = (notice.starts_on.strftime("%Y-%m-%d"), notice.ends_on.strftime("%Y-%m-%d"))

    for response in (client.get(objection_url(notice)), client.post(objection_url(notice), objection_post(entries[0]))):
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="objection-refused"' in body and all(day in body for day in dates)
        assert "objection-form" not in body
    assert Objection.objects.count() == 0


def test_objection_form_before_period_refused_with_dates(client):
    notice, entries, _office = notice_scene()
    # A notice dated ahead is not public yet: its pages are not found.
    shift(notice, days=3)

    assert client.post(objection_url(notice), objection_post(entries[0])).status_code == 404
    assert Objection.objects.count() == 0


def test_objection_form_name_no_longer_on_notice_not_offered(client):
    notice, entries, office = notice_scene()
    from decisions.notice import notice_entry_withdraw

    notice_entry_withdraw(entry=entries[0], reason="材料失实", by=office)

    response = client.post(objection_url(notice), objection_post(entries[0]))

    assert response.context["form"].errors["entry"]
    assert Objection.objects.count() == 0


@override_settings(RATE_LIMITS={"objection": (2, 3600)})
def test_objection_form_rate_limited_per_address(client):
    notice, entries, _office = notice_scene()
    statuses = [
        client.post(objection_url(notice), objection_post(entries[0]), REMOTE_ADDR="198.51.100.9").status_code
        for _i in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert Objection.objects.count() == 2
    other = client.post(objection_url(notice), objection_post(entries[0]), REMOTE_ADDR="198.51.100.10")
    assert other.status_code == 302


def test_objection_form_unknown_notice_not_found(client):
    assert client.get(reverse("public:objection_create", kwargs={"pk": 999999})).status_code == 404


def test_objection_form_open_to_logged_in_users_too(client, make_user):
    notice, entries, _office = notice_scene()
    client.force_login(make_user(Role.APPLICANT))

    response = client.post(objection_url(notice), objection_post(entries[0]))

    assert response.status_code == 302
    assert Objection.objects.count() == 1


# --- results and the honour roll ------------------------------------------------------------------------------


def announce(edition, *, held_on=date(2026, 9, 28), number="威政字〔2026〕30号"):
    stage = edition.rulebook.stages.get(kind="announcement")
    return DecisionStep.objects.create(
        edition=edition,
        stage=stage,
        body="威海市人民政府",
        held_on=held_on,
        document_number=number,
        recorded_by=office_user(),
    )


def propose(application, tier):
    CandidateProposal.objects.create(
        edition=application.edition,
        application=application,
        category=application.category,
        tier=tier,
        rank=1,
        score=90,
    )


def winners(edition, count: int, *, prefix: str = "获奖单位"):
    return [unit_winner(edition, name=f"{prefix}{i}有限公司") for i in range(count)]


def roll(client, **params):
    return client.get(reverse("public:honour_roll"), params)


def test_results_list_shows_announced_editions_only(client):
    announced, pending = make_edition("weihai-mayor"), make_edition("zibo-leading")
    winners(announced, 2)
    winners(pending, 1)
    announce(announced)

    response = client.get(reverse("public:results_list"))

    assert [(e.pk, e.winners) for e in response.context["editions"]] == [(announced.pk, 2)]
    assert response.context["editions"][0].announced_on == date(2026, 9, 28)


def test_results_detail_lists_winners_with_tier_and_revocations(client):
    edition = make_edition("linyi-mayor")
    (unit,) = winners(edition, 1)
    person = individual_winner(edition, name="李质量")
    propose(unit, Tier.NOMINATION)
    # The state is protected: the revoked winner is created in its final state.
    revoked = unit_winner(edition, name="被撤销单位有限公司", state=S.REVOKED, revoked_on=date(2027, 3, 1))
    announce(edition)

    response = client.get(reverse("public:results_detail", kwargs={"edition_id": edition.pk}))

    rows = {row.pk: row for row in response.context["rows"]}
    assert response.status_code == 200
    assert (rows[unit.pk].tier, rows[unit.pk].revoked) == (Tier.NOMINATION, False)
    assert (rows[person.pk].name, rows[person.pk].unit_name) == ("李质量", "威海港务集团有限公司")
    assert (rows[revoked.pk].revoked, rows[revoked.pk].revoked_on) == (True, date(2027, 3, 1))
    assert (rows[person.pk].revoked, rows[person.pk].revoked_on) == (False, None)
    assert "威政字〔2026〕30号" in response.content.decode()


def test_results_detail_unannounced_edition_not_found(client):
    edition = make_edition()
    winners(edition, 1)

    assert client.get(reverse("public:results_detail", kwargs={"edition_id": edition.pk})).status_code == 404
    assert client.get(reverse("public:results_detail", kwargs={"edition_id": 999999})).status_code == 404


def test_results_detail_query_count_constant(client):
    small, large = make_edition("weihai-mayor"), make_edition("zibo-leading")
    winners(small, 1)
    winners(large, 30)
    announce(small)
    announce(large)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("public:results_detail", kwargs={"edition_id": small.pk}))

    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("public:results_detail", kwargs={"edition_id": large.pk}))

    assert len(response.context["rows"]) == 30
    assert len(many) == len(one)


def test_honour_roll_across_schemes_only_announced_winners(client):
    weihai, zibo, linyi = make_edition("weihai-mayor"), make_edition("zibo-leading"), make_edition("linyi-mayor")
    shown = winners(weihai, 1) + winners(zibo, 1)
    hidden = winners(linyi, 1)
    candidate = unit_winner(weihai, name="候选单位有限公司", state=S.CANDIDATE, awarded_on=None)
    announce(weihai)
    announce(zibo)

    response = roll(client)

    assert {row.pk for row in response.context["rows"]} == {a.pk for a in shown}
    assert hidden[0].pk not in {row.pk for row in response.context["rows"]}
    assert candidate.pk not in {row.pk for row in response.context["rows"]}


def test_honour_roll_revoked_shows_date_ground_and_document(client):
    edition = make_edition("weihai-mayor")
    revoked = unit_winner(edition, name="被撤销单位有限公司", state=S.REVOKED, revoked_on=date(2027, 3, 1))
    revoked.__class__.objects.filter(pk=revoked.pk).update(
        revocation_ground="以欺骗手段获奖", revocation_document="威政字〔2027〕8号"
    )
    announce(edition)

    response = roll(client)

    (row,) = response.context["rows"]
    assert (row.revoked, row.revoked_on, row.revocation_ground, row.revocation_document) == (
        True,
        date(2027, 3, 1),
        "以欺骗手段获奖",
        "威政字〔2027〕8号",
    )
    body = response.content.decode()
    assert 'data-status="revoked"' in body
    for shown in ("2027-03-01", "以欺骗手段获奖", "威政字〔2027〕8号"):
        assert shown in body


def test_honour_roll_row_fields(client):
    edition = make_edition("weihai-mayor")
    (unit,) = winners(edition, 1)
    person = individual_winner(edition, name="李质量")
    propose(person, Tier.AWARD)
    announce(edition)

    rows = {row.pk: row for row in roll(client).context["rows"]}

    assert (rows[unit.pk].name, rows[unit.pk].unit_name, rows[unit.pk].category) == (
        "获奖单位0有限公司",
        "",
        Category.UNIT,
    )
    assert (rows[person.pk].name, rows[person.pk].unit_name) == ("李质量", "威海港务集团有限公司")
    assert rows[unit.pk].scheme.code == "weihai-mayor"
    assert (rows[unit.pk].year, rows[unit.pk].district, rows[unit.pk].tier) == (2026, "威海市环翠区", Tier.AWARD)
    assert rows[unit.pk].awarded_on == date(2026, 9, 28)


def test_honour_roll_filters_by_scheme_year_and_district(client):
    weihai_2026, weihai_2025 = make_edition("weihai-mayor", 2026), make_edition("weihai-mayor", 2025)
    zibo = make_edition("zibo-leading", 2026)
    a, b, c = winners(weihai_2026, 1, prefix="甲")[0], winners(weihai_2025, 1, prefix="乙")[0], winners(zibo, 1)[0]
    zibo_district = District.objects.filter(parent__code="370300").first()
    c.__class__.objects.filter(pk=c.pk).update(recommender=zibo_district)
    for edition in (weihai_2026, weihai_2025, zibo):
        announce(edition)

    def pks(**params):
        response = roll(client, **params)
        assert response.status_code == 200
        return {row.pk for row in response.context["rows"]}

    assert pks() == {a.pk, b.pk, c.pk}
    assert pks(scheme="weihai-mayor") == {a.pk, b.pk}
    assert pks(year="2025") == {b.pk}
    assert pks(scheme="weihai-mayor", year="2026") == {a.pk}
    assert pks(district="371002") == {a.pk, b.pk}
    assert pks(district="371000") == {a.pk, b.pk}
    assert pks(district=zibo_district.code) == {c.pk}
    assert pks(district="370300") == {c.pk}
    assert pks(district="370000") == {a.pk, b.pk, c.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"scheme": "no-such-scheme"}, "scheme"),
        ({"year": "twenty"}, "year"),
        ({"year": "1899"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
        ({"district": "'; drop table"}, "district"),
        ({"page": "abc"}, None),
    ],
)
def test_honour_roll_bad_filter_shows_message_not_error(client, params, field):
    edition = make_edition("weihai-mayor")
    winners(edition, 1)
    announce(edition)

    response = roll(client, **params)

    assert response.status_code == 200
    if field:
        assert list(response.context["form"].errors) == [field]
        assert 'id="filter-errors"' in response.content.decode()
    assert len(response.context["rows"]) == 1


def test_honour_roll_outsiders_see_the_same_page(client, make_user):
    edition = make_edition("weihai-mayor")
    winners(edition, 1)
    announce(edition)
    anonymous = roll(client)
    client.force_login(make_user(Role.APPLICANT))

    assert roll(client).status_code == anonymous.status_code == 200


def test_honour_roll_query_count_constant_from_1_to_50_rows(client):
    first = make_edition("weihai-mayor", 2025)
    (only,) = winners(first, 1)
    propose(only, Tier.AWARD)
    announce(first)
    with CaptureQueriesContext(connection) as one:
        response = roll(client)
    assert len(response.context["rows"]) == 1
    second, third = make_edition("zibo-leading", 2026), make_edition("linyi-mayor", 2026)
    rows = (
        winners(first, 19, prefix="甲")
        + winners(second, 20, prefix="乙")
        + [individual_winner(third, name=f"个人{i}") for i in range(10)]
    )
    for application in rows[::3]:
        propose(application, Tier.NOMINATION)
    unit_winner(third, name="撤销单位有限公司", state=S.REVOKED, revoked_on=timezone.localdate())
    announce(second)
    announce(third)

    with CaptureQueriesContext(connection) as many:
        response = roll(client)

    assert len(response.context["rows"]) == 50
    assert len(many) == len(one)


def test_honour_roll_paginates(client):
    edition = make_edition("weihai-mayor")
    winners(edition, 3)
    announce(edition)

    from decisions import views_public

    original = views_public.HONOUR_ROLL_PAGE_SIZE
    views_public.HONOUR_ROLL_PAGE_SIZE = 2
    try:
        first, second = roll(client, scheme="weihai-mayor"), roll(client, scheme="weihai-mayor", page="2")
    finally:
        views_public.HONOUR_ROLL_PAGE_SIZE = original

    assert len(first.context["rows"]) == 2 and len(second.context["rows"]) == 1
    assert "scheme=weihai-mayor&amp;page=2" in first.content.decode()
