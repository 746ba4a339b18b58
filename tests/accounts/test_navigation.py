"""Every role's navigation and dashboard lead somewhere (issue 10, item 5): for a user holding only that role, with
bindings like the demo's, each link of the navigation and of the dashboard answers, never 403, 404 or 500, and
every card of the dashboard has a link."""

from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Department, District
from accounts.services import coordinator_grant_district
from reviews.models import EditionStage, ExpertProfile
from tests.applications.conftest import make_edition, make_unit_applicant
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF = {Role.OFFICE_STAFF, Role.AUDITOR, Role.SYSADMIN}


class _Links(HTMLParser):
    """The hrefs of the page's <a> elements, and the dashboard's role cards with the links inside each."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.cards: dict[str, list[str]] = {}
        self._card: str | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            if self._card is None and attrs.get("data-role"):
                self._card, self._depth = attrs["data-role"], 0
                self.cards[self._card] = []
            elif self._card is not None:
                self._depth += 1
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
            if self._card is not None:
                self.cards[self._card].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "section" and self._card is not None:
            if self._depth == 0:
                self._card = None
            else:
                self._depth -= 1


def _internal(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _bound_user(role: Role):
    """A user holding only `role`, bound to its work as the demo accounts are (seed_demo, seed_demo_roles)."""
    if role == Role.APPLICANT:
        return make_unit_applicant()
    user = UserFactory(roles=[role], is_staff=role in STAFF)
    if role == Role.DISTRICT_COORDINATOR:
        coordinator_grant_district(user=user, district=District.objects.get(code="371002"))
    elif role == Role.QUALIFICATION_DEPARTMENT:
        user.department = Department.objects.get(region__code="371300", name="市发改委")
        user.save(update_fields=["department"])
    elif role == Role.EXPERT:
        ExpertProfile.objects.create(user=user, full_name="张专家", employer_name="山东大学")
    elif role == Role.AGENCY_STAFF:
        user.agency = OrganisationFactory(name="威海市质量评价研究中心")
        user.save(update_fields=["agency"])
        edition = make_edition()
        for kind in ("public_opinion", "onsite_review"):
            EditionStage.objects.create(
                edition=edition,
                stage=edition.rulebook.stages.get(kind=kind),
                opens=timezone.localdate(),
                sheets_due=timezone.localdate(),
                run_by=user.agency,
            )
    elif role == Role.SUPERVISOR:
        from revocation.aftercare import services as aftercare

        office = UserFactory(roles=[Role.OFFICE_STAFF])
        edition = make_edition(
            "zibo-leading", year=2025, opens=date(2025, 3, 1), closes=date(2025, 4, 30), recommend=date(2025, 5, 31)
        )
        group = aftercare.supervision_group_create(edition=edition, by=office)
        aftercare.supervision_member_add(
            group=group, kind="deputy", full_name="赵代表", organisation_name="市人大", user=user, by=office
        )
        aftercare.supervision_group_confirm(group=group, by=office)
    return user


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_every_link_of_the_navigation_and_dashboard_answers(client, role):
    user = _bound_user(role)
    client.force_login(user)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    links = _Links()
    links.feed(response.content.decode())
    # Every card of the dashboard has a link, and the role's own card is there.
    assert role.value in links.cards
    assert all(hrefs for hrefs in links.cards.values()), links.cards
    targets = sorted({url for href in links.hrefs if (url := _internal(href))})
    assert targets, "the dashboard links nowhere"
    answers = {}
    for url in targets:
        final = client.get(url, follow=True)
        answers[url] = final.status_code
    broken = {url: status for url, status in answers.items() if status in (403, 404, 500)}
    assert broken == {}, f"{role.value}: {broken}"


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        pytest.param(
            Role.AUDITOR,
            ["decisions:editions", "revocation:case_list", "accounts:audit_log"],
            ["aftercare:rounds", "aftercare:groups", "aftercare:events", "aftercare:holders", "accounts:users"],
            id="auditor",
        ),
        pytest.param(
            Role.OFFICE_STAFF,
            ["decisions:editions", "aftercare:groups", "reviews:stages"],
            ["accounts:audit_log", "accounts:users"],
            id="office",
        ),
        pytest.param(Role.SYSADMIN, ["accounts:users"], ["accounts:audit_log", "decisions:editions"], id="sysadmin"),
        pytest.param(
            Role.QUALIFICATION_DEPARTMENT, ["reviews:signatures"], ["decisions:editions", "accounts:users"], id="dept"
        ),
        pytest.param(
            Role.AGENCY_STAFF, ["reviews:agency_stages"], ["reviews:stages", "decisions:editions"], id="agency"
        ),
    ],
)
def test_navigation_shows_what_the_role_opens(client, role, present, absent):
    client.force_login(_bound_user(role))
    links = _Links()
    links.feed(client.get(reverse("accounts:dashboard")).content.decode())
    paths = {urlsplit(href).path for href in links.hrefs}
    assert {name for name in present if reverse(name) in paths} == set(present)
    assert {name for name in absent if reverse(name) in paths} == set()


def test_supervisor_dashboard_links_the_opinion_and_misconduct_forms(client):
    user = _bound_user(Role.SUPERVISOR)
    edition_id = user.supervision_memberships.get().group.edition_id
    client.force_login(user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    for name in ("aftercare:group", "aftercare:opinion_new", "aftercare:misconduct_new"):
        url = reverse(name, args=[edition_id])
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200
