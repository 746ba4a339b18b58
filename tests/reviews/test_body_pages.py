"""The office forms an edition's review bodies on a page (issue 10: no step needs the admin): form a body, seat
and take off experts, confirm the composition the rulebook asks for (Linyi art. 9: an odd-sized committee)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from reviews.models import ReviewBody, ReviewBodyMember
from tests.factories import UserFactory
from tests.reviews.conftest import _linyi_edition, make_expert

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return UserFactory(roles=[Role.OFFICE_STAFF])


@pytest.fixture
def edition():
    return _linyi_edition()


def _committee(edition, office, client, members):
    client.force_login(office)
    client.post(reverse("reviews:body_new", args=[edition.pk]), {"kind": "review_committee", "name": "评审委员会"})
    body = ReviewBody.objects.get(edition=edition, name="评审委员会")
    for role in members:
        expert = make_expert(f"专家{ReviewBodyMember.objects.count()}")
        client.post(reverse("reviews:body_member_new", args=[edition.pk, body.pk]), {"expert": expert.pk, "role": role})
    return body


def test_body_pages_refuse_anonymous_and_other_roles(client, edition):
    url = reverse("reviews:bodies", args=[edition.pk])
    assert client.get(url).status_code == 302
    for role in (Role.APPLICANT, Role.EXPERT, Role.AGENCY_STAFF, Role.DISTRICT_COORDINATOR):
        client.force_login(UserFactory(roles=[role]))
        assert client.get(url).status_code == 403
        assert (
            client.post(
                reverse("reviews:body_new", args=[edition.pk]), {"kind": "review_group", "name": "x"}
            ).status_code
            == 403
        )
    assert not ReviewBody.objects.exists()


def test_body_page_unknown_edition_or_body_of_another_edition_is_404(client, office, edition):
    client.force_login(office)
    assert client.get(reverse("reviews:bodies", args=[999999])).status_code == 404
    other = ReviewBody.objects.create(edition=_linyi_edition_other(), kind="review_group", name="他届评审组")
    url = reverse("reviews:body_confirm", args=[edition.pk, other.pk])
    assert client.post(url).status_code == 404


def _linyi_edition_other():
    from tests.applications.conftest import make_edition

    return make_edition("weihai-mayor")


def test_body_page_forms_a_committee_seats_members_and_confirms_an_odd_one_linyi_art9(client, office, edition):
    body = _committee(edition, office, client, ["chair", "vice_chair", "member", "member", "member"])
    assert sorted(body.members.values_list("role", flat=True)) == ["chair", "member", "member", "member", "vice_chair"]
    response = client.post(reverse("reviews:body_confirm", args=[edition.pk, body.pk]))
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.confirmed_at is not None and body.confirmed_by == office
    page = client.get(reverse("reviews:bodies", args=[edition.pk])).content.decode()
    assert f'data-body="{body.pk}" data-confirmed="true"' in page
    assert AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE, object_id=str(body.pk)).exists()


def test_body_page_refuses_to_confirm_an_even_committee_and_shows_why_linyi_art9(client, office, edition):
    body = _committee(edition, office, client, ["chair", "vice_chair", "member", "member"])
    page = client.get(reverse("reviews:bodies", args=[edition.pk])).content.decode()
    assert f'data-problems="{body.pk}"' in page and "第九条" in page
    client.post(reverse("reviews:body_confirm", args=[edition.pk, body.pk]))
    body.refresh_from_db()
    assert body.confirmed_at is None


def test_body_page_taking_a_member_off_withdraws_the_confirmation(client, office, edition):
    body = _committee(edition, office, client, ["chair", "vice_chair", "member"])
    client.post(reverse("reviews:body_confirm", args=[edition.pk, body.pk]))
    body.refresh_from_db()
    assert body.confirmed_at is not None
    member = body.members.filter(role="member").get()
    client.post(reverse("reviews:body_member_remove", args=[edition.pk, body.pk, member.expert_id]))
    body.refresh_from_db()
    assert body.confirmed_at is None and body.members.count() == 2


def test_body_page_bad_input_saves_nothing(client, office, edition):
    client.force_login(office)
    new = reverse("reviews:body_new", args=[edition.pk])
    assert client.post(new, {"kind": "nonsense", "name": "组"}).status_code == 302
    assert client.post(new, {"kind": "review_group", "name": "   "}).status_code == 302
    assert not ReviewBody.objects.exists()
    client.post(new, {"kind": "review_group", "name": "第一评审组"})
    client.post(new, {"kind": "review_group", "name": "第一评审组"})  # a double submit
    assert ReviewBody.objects.filter(name="第一评审组").count() == 1
    body = ReviewBody.objects.get()
    seat = reverse("reviews:body_member_new", args=[edition.pk, body.pk])
    assert client.post(seat, {"expert": "x", "role": "member"}).status_code == 302
    assert client.post(seat, {"expert": "999999", "role": "member"}).status_code == 404
    expert = make_expert()
    client.post(seat, {"expert": expert.pk, "role": "chair"})  # a group has no chair
    client.post(seat, {"expert": expert.pk, "role": "leader"})
    client.post(seat, {"expert": expert.pk, "role": "member"})  # already seated
    assert list(body.members.values_list("role", flat=True)) == ["leader"]
    assert client.get(seat).status_code == 405


def test_body_page_auditor_reads_without_forms(client, office, edition):
    _committee(edition, office, client, ["chair"])
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    page = client.get(reverse("reviews:bodies", args=[edition.pk])).content.decode()
    assert "评审委员会" in page and 'id="body-create"' not in page and "data-seat=" not in page


def test_body_page_query_count_same_for_1_and_many_members(client, office, edition):
    body = _committee(edition, office, client, ["chair"])
    url = reverse("reviews:bodies", args=[edition.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        ReviewBodyMember.objects.create(body=body, expert=make_expert(f"增补{n}"), role="member")
    ReviewBody.objects.create(edition=edition, kind="review_group", name="第二组")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_stage_list_links_each_editions_review_bodies(client, office):
    from reviews.models import EditionStage
    from tests.reviews.test_progress import build

    scene = build([["800"]])
    client.force_login(office)
    page = client.get(reverse("reviews:stages")).content.decode()
    edition_id = EditionStage.objects.get(pk=scene["edition_stage"].pk).edition_id
    assert reverse("reviews:bodies", args=[edition_id]) in page
