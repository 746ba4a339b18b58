"""The office starts the review of many applications at once (applications_start_review on accounts.bulk): those
that may move enter their rulebook's first review stage, the others are listed with the reason, each moves whole
or not at all, and two offices pressing at once move an application once. Then the pages that press it."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.enums import Role
from applications import services
from applications.enums import ApplicationState
from applications.models import Application, ApplicationTransition
from tests.applications.conftest import make_edition
from tests.concurrency import needs_postgres, run_together
from tests.factories import UserFactory
from tests.reviews.test_worklist import Listed

S = ApplicationState
URL = "/office/applications/start-review/"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.OFFICE_STAFF])


@pytest.fixture
def listed(db):
    return Listed()


def states(*applications) -> list[tuple[str, str | None]]:
    rows = Application.objects.filter(pk__in=[a.pk for a in applications]).select_related("current_stage")
    by_pk = {a.pk: (a.state, a.current_stage.kind if a.current_stage else None) for a in rows}
    return [by_pk[a.pk] for a in applications]


# --- the service ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_start_review_moves_the_recommended_and_lists_the_others_with_the_reason(office, listed):
    first, second = listed.unit(S.RECOMMENDED), listed.unit(S.RECOMMENDED)
    submitted = listed.unit(S.SUBMITTED)
    started = listed.unit(S.IN_REVIEW, stage="material_review")
    result = services.applications_start_review(applications=[first, submitted, second, started], by=office)
    assert [a.pk for a in result.done] == [first.pk, second.pk]
    only = "only recommended applications enter the review."
    assert [(a.pk, reason) for a, reason in result.refused] == [
        (submitted.pk, f"This application is “Submitted, awaiting recommendation”; {only}"),
        (started.pk, f"This application is “Under review”; {only}"),
    ]
    # Weihai art. 14: the review opens with the public-opinion check.
    assert states(first, second, submitted, started) == [
        (S.IN_REVIEW, "public_opinion"),
        (S.IN_REVIEW, "public_opinion"),
        (S.SUBMITTED, None),
        (S.IN_REVIEW, "material_review"),
    ]
    history = ApplicationTransition.objects.filter(to_state=S.IN_REVIEW).order_by("application_id")
    assert [(row.application_id, row.from_state, row.actor_id, row.stage.kind) for row in history] == [
        (first.pk, S.RECOMMENDED, office.pk, "public_opinion"),
        (second.pk, S.RECOMMENDED, office.pk, "public_opinion"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.EXPERT, Role.AUDITOR], ids=lambda r: r.value
)
def test_bulk_start_review_by_another_role_moves_nothing(listed, role):
    applications = [listed.unit(S.RECOMMENDED), listed.unit(S.RECOMMENDED)]
    result = services.applications_start_review(applications=applications, by=UserFactory(roles=[role]))
    assert result.done == []
    assert [reason for _a, reason in result.refused] == ["may not run this review stage"] * 2
    assert states(*applications) == [(S.RECOMMENDED, None)] * 2


@pytest.mark.django_db
def test_bulk_start_review_moves_each_application_whole_or_not_at_all(office, listed, monkeypatch):
    """A refusal raised after the transition (here: while writing its history) rolls that application back
    entirely, and the others still move."""
    first, failing, last = (listed.unit(S.RECOMMENDED) for _ in range(3))
    real = services.record_transition

    def record(*, application, **kwargs):
        if application.pk == failing.pk:
            raise ValidationError("the history could not be written")
        return real(application=application, **kwargs)

    monkeypatch.setattr(services, "_record", record)
    result = services.applications_start_review(applications=[first, failing, last], by=office)
    assert [a.pk for a in result.done] == [first.pk, last.pk]
    assert [(a.pk, reason) for a, reason in result.refused] == [(failing.pk, "the history could not be written")]
    assert states(first, failing, last) == [(S.IN_REVIEW, "public_opinion"), (S.RECOMMENDED, None)] + [
        (S.IN_REVIEW, "public_opinion")
    ]
    assert not ApplicationTransition.objects.filter(application=failing).exists()


@pytest.mark.django_db
def test_bulk_start_review_of_nothing_does_nothing(office):
    result = services.applications_start_review(applications=[], by=office)
    assert (result.done, result.refused, result.total) == ([], [], 0)


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_offices_starting_the_same_applications_at_once_move_each_once():
    listed = Listed()
    applications = [listed.unit(S.RECOMMENDED) for _ in range(3)]
    offices = [UserFactory(roles=[Role.OFFICE_STAFF]) for _ in range(2)]
    errors, results = run_together(
        [
            lambda by=by: services.applications_start_review(
                applications=list(Application.objects.filter(pk__in=[a.pk for a in applications]).order_by("pk")),
                by=by,
            )
            for by in offices
        ]
    )
    assert errors == []
    assert sum(len(r.done) for r in results) == 3
    assert sum(len(r.refused) for r in results) == 3
    for application in applications:
        assert ApplicationTransition.objects.filter(application=application, to_state=S.IN_REVIEW).count() == 1
    assert states(*applications) == [(S.IN_REVIEW, "public_opinion")] * 3


# --- the worklist's buttons -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_review_for_the_selected_shows_what_moved_and_what_did_not(client, office, listed):
    moving = listed.unit(S.RECOMMENDED, name="威海精工机械有限公司")
    staying = listed.unit(S.SUBMITTED, name="荣成海洋食品有限公司")
    client.force_login(office)
    back = f"/office/applications/?edition={listed.edition.pk}&state=recommended"
    response = client.post(URL, {"application": [moving.pk, staying.pk], "next": back})
    assert (response.status_code, response["Location"]) == (302, back)
    assert states(moving, staying) == [(S.IN_REVIEW, "public_opinion"), (S.SUBMITTED, None)]
    body = client.get(back).content.decode()
    assert "1 item done." in body and "1 item could not be moved:" in body
    assert f"<strong>{staying.number} 荣成海洋食品有限公司</strong>: This application is “Submitted" in body
    # Shown once: the next page has no result any more.
    assert 'id="bulk-result"' not in client.get(back).content.decode()


@pytest.mark.django_db
def test_start_review_for_all_recommended_of_an_edition_leaves_other_editions(client, office, listed):
    recommended = [listed.unit(S.RECOMMENDED) for _ in range(3)]
    submitted = listed.unit(S.SUBMITTED)
    other = Listed(make_edition("zibo-leading"))
    elsewhere = other.unit(S.RECOMMENDED, district="370303")
    client.force_login(office)
    page = client.get("/office/applications/", {"edition": listed.edition.pk}).content.decode()
    assert "3 recommended applications of this edition wait for their review to start." in page
    response = client.post(URL, {"scope": "edition", "edition": listed.edition.pk})
    assert response["Location"] == "/office/applications/"
    assert states(*recommended, submitted, elsewhere) == [(S.IN_REVIEW, "public_opinion")] * 3 + [
        (S.SUBMITTED, None),
        (S.RECOMMENDED, None),
    ]
    assert "3 items done." in client.get("/office/applications/").content.decode()
    again = client.post(URL, {"scope": "edition", "edition": listed.edition.pk}, follow=True).content.decode()
    assert "No application of" in again and "waits for its review to start." in again


@pytest.mark.django_db
def test_start_review_buttons_refuse_bad_input(client, office, listed):
    listed.unit(S.RECOMMENDED)
    client.force_login(office)
    assert client.get(URL).status_code == 405
    assert client.post(URL, {"application": ["x"]}).status_code == 404
    assert client.post(URL, {"scope": "edition", "edition": "999999"}).status_code == 404
    assert client.post(URL, {"scope": "edition"}).status_code == 404
    response = client.post(URL, {}, follow=True)
    assert "Select at least one application first." in response.content.decode()
    # A "next" that leaves the site is not followed.
    assert (
        client.post(URL, {"application": ["1"], "next": "https://example.com/"})["Location"] == "/office/applications/"
    )


@pytest.mark.django_db
def test_start_review_buttons_anonymous_go_to_the_login(client):
    response = client.post(URL, {"application": ["1"]})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
