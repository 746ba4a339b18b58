from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from awards.enums import Category, EditionCycle, EditionStatus, SchemeLevel
from awards.models import Edition, Rulebook, Scheme
from awards.services import edition_close, edition_open

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:awards_edition_changelist")


@pytest.fixture
def scheme():
    return Scheme.objects.create(
        code="test-quality-award",
        number_prefix="TEST",
        name="测试市质量奖",
        short_name="测试奖",
        level=SchemeLevel.CITY,
        organiser="测试市人民政府",
        edition_cycle=EditionCycle.BIENNIAL,
        categories=[Category.UNIT],
    )


@pytest.fixture
def make_rulebook(scheme):
    def make(valid_from=date(2024, 1, 1), valid_until=date(2026, 6, 30)):
        return Rulebook.objects.create(
            scheme=scheme,
            title="测试市质量奖管理办法",
            issued_by="测试市人民政府",
            valid_from=valid_from,
            valid_until=valid_until,
            validity_article="第三十条",
            notice_working_days=5,
        )

    return make


@pytest.fixture
def make_edition(scheme, make_rulebook):
    """An edition saved without full_clean, so a window outside the rulebook's force can be set up."""

    def make(opens, closes, rulebook=None, status=EditionStatus.DRAFT, year=2026):
        return Edition.objects.create(
            scheme=scheme,
            rulebook=rulebook or make_rulebook(),
            year=year,
            title=f"第{year - 2020}届",
            status=status,
            application_opens=opens,
            application_closes=closes,
            recommendation_deadline=closes,
        )

    return make


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF, username="office", is_staff=True)


def status_in_db(edition) -> str:
    return Edition.objects.values_list("status", flat=True).get(pk=edition.pk)


def test_edition_open_rulebook_ends_before_window_closes(make_edition, office):
    edition = make_edition(date(2026, 5, 1), date(2026, 7, 31))
    with pytest.raises(ValidationError) as caught:
        edition_open(edition=edition, by=office)
    [message] = caught.value.messages
    assert "2026-06-30" in message
    assert "2026-07-31" in message
    assert "第三十条" in message
    assert status_in_db(edition) == EditionStatus.DRAFT
    assert not AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE).exists()


def test_edition_open_rulebook_starts_after_window_opens(make_edition, make_rulebook, office):
    rulebook = make_rulebook(valid_from=date(2026, 6, 1), valid_until=None)
    edition = make_edition(date(2026, 5, 1), date(2026, 7, 31), rulebook=rulebook)
    with pytest.raises(ValidationError) as caught:
        edition_open(edition=edition, by=office)
    [message] = caught.value.messages
    assert "2026-06-01" in message
    assert "2026-05-01" in message
    assert status_in_db(edition) == EditionStatus.DRAFT


def test_edition_open_window_inside_validity(make_edition, office):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30))
    edition_open(edition=edition, by=office)
    assert edition.status == EditionStatus.OPEN
    assert status_in_db(edition) == EditionStatus.OPEN


def test_edition_open_writes_audit_row(make_edition, office):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30))
    edition_open(edition=edition, by=office)
    event = AuditEvent.objects.get(action=AuditAction.STATE_CHANGE)
    assert (event.actor_id, event.actor_username, event.result) == (office.pk, "office", AuditResult.SUCCESS)
    assert (event.object_type, event.object_id, event.detail) == (
        "awards.Edition", str(edition.pk), "draft → open"
    )


def test_edition_open_closed_edition_reopens(make_edition, office):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30), status=EditionStatus.CLOSED)
    edition_open(edition=edition, by=office)
    assert status_in_db(edition) == EditionStatus.OPEN
    assert AuditEvent.objects.get(action=AuditAction.STATE_CHANGE).detail == "closed → open"


@pytest.mark.parametrize("status", [EditionStatus.OPEN, EditionStatus.FINISHED])
def test_edition_open_wrong_status_refused(make_edition, office, status):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30), status=status)
    with pytest.raises(ValidationError):
        edition_open(edition=edition, by=office)
    assert status_in_db(edition) == status
    assert not AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE).exists()


def test_edition_open_wrong_status_and_window_lists_both_reasons(make_edition, office):
    edition = make_edition(date(2026, 5, 1), date(2026, 7, 31), status=EditionStatus.FINISHED)
    with pytest.raises(ValidationError) as caught:
        edition_open(edition=edition, by=office)
    assert len(caught.value.messages) == 2


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.AUDITOR, Role.SYSADMIN, Role.EXPERT])
def test_edition_open_wrong_role_denied(make_edition, make_user, role):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30))
    with pytest.raises(PermissionDenied):
        edition_open(edition=edition, by=make_user(role, is_staff=True))
    assert status_in_db(edition) == EditionStatus.DRAFT


def test_edition_close_open_edition(make_edition, office):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30), status=EditionStatus.OPEN)
    edition_close(edition=edition, by=office)
    assert status_in_db(edition) == EditionStatus.CLOSED
    event = AuditEvent.objects.get(action=AuditAction.STATE_CHANGE)
    assert (event.actor_id, event.detail) == (office.pk, "open → closed")


def test_edition_close_draft_refused(make_edition, office):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30))
    with pytest.raises(ValidationError):
        edition_close(edition=edition, by=office)
    assert status_in_db(edition) == EditionStatus.DRAFT


def test_edition_close_wrong_role_denied(make_edition, make_user):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30), status=EditionStatus.OPEN)
    with pytest.raises(PermissionDenied):
        edition_close(edition=edition, by=make_user(Role.APPLICANT))
    assert status_in_db(edition) == EditionStatus.OPEN


