from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from accounts.services import audit_record

AUDIT_URL = "/accounts/audit/"


@pytest.fixture
def event(db):
    return audit_record(action=AuditAction.LOGIN, username="someone", detail="first")


def test_audit_row_cannot_be_saved_again(event):
    event.detail = "changed"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).detail == "first"


def test_audit_row_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="changed")
    assert AuditEvent.objects.filter(pk=event.pk, detail="first").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql", ["UPDATE accounts_auditevent SET detail = 'x'", "DELETE FROM accounts_auditevent"]
)
def test_audit_trigger_refuses_raw_sql_on_postgresql(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).detail == "first"


def test_audit_log_anonymous_goes_to_login(client):
    response = client.get(AUDIT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={AUDIT_URL}"


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AUDITOR], ids=lambda r: r.value)
def test_audit_log_refused_to_every_other_role_and_refusal_audited(client, users, role):
    client.force_login(users[role])
    response = client.get(AUDIT_URL)
    assert response.status_code == 403
    refusal = AuditEvent.objects.get(action=AuditAction.PERMISSION_REFUSED)
    assert (refusal.actor_id, refusal.result, refusal.path) == (
        users[role].pk,
        AuditResult.REFUSED,
        AUDIT_URL,
    )


def test_audit_log_auditor_reads_and_filters(client, users):
    auditor = users[Role.AUDITOR]
    client.force_login(auditor)  # writes one LOGIN row for the auditor
    audit_record(action=AuditAction.LOGIN_FAILED, result=AuditResult.FAILURE, username="mallory")
    audit_record(action=AuditAction.LOGIN_FAILED, result=AuditResult.FAILURE, username="mallory")
    audit_record(action=AuditAction.STATE_CHANGE, actor=users[Role.OFFICE_STAFF], detail="draft → open")

    everything = client.get(AUDIT_URL)
    assert everything.status_code == 200
    assert everything.context["page"].paginator.count == 4

    failed = client.get(AUDIT_URL, {"action": AuditAction.LOGIN_FAILED, "username": "mall"})
    assert [e.actor_username for e in failed.context["page"]] == ["mallory", "mallory"]

    by_office = client.get(AUDIT_URL, {"username": users[Role.OFFICE_STAFF].username})
    assert [e.detail for e in by_office.context["page"]] == ["draft → open"]

    today = timezone.localdate()
    tomorrow = client.get(AUDIT_URL, {"date_from": (today + timedelta(days=1)).isoformat()})
    assert tomorrow.context["page"].paginator.count == 0


def test_audit_log_bad_filter_is_reported_and_keeps_input(client, users):
    client.force_login(users[Role.AUDITOR])
    response = client.get(AUDIT_URL, {"date_from": "2026-05-02", "date_to": "2026-05-01", "username": "bob"})
    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors
    assert response.context["form"]["username"].value() == "bob"


def test_audit_log_query_count_constant(client, users, django_assert_max_num_queries):
    client.force_login(users[Role.AUDITOR])
    for n in range(60):
        audit_record(action=AuditAction.LOGIN_FAILED, username=f"user{n}")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(AUDIT_URL, {"username": "user1"})
    with CaptureQueriesContext(connection) as many:
        client.get(AUDIT_URL)
    assert len(few) == len(many)


def test_auditor_reads_admin_but_cannot_change(client, users):
    auditor = users[Role.AUDITOR]
    client.force_login(auditor)
    assert client.get("/office/admin/accounts/district/").status_code == 200
    from accounts.models import District

    district = District.objects.get(code="371002")
    page = client.get(f"/office/admin/accounts/district/{district.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    post = client.post(
        f"/office/admin/accounts/district/{district.pk}/change/",
        {"name": "改名", "code": "371002", "level": "district"},
    )
    assert post.status_code == 403
    refusal = AuditEvent.objects.get(action=AuditAction.PERMISSION_REFUSED)
    assert (refusal.actor_id, refusal.detail.split(":")[0]) == (
        auditor.pk,
        f"POST /office/admin/accounts/district/{district.pk}/change/",
    )
    district.refresh_from_db()
    assert district.name == "环翠区"
    assert client.get("/office/admin/accounts/district/add/").status_code == 403
    perms = auditor.get_all_permissions()
    assert perms and all(p.split(".")[1].startswith("view_") for p in perms)
