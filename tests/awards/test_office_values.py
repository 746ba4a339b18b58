"""The values a rulebook's text does not give (awards.confirmations): the rows the data migration creates, the
refusal where they are used until confirmed, and the office's page that confirms them (auditors read it)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from awards.confirmations import office_set_value_confirm
from awards.models import Edition, OfficeSetValue, Rulebook
from decisions import notice as notice_services

pytestmark = pytest.mark.django_db

PAGE = reverse("awards:office_values")


def rulebook_of(code: str) -> Rulebook:
    return Rulebook.objects.filter(scheme__code=code).order_by("-valid_from").first()


def value_of(code: str, key: str) -> OfficeSetValue:
    return OfficeSetValue.objects.get(rulebook=rulebook_of(code), key=key)


@pytest.mark.parametrize(
    ("code", "key", "value", "silence"),
    [
        pytest.param("shandong-benchmark", "notice_working_days", "5", "一（三）4",
                     id="S3e-shandong-1-3-4-notice-days-office-set"),
        pytest.param("shandong-benchmark", "valid_from", "2021-01-01", "通知未写施行日期",
                     id="S3a-shandong-notice-valid-from-office-set"),
        pytest.param("shandong-benchmark", "valid_until", "2021-12-31", "通知未写有效期",
                     id="S3a-shandong-notice-valid-until-office-set"),
        pytest.param("national-benchmark", "valid_from", "2022-01-01", "第二十六条",
                     id="N26-national-art26-valid-from-office-set"),
        pytest.param("national-benchmark", "valid_until", "2022-12-31", "第二十六条",
                     id="N26-national-art26-valid-until-office-set"),
    ],
)
def test_office_set_value_rows(code, key, value, silence):
    row = value_of(code, key)
    assert (row.value, row.confirmed) == (value, False)
    assert silence in row.silence
    assert str(getattr(row.rulebook, key)) == value  # the value the portal carries is the one marked


def test_office_set_values_only_where_the_text_is_silent():
    """The city rulebooks give their notice days and validity: nothing of theirs is office-set here."""
    codes = set(OfficeSetValue.objects.filter(key__in=["notice_working_days", "valid_from", "valid_until"])
                .values_list("rulebook__scheme__code", flat=True))
    assert codes == {"shandong-benchmark", "national-benchmark"}


def shandong_edition() -> Edition:
    rulebook = rulebook_of("shandong-benchmark")
    return Edition.objects.create(
        scheme=rulebook.scheme, rulebook=rulebook, year=2021, title="2021年度",
        application_opens=date(2021, 4, 12), application_closes=date(2021, 5, 15),
        recommendation_deadline=date(2021, 5, 15),
    )


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF, username="office", is_staff=True)


@pytest.mark.parametrize(
    "starts_on, ends_on",
    [pytest.param(date(2021, 6, 21), date(2021, 6, 28), id="S3e-shandong-1-3-4-notice-refused-until-confirmed")],
)
def test_shandong_notice_end_refused_until_notice_days_confirmed(office, starts_on, ends_on):
    """一（三）4 gives no notice period, so a Shandong notice cannot be timed until the office confirms its 5."""
    edition = shandong_edition()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        notice_services.notice_end(edition=edition, starts_on=starts_on)
    [message] = caught.value.messages
    assert "一（三）4" in message and "confirmed" in message
    value = value_of("shandong-benchmark", "notice_working_days")
    office_set_value_confirm(value=value, by=office, basis="测试依据：公示期五个工作日")
    assert notice_services.notice_end(edition=edition, starts_on=starts_on)[0] == ends_on


# --- the office's page --------------------------------------------------------------------------------------------


def test_office_values_page_lists_every_value_with_confirm_forms(client, office):
    client.force_login(office)
    response = client.get(PAGE)
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert len(rows) == OfficeSetValue.objects.count() >= 5
    body = response.content.decode()
    for row in rows:
        assert f'data-office-value="{row.pk}"' in body
        assert f'data-confirm-form="{row.pk}"' in body
        assert row.silence in body


def test_office_values_confirm_with_basis_records_who_and_audits(client, office):
    value = value_of("national-benchmark", "valid_until")
    client.force_login(office)
    response = client.post(
        reverse("awards:office_value_confirm", args=[value.pk]), {"basis": "中质协字〔2022〕8号 办法有效期至年底"},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    value.refresh_from_db()
    assert (value.confirmed_by, value.basis) == (office, "中质协字〔2022〕8号 办法有效期至年底")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="awards.OfficeSetValue")
    assert (event.actor, event.object_id) == (office, str(value.pk))
    assert "中质协字〔2022〕8号" in event.detail
    body = response.content.decode()
    assert f'data-confirm-form="{value.pk}"' not in body
    assert "中质协字〔2022〕8号 办法有效期至年底" in body


def test_office_values_confirm_without_basis_refused(client, office):
    value = value_of("national-benchmark", "valid_until")
    client.force_login(office)
    response = client.post(reverse("awards:office_value_confirm", args=[value.pk]), {"basis": "  "}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    value.refresh_from_db()
    assert not value.confirmed
    assert not AuditEvent.objects.filter(object_type="awards.OfficeSetValue").exists()


def test_office_values_confirm_twice_refused(client, office):
    value = value_of("national-benchmark", "valid_from")
    client.force_login(office)
    url = reverse("awards:office_value_confirm", args=[value.pk])
    client.post(url, {"basis": "第一次"}, follow=True)
    response = client.post(url, {"basis": "第二次"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    value.refresh_from_db()
    assert value.basis == "第一次"


def test_office_values_auditor_reads_without_forms(client, users):
    client.force_login(users[Role.AUDITOR])
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "data-confirm-form" not in response.content.decode()
    assert len(response.context["page"]) == OfficeSetValue.objects.count()


def test_office_values_auditor_cannot_confirm(client, users):
    value = value_of("national-benchmark", "valid_until")
    client.force_login(users[Role.AUDITOR])
    response = client.post(reverse("awards:office_value_confirm", args=[value.pk]), {"basis": "审计"})
    assert response.status_code == 403
    value.refresh_from_db()
    assert not value.confirmed


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.DISTRICT_COORDINATOR, Role.SYSADMIN])
def test_office_values_wrong_role_refused(client, users, role):
    client.force_login(users[role])
    assert client.get(PAGE).status_code == 403
    value = value_of("national-benchmark", "valid_until")
    assert client.post(reverse("awards:office_value_confirm", args=[value.pk]), {"basis": "x"}).status_code == 403


def test_office_values_anonymous_goes_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_office_values_unknown_value_is_404(client, office):
    client.force_login(office)
    assert client.post(reverse("awards:office_value_confirm", args=[999999]), {"basis": "x"}).status_code == 404


def test_office_values_get_on_confirm_not_allowed(client, office):
    client.force_login(office)
    value = value_of("national-benchmark", "valid_until")
    assert client.get(reverse("awards:office_value_confirm", args=[value.pk])).status_code == 405


def test_office_values_filter_by_state(client, office):
    value = value_of("national-benchmark", "valid_until")
    office_set_value_confirm(value=value, by=office, basis="依据")
    client.force_login(office)
    confirmed = list(client.get(PAGE, {"state": "confirmed"}).context["page"])
    unconfirmed = list(client.get(PAGE, {"state": "open"}).context["page"])
    assert [row.pk for row in confirmed] == [value.pk]
    assert value.pk not in [row.pk for row in unconfirmed]
    assert len(confirmed) + len(unconfirmed) == OfficeSetValue.objects.count()


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return len(queries)


def test_office_values_query_count_constant(client, office):
    client.force_login(office)
    few = page_queries(client)
    for rulebook in Rulebook.objects.all():
        for i in range(12):
            row = OfficeSetValue.objects.create(rulebook=rulebook, key=f"test:{i}", label=f"测试{i}", value="1",
                                                silence="文本未规定")
            if i % 2:
                office_set_value_confirm(value=row, by=office, basis="依据")
    assert page_queries(client) == few


def test_office_values_page_paginates(client, office):
    rulebook = rulebook_of("zibo-leading")
    for i in range(60):
        OfficeSetValue.objects.create(rulebook=rulebook, key=f"test:{i}", label=f"测试{i}", value="1", silence="无")
    client.force_login(office)
    response = client.get(PAGE)
    assert len(response.context["page"]) == 50
    assert response.context["page"].paginator.num_pages == 2
    assert len(client.get(PAGE, {"page": 2}).context["page"]) == OfficeSetValue.objects.count() - 50


@pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.AUDITOR])
def test_office_values_linked_from_navigation(client, users, role):
    client.force_login(users[role])
    body = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{PAGE}"' in body


def test_office_values_not_linked_for_applicant(client, users):
    client.force_login(users[Role.APPLICANT])
    assert f'href="{PAGE}"' not in client.get(reverse("accounts:dashboard")).content.decode()


def test_office_set_value_admin_is_read_only(client, office):
    value = value_of("national-benchmark", "valid_until")
    client.force_login(office)
    assert client.get(reverse("admin:awards_officesetvalue_changelist")).status_code == 200
    assert client.get(reverse("admin:awards_officesetvalue_add")).status_code == 403
    page = client.get(reverse("admin:awards_officesetvalue_change", args=[value.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    change = reverse("admin:awards_officesetvalue_change", args=[value.pk])
    assert client.post(change, {"value": "9"}).status_code == 403
    value.refresh_from_db()
    assert value.value == "2022-12-31"