def test_edition_full_clean_rulebook_ends_before_window_closes(make_edition):
    edition = make_edition(date(2026, 5, 1), date(2026, 7, 31))
    with pytest.raises(ValidationError) as caught:
        edition.full_clean()
    [message] = caught.value.message_dict["rulebook"]
    assert "2026-06-30" in message


def test_edition_full_clean_window_inside_validity(make_edition):
    make_edition(date(2026, 3, 1), date(2026, 6, 30)).full_clean()


# The office's admin screens.


def test_edition_admin_action_opens_valid_edition(client, office, make_edition):
    edition = make_edition(date(2026, 3, 1), date(2026, 6, 30))
    client.force_login(office)
    response = client.post(
        CHANGELIST, {"action": "open_for_applications", "_selected_action": [edition.pk]}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert status_in_db(edition) == EditionStatus.OPEN
    event = AuditEvent.objects.get(action=AuditAction.STATE_CHANGE)
    assert (event.actor_id, event.detail) == (office.pk, "draft → open")


def test_edition_admin_action_reports_refusal(client, office, make_edition, make_rulebook):
    edition = make_edition(date(2026, 5, 1), date(2026, 7, 31))
    client.force_login(office)
    response = client.post(
        CHANGELIST, {"action": "open_for_applications", "_selected_action": [edition.pk]}, follow=True
    )
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    assert str(edition) in str(message)
    assert "2026-06-30" in str(message)
    assert status_in_db(edition) == EditionStatus.DRAFT


def test_edition_admin_action_offered_to_office(client, office, make_edition):
    make_edition(date(2026, 3, 1), date(2026, 6, 30))
    client.force_login(office)
    response = client.get(CHANGELIST)
    assert 'value="open_for_applications"' in response.content.decode()


def test_edition_admin_action_hidden_from_auditor(client, make_user, make_edition):
    make_edition(date(2026, 3, 1), date(2026, 6, 30))
    client.force_login(make_user(Role.AUDITOR, is_staff=True))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "open_for_applications" not in response.content.decode()


def test_edition_admin_form_refuses_rulebook_out_of_force(client, office, scheme, make_rulebook):
    rulebook = make_rulebook()
    client.force_login(office)
    response = client.post(
        reverse("admin:awards_edition_add"),
        {
            "scheme": scheme.pk,
            "rulebook": rulebook.pk,
            "year": 2026,
            "title": "第六届",
            "application_opens": "2026-05-01",
            "application_closes": "2026-07-31",
            "recommendation_deadline": "2026-08-15",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["rulebook"]
    assert "2026-06-30" in errors["rulebook"][0]
    assert not Edition.objects.exists()


def test_edition_admin_form_creates_draft(client, office, scheme, make_rulebook):
    rulebook = make_rulebook()
    client.force_login(office)
    response = client.post(
        reverse("admin:awards_edition_add"),
        {
            "scheme": scheme.pk,
            "rulebook": rulebook.pk,
            "year": 2026,
            "title": "第六届",
            "application_opens": "2026-03-01",
            "application_closes": "2026-06-30",
            "recommendation_deadline": "2026-07-15",
            "status": EditionStatus.OPEN,  # read-only in the admin: ignored
        },
    )
    assert response.status_code == 302
    assert Edition.objects.get().status == EditionStatus.DRAFT


@pytest.mark.parametrize("model", ["scheme", "rulebook", "edition", "calendaryear", "calendarday"])
def test_awards_admin_screens_render_for_office(client, office, make_edition, model):
    make_edition(date(2026, 3, 1), date(2026, 6, 30))
    client.force_login(office)
    assert client.get(reverse(f"admin:awards_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:awards_{model}_add")).status_code == 200


def test_scheme_admin_change_page_lists_rulebooks(client, office, scheme, make_rulebook):
    rulebook = make_rulebook()
    client.force_login(office)
    response = client.get(reverse("admin:awards_scheme_change", args=[scheme.pk]))
    assert response.status_code == 200
    assert reverse("admin:awards_rulebook_change", args=[rulebook.pk]) in response.content.decode()


def test_rulebook_admin_change_page_shows_inlines(client, office, make_rulebook):
    rulebook = make_rulebook()
    client.force_login(office)
    response = client.get(reverse("admin:awards_rulebook_change", args=[rulebook.pk]))
    assert response.status_code == 200
    prefixes = [formset.formset.prefix for formset in response.context["inline_admin_formsets"]]
    assert prefixes == ["quotas", "eligibility_rules", "stages", "award_items", "ScoreSheetTemplate_rulebooks"]


def changelist_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_edition_admin_changelist_query_count_constant(client, office, make_edition, make_rulebook):
    client.force_login(office)
    make_edition(date(2026, 3, 1), date(2026, 6, 30))
    few = changelist_queries(client, CHANGELIST)
    rulebook = make_rulebook()
    for year in range(2010, 2025):
        make_edition(date(year, 3, 1), date(year, 6, 30), rulebook=rulebook, year=year)
    assert changelist_queries(client, CHANGELIST) == few


def test_scheme_admin_changelist_query_count_constant(client, office, scheme, make_rulebook):
    url = reverse("admin:awards_scheme_changelist")
    client.force_login(office)
    make_rulebook()
    few = changelist_queries(client, url)
    for i in range(10):
        other = Scheme.objects.create(
            code=f"test-scheme-{i}",
            number_prefix="TS" + "ABCDEFGHIJ"[i],
            name=f"测试奖{i}", short_name=f"奖{i}", level=SchemeLevel.CITY,
            organiser="测试", edition_cycle=EditionCycle.ANNUAL, categories=[Category.UNIT],
        )
        Rulebook.objects.create(
            scheme=other, title="办法", issued_by="测试", valid_from=date(2024, 1, 1), notice_working_days=5
        )
    assert changelist_queries(client, url) == few
