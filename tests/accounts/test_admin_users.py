import pytest
from django.contrib.auth.models import Group

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def _form(user, **changes):
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_sysadmin_cannot_make_themselves_superuser_or_auditor(client, users):
    admin = users[Role.SYSADMIN]
    client.force_login(admin)
    auditor_group = Group.objects.get(name=Role.AUDITOR)
    client.post(
        f"/office/admin/accounts/user/{admin.pk}/change/",
        _form(admin, is_superuser="on", groups=[auditor_group.pk, *admin.groups.values_list("pk", flat=True)]),
    )
    admin.refresh_from_db()
    assert admin.is_superuser is False
    assert sorted(admin.groups.values_list("name", flat=True)) == [Role.SYSADMIN.value]
    assert client.get("/accounts/audit/").status_code == 403


def test_sysadmin_cannot_give_one_person_auditor_and_admin_roles(client, users):
    admin = users[Role.SYSADMIN]
    target = users[Role.EXPERT]
    client.force_login(admin)
    both = list(Group.objects.filter(name__in=[Role.AUDITOR, Role.SYSADMIN]).values_list("pk", flat=True))
    response = client.post(f"/office/admin/accounts/user/{target.pk}/change/", _form(target, groups=both))
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert sorted(target.groups.values_list("name", flat=True)) == [Role.EXPERT.value]


def test_sysadmin_role_change_is_audited(client, users):
    admin = users[Role.SYSADMIN]
    target = users[Role.EXPERT]
    client.force_login(admin)
    office = Group.objects.get(name=Role.OFFICE_STAFF)
    response = client.post(
        f"/office/admin/accounts/user/{target.pk}/change/", _form(target, groups=[office.pk], is_staff="on")
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(target.pk))
    assert event.actor == admin
    assert event.detail.endswith("roles: office_staff")
    assert "groups" in event.detail
