"""A stage the rulebook runs only where needed can be passed over for the applications that do not need it
(national benchmark art. 20: a site visit "where doubts remain"; Shandong 2021 notice 一（三）4: on-site
verification "where needed")."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.enums import Role
from applications.models import ApplicationTransition
from reviews import progress
from tests.factories import UserFactory
from tests.reviews.test_progress import build, fresh

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code",
    ["national-benchmark", "shandong-benchmark"],
    ids=["N20-site-visit-where-doubts-remain", "SD-1-3-4-on-site-where-needed"],
)
def test_stage_not_needed_passes_the_ticked_on_without_it(code):
    from awards.models import Rulebook

    rulebook = Rulebook.objects.filter(scheme__code=code).first()
    if rulebook is None or not rulebook.stages.filter(kind="onsite_review", conditional=True).exists():
        pytest.fail(f"{code} should run its on-site review only where needed")
    scene = build([["800"], ["700"]], kind="onsite_review", code=code)
    first, second = scene["applications"]
    result = progress.stage_not_needed(
        edition_stage=scene["edition_stage"], application_ids=[first.pk], by=scene["office"]
    )
    assert [a.pk for a in result.done] == [first.pk] and result.refused == []
    moved = fresh(first)
    assert moved.current_stage_id != scene["stage"].pk
    assert fresh(second).current_stage_id == scene["stage"].pk
    comment = ApplicationTransition.objects.filter(application=first).latest("id").comment
    assert "现场评审" in comment or "On-site review" in comment


def test_stage_not_needed_refused_for_a_stage_every_application_goes_through():
    scene = build([["800"]], kind="material_review", code="weihai-mayor")
    with pytest.raises(ValidationError):
        progress.stage_not_needed(
            edition_stage=scene["edition_stage"], application_ids=[scene["applications"][0].pk], by=scene["office"]
        )
    assert fresh(scene["applications"][0]).current_stage_id == scene["stage"].pk


def test_stage_not_needed_lists_an_application_no_longer_at_the_stage():
    scene = build([["800"]], kind="onsite_review", code="national-benchmark")
    result = progress.stage_not_needed(
        edition_stage=scene["edition_stage"], application_ids=[scene["applications"][0].pk, 999999], by=scene["office"]
    )
    assert len(result.done) == 1 and [pk for pk, _reason in result.refused] == [999999]


def test_stage_not_needed_refuses_other_roles():
    scene = build([["800"]], kind="onsite_review", code="national-benchmark")
    with pytest.raises(PermissionDenied):
        progress.stage_not_needed(
            edition_stage=scene["edition_stage"],
            application_ids=[scene["applications"][0].pk],
            by=UserFactory(roles=[Role.EXPERT]),
        )


def test_stage_not_needed_page_moves_the_ticked_and_outsiders_are_refused(client):
    scene = build([["800"], ["700"]], kind="onsite_review", code="national-benchmark")
    url = reverse("reviews:stage_not_needed", args=[scene["edition_stage"].pk])
    first, second = scene["applications"]
    assert client.post(url, {"pass": [first.pk]}).status_code == 302  # anonymous: to the login page
    assert fresh(first).current_stage_id == scene["stage"].pk
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    assert client.post(url, {"pass": [first.pk]}).status_code == 403
    client.force_login(scene["office"])
    page = client.get(reverse("reviews:stage_progress", args=[scene["edition_stage"].pk]))
    assert 'id="not-needed"' in page.content.decode()
    response = client.post(url, {"pass": [first.pk]})
    assert response.status_code == 302
    assert fresh(first).current_stage_id != scene["stage"].pk
    assert fresh(second).current_stage_id == scene["stage"].pk
    assert client.post(url, {"pass": ["x"]}).status_code == 404
    assert client.get(url).status_code == 405
