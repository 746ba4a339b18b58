"""The qualification departments and the third-party agencies bound to their own work (issue 10, item 5): a
department signs only for itself (Linyi art. 15) and lists what awaits its signature; an agency acts only on the
stages its agency runs and lists them."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent, Department, District
from applications.rules import agency_runs, can_run_stage
from reviews import stage_records
from reviews.enums import SignOffDecision
from reviews.models import DepartmentSignOff, EditionStage
from tests.applications.conftest import make_edition
from tests.factories import OrganisationFactory, UserFactory

from .conftest import LINYI_DEPARTMENTS, _application, _edition_stage

pytestmark = pytest.mark.django_db


def department_account(name: str, region: str = "371300"):
    """An account bound to the department `name` of the city `region` (Linyi's nine are reference data)."""
    department, _created = Department.objects.get_or_create(name=name, region=District.objects.get(code=region))
    return UserFactory(roles=[Role.QUALIFICATION_DEPARTMENT], department=department)


def _sign(stage, application, department, by, decision=SignOffDecision.APPROVE, note=""):
    return stage_records.department_sign_off(
        edition_stage=stage, application=application, department=department, decision=decision, note=note, by=by
    )


# --- a department signs only for itself (Linyi art. 15) -----------------------------------------------------------


def test_department_sign_off_own_department_art15(linyi):
    signer = department_account("市发改委")
    sign_off = _sign(linyi["stage"], linyi["application"], "市发改委", signer)
    assert (sign_off.department, sign_off.signed_by) == ("市发改委", signer)


@pytest.mark.parametrize(
    ("bound", "region", "signs_for", "reason"),
    [
        pytest.param(
            "市经信委", "371300", "市发改委", "临沂市经信委 signs only for itself, not for 市发改委", id="other"
        ),
        pytest.param(
            "市发改委", "371000", "市发改委", "威海市发改委 signs only for itself, not for 市发改委", id="city"
        ),
        pytest.param(None, None, "市发改委", "this department account is bound to no department", id="unbound"),
    ],
)
def test_department_sign_off_for_another_department_refused_art15(linyi, bound, region, signs_for, reason):
    signer = department_account(bound, region) if bound else UserFactory(roles=[Role.QUALIFICATION_DEPARTMENT])
    with pytest.raises(PermissionDenied) as error:
        _sign(linyi["stage"], linyi["application"], signs_for, signer)
    assert str(error.value) == reason
    assert not DepartmentSignOff.objects.exists()
    event = AuditEvent.objects.get(actor=signer, action=AuditAction.PERMISSION_REFUSED)
    assert (event.result, event.detail) == (AuditResult.REFUSED, reason)


def test_department_sign_off_office_signs_for_any_department_art15(linyi, office):
    for name in LINYI_DEPARTMENTS:
        _sign(linyi["stage"], linyi["application"], name, office)
    linyi["application"].refresh_from_db()
    assert linyi["application"].current_stage.kind != "qualification_check"


def test_department_sign_off_each_bound_department_completes_the_check_art15(linyi):
    for name in LINYI_DEPARTMENTS:
        _sign(linyi["stage"], linyi["application"], name, department_account(name))
    linyi["application"].refresh_from_db()
    assert linyi["application"].current_stage.kind != "qualification_check"
    assert sorted(DepartmentSignOff.objects.values_list("department", flat=True)) == sorted(LINYI_DEPARTMENTS)


# --- "awaiting my signature" --------------------------------------------------------------------------------------


def test_signatures_page_anonymous_goes_to_login(client):
    response = client.get(reverse("reviews:signatures"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.QUALIFICATION_DEPARTMENT], ids=lambda r: r.value)
def test_signatures_page_other_roles_refused(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("reviews:signatures")).status_code == 403


def test_signatures_page_unbound_account_told_to_ask(client, linyi):
    client.force_login(UserFactory(roles=[Role.QUALIFICATION_DEPARTMENT]))
    response = client.get(reverse("reviews:signatures"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="no-department"' in page
    assert f'data-application="{linyi["application"].pk}"' not in page


def test_signatures_page_lists_until_signed(client, linyi):
    signer = department_account("市人社局")
    client.force_login(signer)
    page = client.get(reverse("reviews:signatures")).content.decode()
    stage, application = linyi["stage"], linyi["application"]
    assert f'data-application="{application.pk}" data-edition-stage="{stage.pk}"' in page
    assert f'href="{reverse("reviews:signoff", args=[stage.pk])}#signoff-{application.pk}"' in page
    _sign(stage, application, "市人社局", signer)
    page = client.get(reverse("reviews:signatures")).content.decode()
    assert f'data-application="{application.pk}"' not in page
    # Another listed department still has it to sign.
    client.force_login(department_account("市发改委"))
    assert f'data-application="{application.pk}"' in client.get(reverse("reviews:signatures")).content.decode()


@pytest.mark.parametrize(
    ("name", "region"),
    [
        pytest.param("市环保局", "371000", id="same-name-other-city"),
        pytest.param("市农业局", "371300", id="not-listed-at-this-stage"),
    ],
)
def test_signatures_page_shows_nothing_of_other_departments(client, linyi, name, region):
    client.force_login(department_account(name, region))
    page = client.get(reverse("reviews:signatures")).content.decode()
    assert f'data-application="{linyi["application"].pk}"' not in page


def _signatures_queries(client, year, count):
    edition = make_edition(
        "linyi-mayor", year=year, opens=date(year, 3, 1), closes=date(year, 4, 30), recommend=date(year, 5, 31)
    )
    stage = _edition_stage(edition, "qualification_check", opens=date(year, 6, 1))
    office = UserFactory(roles=[Role.OFFICE_STAFF])
    stage_records.stage_departments_set(edition_stage=stage, names=LINYI_DEPARTMENTS, by=office)
    for number in range(1, count + 1):
        _application(edition, "qualification_check", district="371302", number=number)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:signatures"))
    assert response.status_code == 200
    assert response.content.decode().count('class="btn btn-sm btn-primary sign-link"') == count
    return len(queries)


def test_signatures_page_query_count_constant(client):
    client.force_login(department_account("市发改委"))
    one = _signatures_queries(client, 2019, 1)
    EditionStage.objects.all().delete()
    assert one == _signatures_queries(client, 2018, 50)


# --- agencies act on the stages their agency runs -----------------------------------------------------------------


@pytest.fixture
def agencies(db):
    return {"mine": OrganisationFactory(name="山东标准评价中心"), "other": OrganisationFactory(name="另一评价机构")}


def agency_account(agency):
    return UserFactory(roles=[Role.AGENCY_STAFF], agency=agency)


def test_can_run_stage_agency_only_on_its_own_stage(weihai, agencies):
    stage = weihai["stage"]
    mine, other = agency_account(agencies["mine"]), agency_account(agencies["other"])
    unbound = UserFactory(roles=[Role.AGENCY_STAFF])
    assert not any(can_run_stage(user, stage) for user in (mine, other, unbound))  # no agency runs it
    stage.run_by = agencies["mine"]
    stage.save(update_fields=["run_by"])
    assert (can_run_stage(mine, stage), can_run_stage(other, stage), can_run_stage(unbound, stage)) == (
        True,
        False,
        False,
    )
    assert agency_runs(mine, stage) and not agency_runs(other, stage)
    assert can_run_stage(UserFactory(roles=[Role.OFFICE_STAFF]), stage)


def test_can_run_stage_department_only_on_a_qualification_check(linyi, weihai):
    signer = department_account("市发改委")
    assert can_run_stage(signer, linyi["stage"])
    assert not can_run_stage(signer, weihai["stage"])


def test_agency_page_anonymous_goes_to_login(client):
    response = client.get(reverse("reviews:agency_stages"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AGENCY_STAFF], ids=lambda r: r.value)
def test_agency_page_other_roles_refused(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("reviews:agency_stages")).status_code == 403


def test_agency_page_lists_only_its_agencys_stages(client, weihai, agencies):
    edition = weihai["edition"]
    gate = weihai["stage"]
    gate.run_by = agencies["mine"]
    gate.save(update_fields=["run_by"])
    visits = _edition_stage(edition, "onsite_review", opens=timezone.localdate())
    visits.run_by = agencies["mine"]
    visits.save(update_fields=["run_by"])
    theirs = _edition_stage(edition, "oral_defence", opens=timezone.localdate())
    theirs.run_by = agencies["other"]
    theirs.save(update_fields=["run_by"])
    client.force_login(agency_account(agencies["mine"]))
    page = client.get(reverse("reviews:agency_stages")).content.decode()
    assert f'data-edition-stage="{gate.pk}"' in page
    assert f'href="{reverse("reviews:gate", args=[gate.pk])}"' in page
    assert f'href="{reverse("reviews:visits", args=[visits.pk])}"' in page
    assert f'data-edition-stage="{theirs.pk}"' not in page
    assert 'data-count="1"' in page  # the Weihai application stands at the public-opinion check


def test_agency_page_unbound_account_told_to_ask(client, weihai):
    client.force_login(UserFactory(roles=[Role.AGENCY_STAFF]))
    response = client.get(reverse("reviews:agency_stages"))
    assert response.status_code == 200
    assert 'id="no-agency"' in response.content.decode()
    assert "data-edition-stage=" not in response.content.decode()


def _agency_queries(client, agency, first_year, count):
    EditionStage.objects.all().delete()
    for year in range(first_year, first_year + count):
        edition = make_edition(year=year)
        stage = _edition_stage(edition, "public_opinion", opens=date(year, 6, 1))
        stage.run_by = agency
        stage.save(update_fields=["run_by"])
        _application(edition, "public_opinion", number=1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:agency_stages"))
    assert response.status_code == 200
    assert response.content.decode().count('data-count="1"') == count
    return len(queries)


def test_agency_page_query_count_constant(client, agencies):
    client.force_login(agency_account(agencies["mine"]))
    assert _agency_queries(client, agencies["mine"], 1990, 1) == _agency_queries(client, agencies["mine"], 2000, 50)


# --- the reviews pages and services refuse another agency's stage ------------------------------------------------


@pytest.mark.parametrize("name", ["reviews:gate", "reviews:visits", "reviews:defence"], ids=lambda n: n.split(":")[1])
def test_record_pages_refuse_another_agencys_stage(client, weihai, agencies, name):
    kind = {"reviews:gate": "public_opinion", "reviews:visits": "onsite_review", "reviews:defence": "oral_defence"}
    stage = (
        weihai["stage"]
        if name == "reviews:gate"
        else _edition_stage(weihai["edition"], kind[name], opens=timezone.localdate())
    )
    stage.run_by = agencies["other"]
    stage.save(update_fields=["run_by"])
    client.force_login(agency_account(agencies["mine"]))
    assert client.get(reverse(name, args=[stage.pk])).status_code == 403
    client.force_login(agency_account(agencies["other"]))
    assert client.get(reverse(name, args=[stage.pk])).status_code == 200


def test_gate_record_refuses_another_agencys_stage(weihai, agencies):
    stage = weihai["stage"]
    stage.run_by = agencies["other"]
    stage.save(update_fields=["run_by"])
    stranger = agency_account(agencies["mine"])
    with pytest.raises(PermissionDenied):
        stage_records.gate_record(
            edition_stage=stage, application=weihai["application"], outcome="pass", note="", by=stranger
        )
    assert AuditEvent.objects.filter(actor=stranger, action=AuditAction.PERMISSION_REFUSED).exists()
