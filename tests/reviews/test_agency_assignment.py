"""Where a rulebook gives the technical review and its experts to a third party (Zibo art. 10-11, Linyi art. 8),
the office gives the stage to the agency (EditionStage.run_by) and the agency's staff assign its experts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.enums import Role
from accounts.models import Organisation
from reviews.assigning import assign_optimal, may_assign
from reviews.models import Assignment, EditionStage
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.conftest import test_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(scene):
    """The scene's stage given to the agency, its assignments not made yet."""
    stage = scene["stage"]
    Assignment.objects.all().delete()
    EditionStage.objects.filter(pk=stage.pk).update(run_by=test_agency(), experts_per_application=2)
    stage.refresh_from_db()
    return stage


def _agency_user(agency: Organisation | None):
    return UserFactory(roles=[Role.AGENCY_STAFF], agency=agency)


def test_agency_that_runs_the_stage_assigns_its_experts_on_the_board_zibo_art10_linyi_art8(client, scene, given):
    staff = _agency_user(test_agency())
    assert may_assign(staff, given)
    client.force_login(staff)
    # Weihai art. 24: the agency's staff sign the undertaking of confidentiality before they see the applicants.
    board = reverse("reviews:board", args=[given.pk])
    undertaking = reverse("reviews:undertaking", args=[given.edition_id])
    response = client.get(board)
    assert (response.status_code, response.url) == (302, f"{undertaking}?next={board}")
    assert client.post(undertaking, {"agree": "yes", "next": board}).url == board
    page = client.get(board).content.decode()
    assert 'data-can-assign="true"' in page
    assert 'id="overrides-link"' not in page and 'id="ranking-link"' not in page  # the office's own pages
    assert reverse("reviews:agency_stages") in page
    response = client.post(reverse("reviews:board_assign", args=[given.pk]), {"method": "optimal"})
    assert response.status_code == 302
    assert sorted(Assignment.objects.filter(edition_stage=given).values_list("expert_id", flat=True)) == sorted(
        e.pk for e in scene["experts"]
    )


def test_agency_lists_the_board_of_the_scored_stages_it_runs(client, given):
    client.force_login(_agency_user(test_agency()))
    page = client.get(reverse("reviews:agency_stages")).content.decode()
    assert reverse("reviews:board", args=[given.pk]) in page
    assert reverse("reviews:stage_progress", args=[given.pk]) in page


@pytest.mark.parametrize("whose", ["another agency", "no agency"])
def test_agency_may_not_assign_a_stage_it_does_not_run(client, given, whose):
    staff = _agency_user(OrganisationFactory() if whose == "another agency" else None)
    assert not may_assign(staff, given)
    with pytest.raises(PermissionDenied):
        assign_optimal(edition_stage=given, by=staff)
    client.force_login(staff)
    assert client.get(reverse("reviews:board", args=[given.pk])).status_code == 403
    assert client.post(reverse("reviews:board_assign", args=[given.pk]), {"method": "optimal"}).status_code == 403
    assert not Assignment.objects.filter(edition_stage=given).exists()


def test_a_stage_the_office_keeps_is_assigned_by_the_office_only(client, scene):
    stage = scene["stage"]  # run_by not set: the office runs it
    staff = _agency_user(test_agency())
    assert not may_assign(staff, stage) and may_assign(scene["office"], stage)
    client.force_login(staff)
    assert client.get(reverse("reviews:board", args=[stage.pk])).status_code == 403
