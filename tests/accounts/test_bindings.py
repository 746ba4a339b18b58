"""The system administrator's user pages and the binding services behind them (issue 10, items 5 and 6): roles,
a coordinator's districts, a department account's department, an agency account's agency."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts import bindings
from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent, Department, District, User
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(users):
    return users[Role.SYSADMIN]


def _linyi(name="市发改委") -> Department:
    return Department.objects.get(region__code="371300", name=name)


# --- reference data -------------------------------------------------------------------------------------------


def test_linyi_departments_loaded_art15():
    assert list(Department.objects.filter(region__code="371300").order_by("pk").values_list("name", flat=True)) == [
        "市发改委",
        "市经信委",
        "市人社局",
        "市农业局",
        "市卫计委",
        "市环保局",
        "市质监局",
        "市安监局",
        "市食药监局",
    ]
    assert str(_linyi()) == "临沂市发改委"


# --- services -------------------------------------------------------------------------------------------------


def test_user_roles_set_replaces_roles_and_audits(admin_user, users):
    target = users[Role.EXPERT]
    bindings.user_roles_set(user=target, roles=[Role.EXPERT, Role.AGENCY_STAFF], by=admin_user)
    target.refresh_from_db()
    assert sorted(target.groups.values_list("name", flat=True)) == ["agency_staff", "expert"]
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(target.pk))
    assert (event.actor, event.detail) == (admin_user, "roles: agency_staff,expert (was expert)")


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        pytest.param(
            [Role.AUDITOR, Role.SYSADMIN],
            "The auditor and the system administrator are separate roles; one person cannot hold both.",
            id="auditor-and-sysadmin",
        ),
        pytest.param([Role.AUDITOR], "Only a superuser gives or takes the auditor role.", id="auditor-by-sysadmin"),
        pytest.param(["chief"], "Unknown role: chief.", id="unknown"),
    ],
)
def test_user_roles_set_refused(admin_user, users, roles, message):
    target = users[Role.EXPERT]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        bindings.user_roles_set(user=target, roles=roles, by=admin_user)
    assert message in error.value.messages
    assert sorted(target.groups.values_list("name", flat=True)) == ["expert"]


def test_user_roles_set_own_roles_refused(admin_user):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        bindings.user_roles_set(user=admin_user, roles=[Role.SYSADMIN, Role.OFFICE_STAFF], by=admin_user)
    assert error.value.messages == ["No one changes their own roles."]


def test_user_roles_set_superuser_may_appoint_the_auditor(users):
    root = UserFactory(is_superuser=True, is_staff=True)
    target = users[Role.EXPERT]
    bindings.user_roles_set(user=target, roles=[Role.AUDITOR], by=root)
    assert sorted(target.groups.values_list("name", flat=True)) == ["auditor"]


@pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.AUDITOR, Role.EXPERT])
def test_bindings_refused_to_non_administrators(users, role):
    by = users[role]
    target = users[Role.QUALIFICATION_DEPARTMENT]
    calls = [
        lambda: bindings.user_roles_set(user=target, roles=[Role.EXPERT], by=by),
        lambda: bindings.coordinator_district_grant(user=target, district=District.objects.get(code="371002"), by=by),
        lambda: bindings.user_department_set(user=target, department=_linyi(), by=by),
        lambda: bindings.user_agency_set(user=target, agency=None, by=by),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert AuditEvent.objects.filter(actor=by, result=AuditResult.REFUSED).count() == 4
    target.refresh_from_db()
    assert target.department is None


def test_coordinator_district_grant_and_revoke(admin_user, users):
    coordinator = users[Role.DISTRICT_COORDINATOR]
    district = District.objects.get(code="371003")
    bindings.coordinator_district_grant(user=coordinator, district=district, by=admin_user)
    assert User.objects.get(pk=coordinator.pk).has_perm("accounts.recommend_in_district", district)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        bindings.coordinator_district_grant(user=User.objects.get(pk=coordinator.pk), district=district, by=admin_user)
    assert error.value.messages == [f"{coordinator} already recommends in 威海市文登区."]
    bindings.coordinator_district_revoke(user=User.objects.get(pk=coordinator.pk), district=district, by=admin_user)
    assert not User.objects.get(pk=coordinator.pk).has_perm("accounts.recommend_in_district", district)
    details = list(
        AuditEvent.objects.filter(object_id=str(district.pk), object_type="accounts.District")
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == [f"coordinator {coordinator.username} granted", f"coordinator {coordinator.username} revoked"]


def test_coordinator_district_grant_needs_the_role(admin_user, users):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        bindings.coordinator_district_grant(
            user=users[Role.EXPERT], district=District.objects.get(code="371002"), by=admin_user
        )
    assert error.value.messages == ["Give this account the district coordinator role first."]


def test_user_department_set_binds_and_audits(admin_user, users):
    target = users[Role.QUALIFICATION_DEPARTMENT]
    bindings.user_department_set(user=target, department=_linyi("市经信委"), by=admin_user)
    target.refresh_from_db()
    assert target.department.name == "市经信委"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(target.pk))
    assert event.detail == "department: 临沂市经信委 (was -)"


def test_user_department_set_needs_the_role(admin_user, users):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        bindings.user_department_set(user=users[Role.EXPERT], department=_linyi(), by=admin_user)
    assert error.value.messages == ["Give this account the qualification department role first."]


def test_user_agency_set_binds_and_unbinds(admin_user, users):
    target = users[Role.AGENCY_STAFF]
    agency = OrganisationFactory(name="山东标准评价中心")
    bindings.user_agency_set(user=target, agency=agency, by=admin_user)
    assert User.objects.get(pk=target.pk).agency == agency
    bindings.user_agency_set(user=target, agency=None, by=admin_user)
    assert User.objects.get(pk=target.pk).agency is None
    assert list(
        AuditEvent.objects.filter(object_id=str(target.pk)).order_by("id").values_list("detail", flat=True)
    ) == ["agency: 山东标准评价中心 (was -)", "agency: - (was 山东标准评价中心)"]


# --- pages ----------------------------------------------------------------------------------------------------

PAGES = [
    ("get", "accounts:users", False),
    ("get", "accounts:user", True),
    ("post", "accounts:user_roles", True),
    ("post", "accounts:user_district_grant", True),
    ("post", "accounts:user_district_revoke", True),
    ("post", "accounts:user_department", True),
    ("post", "accounts:user_agency", True),
]


def _url(name, with_pk, target):
    return reverse(name, args=[target.pk]) if with_pk else reverse(name)


@pytest.mark.parametrize(("method", "name", "with_pk"), PAGES, ids=[p[1].split(":")[1] for p in PAGES])
def test_user_pages_anonymous_goes_to_login(client, users, method, name, with_pk):
    response = getattr(client, method)(_url(name, with_pk, users[Role.EXPERT]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSADMIN], ids=lambda r: r.value)
@pytest.mark.parametrize(("method", "name", "with_pk"), PAGES, ids=[p[1].split(":")[1] for p in PAGES])
def test_user_pages_other_roles_are_refused(client, users, role, method, name, with_pk):
    client.force_login(users[role])
    response = getattr(client, method)(_url(name, with_pk, users[Role.EXPERT]), {"roles": ["office_staff"]})
    assert response.status_code == 403
    assert sorted(users[Role.EXPERT].groups.values_list("name", flat=True)) == ["expert"]


def test_user_page_unknown_user_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("accounts:user", args=[999999])).status_code == 404


def test_user_list_search_and_role_filter(client, admin_user, users):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:users"), {"role": "expert"}).content.decode()
    assert f'data-user="{users[Role.EXPERT].pk}"' in page
    assert f'data-user="{users[Role.AUDITOR].pk}"' not in page
    page = client.get(reverse("accounts:users"), {"q": "u-agency"}).content.decode()
    assert page.count('data-user="') == 1
    assert f'data-user="{users[Role.AGENCY_STAFF].pk}"' in page


def test_user_list_shows_role_labels_not_codes(client, admin_user, users):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:users"), {"role": "qualification_department"}).content.decode()
    assert 'data-role="qualification_department">资格审查部门</span>' in page
    assert ">qualification_department<" not in page


def _users_page_queries(client, count):
    UserFactory.create_batch(count, roles=[Role.EXPERT])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:users"), {"role": "expert"})
    assert response.status_code == 200
    return len(queries)


def test_user_list_query_count_constant(client, admin_user, django_db_blocker):
    client.force_login(admin_user)
    few = _users_page_queries(client, 0)
    many = _users_page_queries(client, 49)
    assert few == many


def test_user_page_gives_roles(client, admin_user, users):
    target = users[Role.EXPERT]
    client.force_login(admin_user)
    response = client.post(reverse("accounts:user_roles", args=[target.pk]), {"roles": ["expert", "supervisor"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user", args=[target.pk])
    assert sorted(target.groups.values_list("name", flat=True)) == ["expert", "supervisor"]


def test_user_page_role_refusal_shown_and_nothing_changed(client, admin_user, users):
    target = users[Role.EXPERT]
    client.force_login(admin_user)
    with translation.override("en"):
        response = client.post(
            reverse("accounts:user_roles", args=[target.pk]),
            {"roles": ["auditor", "sysadmin"]},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "one person cannot hold both" in response.content.decode()
    assert sorted(target.groups.values_list("name", flat=True)) == ["expert"]


def test_user_page_grants_and_revokes_a_district(client, admin_user, users):
    coordinator = users[Role.DISTRICT_COORDINATOR]
    district = District.objects.get(code="371082")
    client.force_login(admin_user)
    url = reverse("accounts:user", args=[coordinator.pk])
    assert 'id="district-form"' in client.get(url).content.decode()
    response = client.post(reverse("accounts:user_district_grant", args=[coordinator.pk]), {"district": district.pk})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-district="371082"' in page
    assert User.objects.get(pk=coordinator.pk).has_perm("accounts.recommend_in_district", district)
    response = client.post(reverse("accounts:user_district_revoke", args=[coordinator.pk]), {"district": district.pk})
    assert response.status_code == 302
    assert not User.objects.get(pk=coordinator.pk).has_perm("accounts.recommend_in_district", district)


def test_user_page_revoking_a_district_not_granted_changes_nothing(client, admin_user, users):
    coordinator = users[Role.DISTRICT_COORDINATOR]
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_district_revoke", args=[coordinator.pk]),
        {"district": District.objects.get(code="371002").pk},
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(object_type="accounts.District").exists()


def test_user_page_binds_a_department(client, admin_user, users):
    target = users[Role.QUALIFICATION_DEPARTMENT]
    client.force_login(admin_user)
    response = client.post(reverse("accounts:user_department", args=[target.pk]), {"department": _linyi().pk})
    assert response.status_code == 302
    assert 'data-department="市发改委"' in client.get(reverse("accounts:user", args=[target.pk])).content.decode()


def test_user_page_binds_an_agency_by_credit_code(client, admin_user, users):
    target = users[Role.AGENCY_STAFF]
    agency = OrganisationFactory(name="山东标准评价中心")
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_agency", args=[target.pk]), {"credit_code": agency.credit_code.lower()}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).agency == agency


def test_user_page_unknown_agency_code_refused_and_kept(client, admin_user, users):
    target = users[Role.AGENCY_STAFF]
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user_agency", args=[target.pk]),
        {"credit_code": "91371002MA3C4YQX0X"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No organisation with the credit code 91371002MA3C4YQX0X is registered." in page
    assert 'value="91371002MA3C4YQX0X"' in page
    assert User.objects.get(pk=target.pk).agency is None


# --- role names in Chinese (item 6) -----------------------------------------------------------------------------


def test_admin_user_form_shows_role_labels(client, admin_user, users):
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[users[Role.EXPERT].pk])).content.decode()
    assert ">评审专家</option>" in page
    assert ">资格审查部门</option>" in page
    assert ">expert</option>" not in page


def test_admin_group_list_shows_role_labels(client, admin_user):
    client.force_login(admin_user)
    with translation.override("en"):
        page = client.get(reverse("admin:auth_group_changelist"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Qualification department" in page
    assert "System administrator" in page


def test_admin_sysadmin_cannot_appoint_an_auditor(client, admin_user, users):
    from django.contrib.auth.models import Group

    from tests.accounts.test_admin_users import _form

    target = users[Role.EXPERT]
    client.force_login(admin_user)
    auditor = Group.objects.get(name=Role.AUDITOR)
    response = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]), _form(target, groups=[auditor.pk])
    )
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert sorted(target.groups.values_list("name", flat=True)) == ["expert"]
