from importlib import metadata

import pytest
from django.contrib.auth.models import Group

from accounts.enums import DistrictLevel, Role
from accounts.models import District

pytestmark = pytest.mark.django_db


def test_roles_are_groups_with_exact_names():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(
        [
            "applicant",
            "district_coordinator",
            "qualification_department",
            "expert",
            "agency_staff",
            "office_staff",
            "supervisor",
            "auditor",
            "sysadmin",
        ]
    )


@pytest.mark.parametrize(
    ("city", "name", "districts"),
    [
        pytest.param("370300", "淄博市", 11, id="zibo-5-districts-3-counties-3-zones-art13"),
        pytest.param("371000", "威海市", 8, id="weihai-2-districts-2-county-cities-4-zones"),
        pytest.param("371300", "临沂市", 15, id="linyi-3-districts-9-counties-3-zones"),
    ],
)
def test_districts_of_the_three_cities(city, name, districts):
    node = District.objects.get(code=city)
    assert (node.name, node.level, node.parent.code) == (name, DistrictLevel.CITY, "370000")
    assert node.children.count() == districts


def test_province_and_its_sixteen_cities():
    province = District.objects.get(code="370000")
    assert (province.name, province.level, province.parent) == ("山东省", DistrictLevel.PROVINCE, None)
    assert province.children.filter(level=DistrictLevel.CITY).count() == 16


def test_zibo_zones_named_in_art13():
    names = set(District.objects.filter(parent__code="370300", level=DistrictLevel.ZONE).values_list("name", flat=True))
    assert names == {"高新区", "经济开发区", "文昌湖省级旅游度假区"}


def test_district_str_and_city():
    huancui = District.objects.get(code="371002")
    assert str(huancui) == "威海市环翠区"
    assert huancui.city.code == "371000"


def test_only_the_maintained_fsm_fork_is_installed():
    assert metadata.distribution("django-fsm-2").version
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("django-fsm")


def test_office_role_edits_scheme_configuration_and_auditor_only_views():
    office = set(Group.objects.get(name=Role.OFFICE_STAFF).permissions.values_list("codename", flat=True))
    assert {"change_rulebook", "add_edition", "change_edition", "change_calendarday", "add_calendaryear"} <= office
    assert "change_user" not in office
    auditor = Group.objects.get(name=Role.AUDITOR).permissions.values_list("codename", flat=True)
    assert auditor and all(code.startswith("view_") for code in auditor)
    admin = set(Group.objects.get(name=Role.SYSADMIN).permissions.values_list("codename", flat=True))
    assert {"add_user", "change_user"} <= admin
    assert "view_auditevent" not in admin
