"""The applicant and coordinator pages: outsiders, bad input, the main path, query counts and mail.

Requests are made in English (the language cookie), so that assertions on messages do not depend on the
zh-Hans catalogue; the mail is rendered in the portal's default language whatever the request's.
"""

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent, District, Organisation, User
from applications import services
from applications.enums import ApplicationState, FileKind
from applications.models import (
    Application,
    ApplicationCounter,
    ApplicationFile,
    ApplicationTransition,
    IndividualProfile,
    Recommendation,
    UnitProfile,
)
from applications.registration import id_number_check_character, id_number_digest, mask_id_number
from awards.models import Edition
from tests.applications.conftest import FILLED_FORM, make_coordinator, make_edition, make_unit_applicant, pdf_bytes
from tests.factories import make_credit_code

S = ApplicationState
pytestmark = pytest.mark.django_db

EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
)


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def english_client(user=None) -> Client:
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        other.force_login(user)
    return other


def pdf_file(name: str = "自评报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def ready_draft(applicant, edition, *, form=FILLED_FORM):
    application = services.application_create(edition=edition, category="unit", by=applicant)
    services.application_save_draft(
        application=application,
        by=applicant,
        form_data=form,
        profitable_years=3,
        accident_free_declared=True,
        violation_free_declared=True,
    )
    services.application_file_upload(
        application=application, by=applicant, kind=FileKind.SELF_EVALUATION, uploaded=pdf_file()
    )
    services.application_file_upload(application=application, by=applicant, kind=FileKind.EVIDENCE, uploaded=pdf_file())
    return application


def submitted(applicant, edition):
    return services.application_submit(application=ready_draft(applicant, edition), by=applicant)


def edit_post(**overrides) -> dict:
    data = {
        **FILLED_FORM,
        "accident_free_declared": "on",
        "violation_free_declared": "on",
        "action": "save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def stored_files() -> set[Path]:
    """Every file in the upload storage (shared by the whole test session)."""
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


# --- the outsiders ----------------------------------------------------------------------------------------


@pytest.fixture
def scene(db):
    """Two units in two districts of Weihai, each with a submitted application, and a coordinator for each."""
    edition = make_edition()
    mine = make_unit_applicant("371002", username="unit-a", email="unit-a@example.cn")
    theirs = make_unit_applicant("371003", username="unit-b")
    application = submitted(mine, edition)
    other = submitted(theirs, edition)
    return {
        "edition": edition,
        "applicant": mine,
        "other_applicant": theirs,
        "application": application,
        "other_application": other,
        "file": application.files.get(kind=FileKind.SELF_EVALUATION),
        "coordinator": make_coordinator("371002", username="coord-a"),
        "other_coordinator": make_coordinator("371003", username="coord-b"),
    }


APPLICANT, COORDINATOR, OFFICE = Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.OFFICE_STAFF
# name, method, what the URL takes, roles let in
URLS = [
    ("applications:mine", "get", None, {APPLICANT}),
    ("applications:start", "post", None, {APPLICANT}),
    ("applications:inbox", "get", None, {COORDINATOR}),
    ("applications:detail", "get", "application", {APPLICANT, COORDINATOR, OFFICE}),
    ("applications:edit", "get", "application", {APPLICANT}),
    ("applications:submit", "post", "application", {APPLICANT}),
    ("applications:withdraw", "post", "application", {APPLICANT}),
    ("applications:decide", "post", "application", {COORDINATOR}),
    ("applications:file", "get", "file", {APPLICANT, COORDINATOR, OFFICE}),
    ("applications:file_remove", "post", "file", {APPLICANT}),
]
OBJECT_URLS = [spec for spec in URLS if spec[2]]


def url_of(spec, scene) -> str:
    name, _method, takes, _roles = spec
    return reverse(name, kwargs={"pk": scene[takes].pk}) if takes else reverse(name)


def request(client, spec, url):
    if spec[1] == "post":
        return client.post(url, {"decision": "recommend", "opinion": "同意推荐", "reason": "x"})
    return client.get(url)


def assert_untouched(scene):
    application = Application.objects.get(pk=scene["application"].pk)
    assert (application.state, application.files.filter(superseded_at__isnull=True).count()) == (S.SUBMITTED, 2)
    assert Recommendation.objects.count() == 0


@pytest.mark.parametrize("spec", URLS, ids=[spec[0] for spec in URLS])
def test_outsider_anonymous_is_sent_to_login(client, scene, spec):
    url = url_of(spec, scene)
    response = request(client, spec, url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    assert_untouched(scene)


WRONG_ROLES = [(spec, role) for spec in URLS for role in Role if role not in spec[3]]


@pytest.mark.parametrize("spec,role", WRONG_ROLES, ids=[f"{s[0]}-{r.value}" for s, r in WRONG_ROLES])
def test_outsider_wrong_role_is_refused(client, scene, users, spec, role):
    client.force_login(users[role])
    response = request(client, spec, url_of(spec, scene))
    assert response.status_code == 403
    assert scene["application"].organisation.name not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=users[role]).count() == 1
    assert_untouched(scene)


@pytest.mark.parametrize("spec", OBJECT_URLS, ids=[spec[0] for spec in OBJECT_URLS])
@pytest.mark.parametrize("who", ["other_applicant", "other_coordinator"])
def test_outsider_someone_elses_application_is_404(client, scene, spec, who):
    client.force_login(scene[who])
    response = request(client, spec, url_of(spec, scene))
    role = Role.APPLICANT if who == "other_applicant" else Role.DISTRICT_COORDINATOR
    assert response.status_code == (404 if role in spec[3] else 403)
    body = response.content.decode()
    assert scene["application"].organisation.name not in body
    assert scene["application"].number not in body
    assert_untouched(scene)


def test_outsider_applicant_guessing_file_urls_gets_404_for_every_other_file(client, scene):
    client.force_login(scene["other_applicant"])
    own = scene["other_application"].files.get(kind=FileKind.SELF_EVALUATION)
    response = client.get(reverse("applications:file", kwargs={"pk": own.pk}))
    assert response.status_code == 200
    # Read through the test client's wrapper (a bare close() would end the test's database connection).
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    owned = set(scene["other_application"].files.values_list("pk", flat=True))
    for pk in range(1, max(owned) + 5):
        if pk not in owned:
            assert client.get(reverse("applications:file", kwargs={"pk": pk})).status_code == 404


def test_outsider_coordinator_does_not_see_a_draft_of_their_district(client, scene):
    draft = services.application_create(
        edition=make_edition(year=scene["edition"].year + 1), category="unit", by=scene["applicant"]
    )
    client.force_login(scene["coordinator"])
    assert client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).status_code == 404
    assert draft.number is None
    assert f'data-application="{draft.pk}"' not in client.get(reverse("applications:inbox")).content.decode()


def test_outsider_inbox_lists_only_own_districts(client, scene):
    client.force_login(scene["coordinator"])
    body = client.get(reverse("applications:inbox")).content.decode()
    assert scene["application"].number in body
    assert scene["other_application"].number not in body
    # A district that is not theirs, asked for by id, shows nothing of it.
    other_district = District.objects.get(code="371003")
    body = client.get(reverse("applications:inbox"), {"district": other_district.pk}).content.decode()
    assert scene["other_application"].number not in body


def test_outsider_office_staff_sees_any_application(client, scene, users):
    client.force_login(users[Role.OFFICE_STAFF])
    response = client.get(reverse("applications:detail", kwargs={"pk": scene["other_application"].pk}))
    assert response.status_code == 200
    assert 'data-state="submitted"' in response.content.decode()
    assert 'id="decision"' not in response.content.decode()


def test_registration_pages_are_public(client):
    for name in ("register:index", "register:unit", "register:individual"):
        assert client.get(reverse(name)).status_code == 200


def test_registration_redirects_a_logged_in_user(client, unit_applicant):
    client.force_login(unit_applicant)
    response = client.get(reverse("register:unit"))
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:dashboard"))


def test_state_changes_refuse_get(client, scene):
    client.force_login(scene["applicant"])
    for name in ("applications:submit", "applications:withdraw"):
        assert client.get(reverse(name, kwargs={"pk": scene["application"].pk})).status_code == 405


# --- registration -----------------------------------------------------------------------------------------


def unit_registration(**overrides) -> dict:
    data = {
        "username": "huancui-jinggong",
        "password1": "Jinggong#2026-ok",
        "password2": "Jinggong#2026-ok",
        "email": "quality@jinggong.example.cn",
        "phone": "13906310000",
        "organisation_name": "威海环翠精工机械有限公司",
        "credit_code": make_credit_code(),
        "district": District.objects.get(code="371002").pk,
        "industry": "通用设备制造业",
        "founded_on": "2012-03-15",
        "operating_since": "2012-09-01",
        "independent_legal_person": "on",
        "encouraged_tags": ["sme", "high_tech"],
        "contact_name": "刘质量",
        "contact_phone": "0631-5201234",
    }
    data.update(overrides)
    return data


def test_register_unit_creates_account_organisation_profile_and_logs_in(client):
    data = unit_registration()
    response = client.post(reverse("register:unit"), data)
    assert (response.status_code, response["Location"]) == (302, reverse("applications:mine"))
    user = User.objects.get(username="huancui-jinggong")
    profile = UnitProfile.objects.select_related("organisation__district").get(organisation=user.organisation)
    assert (user.roles, user.email, user.phone, user.district.code) == (
        [Role.APPLICANT],
        "quality@jinggong.example.cn",
        "13906310000",
        "371002",
    )
    assert (profile.organisation.name, profile.organisation.credit_code, profile.organisation.district.code) == (
        "威海环翠精工机械有限公司",
        data["credit_code"],
        "371002",
    )
    assert (profile.founded_on, profile.operating_since, profile.four_new_field, profile.independent_legal_person) == (
        date(2012, 3, 15),
        date(2012, 9, 1),
        False,
        True,
    )
    assert profile.encouraged_tags == ["sme", "high_tech"]
    assert user.check_password("Jinggong#2026-ok")
    assert client.get(reverse("applications:mine")).status_code == 200
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="accounts.Organisation", object_id=str(profile.organisation.pk)
        ).count()
        == 1
    )


def test_register_unit_wrong_credit_code_shows_the_reason_and_keeps_the_fields(client):
    code = make_credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(reverse("register:unit"), unit_registration(credit_code=wrong))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"the last character should be {code[17]}, not {wrong[17]}" in body
    for kept in (
        "威海环翠精工机械有限公司",
        "huancui-jinggong",
        "quality@jinggong.example.cn",
        "通用设备制造业",
        "刘质量",
        "0631-5201234",
        "2012-09-01",
        wrong,
    ):
        assert kept in body
    assert 'value="sme" class="form-check-input" id="id_encouraged_tags_0" checked' in body
    assert "Jinggong#2026-ok" not in body  # passwords are never sent back
    assert not User.objects.filter(username="huancui-jinggong").exists()
    assert Organisation.objects.count() == 0


def test_register_unit_code_already_registered_is_refused_clearly(client):
    first = unit_registration()
    client.post(reverse("register:unit"), first)
    second = english_client()
    response = second.post(
        reverse("register:unit"), unit_registration(username="another-one", credit_code=first["credit_code"].lower())
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"A unit with the unified social credit code {first['credit_code']} is already registered" in body
    assert (User.objects.count(), Organisation.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"password2": "Something#Else99"}, "password2", "The two passwords differ."),
        ({"password1": "short", "password2": "short"}, "password1", "This password is too short."),
        ({"district": ""}, "district", "This field is required."),
        ({"operating_since": "2010-01-01"}, "operating_since", "cannot have started before the unit was founded"),
        ({"phone": "call me"}, "phone", "Enter a telephone number"),
    ],
    ids=["password-mismatch", "password-weak", "no-district", "operating-before-founding", "bad-phone"],
)
def test_register_unit_invalid_input_is_shown_at_the_field(client, overrides, field, message):
    response = client.post(reverse("register:unit"), unit_registration(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    section = body.split(f'data-field="{field}"', 1)[1].split('data-field="', 1)[0]
    assert message in section
    assert "威海环翠精工机械有限公司" in body
    assert User.objects.count() == 0


def test_register_unit_username_taken(client, unit_applicant):
    response = client.post(reverse("register:unit"), unit_registration(username=unit_applicant.username.upper()))
    assert "is taken; please choose another" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_register_unit_district_list_is_grouped_by_city_and_county_level(client):
    body = client.get(reverse("register:unit")).content.decode()
    assert '<optgroup label="威海市">' in body
    assert f'<option value="{District.objects.get(code="371002").pk}">环翠区</option>' in body
    assert f'value="{District.objects.get(code="371000").pk}"' not in body  # the city itself is not a choice


def valid_id_number(first17: str = "37100219800101123") -> str:
    return first17 + id_number_check_character(first17)


def individual_registration(**overrides) -> dict:
    data = {
        "username": "zhang-quality",
        "password1": "Weihai#Harbour2026",
        "password2": "Weihai#Harbour2026",
        "email": "zhang@example.cn",
        "phone": "13806310000",
        "full_name": "张质量",
        "id_number": valid_id_number(),
        "employer_name": "威海环翠精工机械有限公司",
        "position": "质量总监",
        "district": District.objects.get(code="371002").pk,
        "quality_work_since": "2008-05-01",
    }
    data.update(overrides)
    return data


def test_register_individual_keeps_the_identity_number_only_masked(client):
    number = valid_id_number()
    response = client.post(reverse("register:individual"), individual_registration())
    assert (response.status_code, response["Location"]) == (302, reverse("applications:mine"))
    profile = IndividualProfile.objects.get(user__username="zhang-quality")
    assert (profile.full_name, profile.employer_name, profile.quality_work_since) == (
        "张质量",
        "威海环翠精工机械有限公司",
        date(2008, 5, 1),
    )
    assert profile.id_number_masked == number[:6] + "********" + number[-4:] == mask_id_number(number)
    assert profile.id_number_digest == id_number_digest(number)
    assert number not in str(IndividualProfile.objects.filter(pk=profile.pk).values().get())


@pytest.mark.parametrize(
    "number,message",
    [
        (valid_id_number()[:17] + ("0" if valid_id_number()[17] != "0" else "1"), "The check character is wrong"),
        ("3710021980010112", "has 18 characters; this one has 16"),
        ("371002198013011234", "is not a valid date"),
        ("37100219800101A234", "The first 17 characters of an identity number are digits"),
    ],
    ids=["check-character", "length", "birth-date", "letters"],
)
def test_register_individual_invalid_identity_number_is_refused(client, number, message):
    response = client.post(reverse("register:individual"), individual_registration(id_number=number))
    body = response.content.decode()
    assert message in body
    assert "张质量" in body
    assert IndividualProfile.objects.count() == 0


def test_individual_applies_as_an_individual_and_sees_the_number_masked(client, weihai_edition):
    number = valid_id_number()
    client.post(reverse("register:individual"), individual_registration())
    body = client.get(reverse("applications:mine")).content.decode()
    assert 'data-category="individual"' in body and 'data-category="unit"' not in body
    client.post(reverse("applications:start"), {"edition": weihai_edition.pk, "category": "individual"})
    application = Application.objects.get()
    body = client.get(reverse("applications:edit", kwargs={"pk": application.pk})).content.decode()
    for name in ("summary", "contributions", "recognition", "accident_free_declared"):
        assert f'name="{name}"' in body
    assert "I declare: 所在单位近3年内未发生重大质量、生产、安全或环境污染、公共卫生等事故" in body  # art. 12(6)
    body = client.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()
    assert mask_id_number(number) in body and number not in body


def test_register_individual_same_identity_number_twice_is_refused(client):
    client.post(reverse("register:individual"), individual_registration())
    response = english_client().post(
        reverse("register:individual"), individual_registration(username="zhang-2", email="z2@example.cn")
    )
    assert "An applicant with this identity number is already registered" in response.content.decode()
    assert IndividualProfile.objects.count() == 1


# --- the applicant's pages ---------------------------------------------------------------------------------


def test_dashboard_shows_state_next_step_and_open_editions(client, unit_applicant, weihai_edition):
    client.force_login(unit_applicant)
    body = client.get(reverse("applications:mine")).content.decode()
    assert f'data-edition="{weihai_edition.pk}"' in body
    assert 'data-category="unit"' in body
    assert 'data-category="individual"' not in body  # a unit's account applies as a unit
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    body = client.get(reverse("applications:mine")).content.decode()
    assert f"Complete and submit by {weihai_edition.application_closes.isoformat()}." in body
    assert 'data-state="draft"' in body
    assert reverse("applications:edit", kwargs={"pk": application.pk}) in body
    assert "start-application" not in body  # one live application per edition


def test_start_creates_a_draft_and_opens_the_form(client, unit_applicant, weihai_edition):
    client.force_login(unit_applicant)
    response = client.post(reverse("applications:start"), {"edition": weihai_edition.pk, "category": "unit"})
    application = Application.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("applications:edit", kwargs={"pk": application.pk}),
    )
    assert (application.state, application.owner, application.recommender.code) == (S.DRAFT, unit_applicant, "371002")


def test_start_refusal_is_shown(client, unit_applicant, weihai_edition):
    client.force_login(unit_applicant)
    client.post(reverse("applications:start"), {"edition": weihai_edition.pk, "category": "unit"})
    response = client.post(
        reverse("applications:start"), {"edition": weihai_edition.pk, "category": "unit"}, follow=True
    )
    assert "You already have an application to" in response.content.decode()
    assert Application.objects.count() == 1


def test_start_in_a_closed_edition_is_refused(client, unit_applicant):
    closed = make_edition(opens=date(2025, 1, 1), closes=date(2025, 3, 1), recommend=date(2025, 4, 1), year=2025)
    client.force_login(unit_applicant)
    response = client.post(reverse("applications:start"), {"edition": closed.pk, "category": "unit"}, follow=True)
    assert "This edition is not open for applications now." in response.content.decode()
    assert Application.objects.count() == 0


def test_form_shows_fields_declarations_rules_and_required_marks(client, unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    client.force_login(unit_applicant)
    body = client.get(reverse("applications:edit", kwargs={"pk": application.pk})).content.decode()
    for name in ("summary", "quality_management", "main_indicators", "achievements"):
        assert f'name="{name}"' in body
    assert 'name="accident_free_declared"' in body
    assert "The unit declares: 近3年内未发生重大质量、生产、安全或环境污染、公共卫生等事故" in body  # art. 10(5)
    assert 'name="profitable_years"' not in body  # Weihai has no profitable-years rule
    assert "第十条第（一）项" in body  # the eligibility rules, with their articles
    for kind in ("application_form", "self_evaluation", "evidence"):
        assert f'name="file_{kind}"' in body
    summary = body.split('data-field="summary"', 1)[1].split("</label>", 1)[0]
    assert 'class="text-danger"' in summary
    achievements = body.split('data-field="achievements"', 1)[1].split("</label>", 1)[0]
    assert 'class="text-danger"' not in achievements


def test_save_draft_then_upload_then_submit(client, unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    client.force_login(unit_applicant)
    url = reverse("applications:edit", kwargs={"pk": application.pk})
    response = client.post(url, edit_post(file_self_evaluation=pdf_file(), file_evidence=pdf_file()))
    assert (response.status_code, response["Location"]) == (302, url)
    application.refresh_from_db()
    assert (application.form_data, application.accident_free_declared, application.state) == (
        FILLED_FORM,
        True,
        S.DRAFT,
    )
    stored = ApplicationFile.objects.get(application=application, kind=FileKind.SELF_EVALUATION)
    assert (stored.kind, stored.name, stored.content_type) == ("self_evaluation", "自评报告.pdf", "application/pdf")
    body = client.get(url).content.decode()
    assert stored.sha256[:12] in body
    assert 'id="eligibility-ok"' in body
    response = client.post(url, edit_post(action="submit"), follow=True)
    application.refresh_from_db()
    assert response.redirect_chain == [(reverse("applications:detail", kwargs={"pk": application.pk}), 302)]
    assert (application.state, application.number) == (S.SUBMITTED, f"WH-{weihai_edition.year}-0001")
    assert f"Application WH-{weihai_edition.year}-0001 has been submitted to 威海市环翠区." in response.content.decode()


def test_reupload_keeps_the_old_version_as_history(client, unit_applicant, weihai_edition):
    application = ready_draft(unit_applicant, weihai_edition)
    client.force_login(unit_applicant)
    url = reverse("applications:edit", kwargs={"pk": application.pk})
    client.post(url, edit_post(file_self_evaluation=pdf_file("自评报告第二版.pdf")))
    current, old = (
        ApplicationFile.objects.filter(
            application=application, kind=FileKind.SELF_EVALUATION, superseded_at__isnull=True
        ).get(),
        ApplicationFile.objects.filter(
            application=application, kind=FileKind.SELF_EVALUATION, superseded_at__isnull=False
        ).get(),
    )
    assert (current.name, old.name) == ("自评报告第二版.pdf", "自评报告.pdf")
    body = client.get(url).content.decode()
    assert "1 earlier version" in body
    assert reverse("applications:file", kwargs={"pk": old.pk}) in body


def test_remove_evidence(client, unit_applicant, weihai_edition):
    application = ready_draft(unit_applicant, weihai_edition)
    evidence = services.application_file_upload(
        application=application, by=unit_applicant, kind=FileKind.EVIDENCE, uploaded=pdf_file("证书.pdf")
    )
    client.force_login(unit_applicant)
    response = client.post(reverse("applications:file_remove", kwargs={"pk": evidence.pk}))
    assert response["Location"] == reverse("applications:edit", kwargs={"pk": application.pk})
    evidence.refresh_from_db()
    assert evidence.superseded_at is not None


def test_bad_input_deadline_passed_clear_message_and_draft_kept(client, unit_applicant, weihai_edition):
    application = ready_draft(unit_applicant, weihai_edition, form={"summary": "旧的概况"})
    yesterday = timezone.localdate() - timedelta(days=1)
    Edition.objects.filter(pk=weihai_edition.pk).update(application_closes=yesterday)
    client.force_login(unit_applicant)
    url = reverse("applications:edit", kwargs={"pk": application.pk})
    response = client.post(url, edit_post(action="submit", summary="新写的概况"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="submit-errors"' in body
    assert f"applications closed on {yesterday.isoformat()}" in body
    assert "新写的概况" in body
    application.refresh_from_db()
    assert (application.state, application.number, application.form_data["summary"]) == (S.DRAFT, None, "新写的概况")
    assert ApplicationTransition.objects.filter(application=application).count() == 0


def test_bad_input_double_submit_makes_one_submission(client, unit_applicant, weihai_edition):
    application = ready_draft(unit_applicant, weihai_edition)
    client.force_login(unit_applicant)
    submit_url = reverse("applications:submit", kwargs={"pk": application.pk})
    first = client.post(submit_url)
    second = client.post(submit_url, follow=True)
    third = client.post(reverse("applications:edit", kwargs={"pk": application.pk}), edit_post(action="submit"))
    application.refresh_from_db()
    assert first.status_code == 302
    assert "This application was already submitted on" in second.content.decode()
    assert third["Location"] == reverse("applications:detail", kwargs={"pk": application.pk})
    assert ApplicationTransition.objects.filter(application=application, to_state=S.SUBMITTED).count() == 1
    assert (application.number, ApplicationCounter.objects.get(edition=weihai_edition).last_number) == (
        f"WH-{weihai_edition.year}-0001",
        1,
    )


def test_bad_input_exe_renamed_pdf_is_refused_and_nothing_stored(client, unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    client.force_login(unit_applicant)
    upload = SimpleUploadedFile("自评报告.pdf", EXE_BYTES, content_type="application/pdf")
    before = stored_files()
    response = client.post(
        reverse("applications:edit", kwargs={"pk": application.pk}), edit_post(file_self_evaluation=upload)
    )
    body = response.content.decode()
    assert response.status_code == 200
    section = body.split('data-kind="self_evaluation"', 1)[1]
    assert "is not a type of file the portal accepts, whatever its name says" in section.split("data-kind=", 1)[0]
    assert ApplicationFile.objects.count() == 0
    assert stored_files() == before
    application.refresh_from_db()
    assert application.form_data == FILLED_FORM  # the text typed with it is kept


def test_bad_input_missing_fields_keep_what_was_typed(client, unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    client.force_login(unit_applicant)
    response = client.post(
        reverse("applications:edit", kwargs={"pk": application.pk}),
        {"summary": "只写了概况，其余还没写。", "achievements": "一项成果", "action": "submit"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "只写了概况，其余还没写。" in body and "一项成果" in body
    errors = body.split('id="submit-errors"', 1)[1].split("</div>", 1)[0]
    assert "Fill in 《威海市市长质量奖认定申报表》 (第十三条):" in errors
    assert "Upload 《自我评价报告》 as “Self-evaluation report” (第十三条)." in errors
    assert "第十条第（五）项" in errors  # the accident-free declaration, with its article
    quality = body.split('data-field="quality_management"', 1)[1].split('data-field="', 1)[0]
    assert "Fill this in before submitting." in quality
    assert "is-invalid" in quality
    application.refresh_from_db()
    assert (application.state, application.form_data["summary"]) == (S.DRAFT, "只写了概况，其余还没写。")


def test_bad_input_overlong_text_is_refused_and_kept(client, unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    client.force_login(unit_applicant)
    text = "很长" * 1001
    response = client.post(reverse("applications:edit", kwargs={"pk": application.pk}), edit_post(summary=text))
    body = response.content.decode()
    assert response.status_code == 200
    assert text in body
    assert "Nothing was saved yet: please correct the fields marked below." in body
    assert "Ensure this value has at most 2000 characters (it has 2002)." in body
    application.refresh_from_db()
    assert application.form_data == {}


@pytest.mark.parametrize("edition,category", [("open", "group"), ("abc", "unit"), ("", "unit")])
def test_start_with_nonsense_is_refused(client, unit_applicant, weihai_edition, edition, category):
    client.force_login(unit_applicant)
    data = {"edition": weihai_edition.pk if edition == "open" else edition, "category": category}
    response = client.post(reverse("applications:start"), data, follow=True)
    assert "This edition is not open for applications now." in response.content.decode()
    assert Application.objects.count() == 0


def test_withdraw_with_reason(client, scene):
    client.force_login(scene["applicant"])
    url = reverse("applications:withdraw", kwargs={"pk": scene["application"].pk})
    client.post(url, {"reason": "材料准备不足"})
    application = Application.objects.get(pk=scene["application"].pk)
    assert application.state == S.WITHDRAWN
    assert ApplicationTransition.objects.filter(application=application).last().comment == "材料准备不足"


def test_edit_after_submission_goes_to_detail(client, scene):
    client.force_login(scene["applicant"])
    response = client.get(reverse("applications:edit", kwargs={"pk": scene["application"].pk}))
    assert response["Location"] == reverse("applications:detail", kwargs={"pk": scene["application"].pk})


def test_file_download_headers(client, scene):
    client.force_login(scene["coordinator"])
    file = scene["file"]
    response = client.get(reverse("applications:file", kwargs={"pk": file.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%87%AA%E8%AF%84%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert (hashlib.sha256(content).hexdigest(), len(content)) == (file.sha256, file.size)
    download = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(file.pk))
    assert (download.actor, download.detail) == (scene["coordinator"], f"download {file.sha256}")


# --- the coordinator's pages -------------------------------------------------------------------------------


def test_inbox_filters_and_counts(client, scene):
    coordinator = scene["coordinator"]
    second = make_unit_applicant("371002")
    submitted(second, scene["edition"])
    client.force_login(coordinator)
    body = client.get(reverse("applications:inbox")).content.decode()
    assert body.count('class="application-link"') == 2
    assert 'data-state="submitted"' in body and 'data-count="2"' in body
    body = client.get(reverse("applications:inbox"), {"q": second.organisation.name}).content.decode()
    assert body.count('class="application-link"') == 1
    body = client.get(reverse("applications:inbox"), {"state": "recommended"}).content.decode()
    assert body.count('class="application-link"') == 0


def test_decision_requires_an_opinion_and_keeps_the_form(client, scene):
    client.force_login(scene["coordinator"])
    url = reverse("applications:decide", kwargs={"pk": scene["application"].pk})
    response = client.post(url, {"decision": "recommend", "opinion": "   "})
    assert response.status_code == 200
    assert "Write the opinion (for a return or a refusal: the reason)." in response.content.decode()
    assert_untouched(scene)


def test_decision_letter_only_with_a_recommendation(client, scene):
    client.force_login(scene["coordinator"])
    url = reverse("applications:decide", kwargs={"pk": scene["application"].pk})
    response = client.post(
        url, {"decision": "decline", "opinion": "不符合条件的理由", "letter": pdf_file("推荐函.pdf")}
    )
    body = response.content.decode()
    assert "A letter goes only with a recommendation." in body
    assert "不符合条件的理由" in body
    assert_untouched(scene)


def test_return_then_resubmit_keeps_history(client, scene):
    application = scene["application"]
    coordinator_client = english_client(scene["coordinator"])
    coordinator_client.post(
        reverse("applications:decide", kwargs={"pk": application.pk}),
        {"decision": "return", "opinion": "请补充近三年指标"},
    )
    application.refresh_from_db()
    assert application.state == S.RETURNED
    client.force_login(scene["applicant"])
    body = client.get(reverse("applications:mine")).content.decode()
    assert "Returned by the district: correct it and submit it again." in body
    body = client.get(reverse("applications:edit", kwargs={"pk": application.pk})).content.decode()
    assert "请补充近三年指标" in body.split('id="returned-opinion"', 1)[1]
    client.post(reverse("applications:edit", kwargs={"pk": application.pk}), edit_post(action="submit"))
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert list(application.transitions.values_list("to_state", flat=True)) == ["submitted", "returned", "submitted"]
    assert application.number == f"WH-{scene['edition'].year}-0001"


def test_decline_with_reason(client, scene):
    client.force_login(scene["coordinator"])
    client.post(
        reverse("applications:decide", kwargs={"pk": scene["application"].pk}),
        {"decision": "decline", "opinion": "近三年有行政处罚"},
    )
    application = Application.objects.get(pk=scene["application"].pk)
    assert application.state == S.NOT_RECOMMENDED
    assert Recommendation.objects.get().opinion == "近三年有行政处罚"


def test_decision_on_an_already_decided_application_is_refused(client, scene):
    client.force_login(scene["coordinator"])
    url = reverse("applications:decide", kwargs={"pk": scene["application"].pk})
    client.post(url, {"decision": "recommend", "opinion": "同意推荐"})
    response = client.post(url, {"decision": "decline", "opinion": "改主意了"})
    assert "only submitted applications can be decided" in response.content.decode()
    assert Recommendation.objects.count() == 1


# --- the main path ----------------------------------------------------------------------------------------


def test_main_path_register_apply_upload_submit_recommend(client, weihai_edition, django_capture_on_commit_callbacks):
    coordinator = make_coordinator("371002", username="huancui-coordinator", email="coord@huancui.example.cn")
    data = unit_registration(operating_since="2015-06-01", founded_on="2015-01-10")
    assert client.post(reverse("register:unit"), data).status_code == 302
    applicant = User.objects.get(username=data["username"])
    response = client.post(reverse("applications:start"), {"edition": weihai_edition.pk, "category": "unit"})
    application = Application.objects.get(owner=applicant)
    edit_url = reverse("applications:edit", kwargs={"pk": application.pk})
    assert response["Location"] == edit_url
    assert client.post(edit_url, edit_post()).status_code == 302
    assert (
        client.post(edit_url, edit_post(file_self_evaluation=pdf_file(), file_evidence=pdf_file())).status_code == 302
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, edit_post(action="submit"))
    application.refresh_from_db()
    number = f"WH-{weihai_edition.year}-0001"
    assert (response.status_code, application.state, application.number) == (302, S.SUBMITTED, number)
    to_applicant = [message for message in mail.outbox if "quality@jinggong.example.cn" in message.to]
    assert len(to_applicant) == 1
    assert number in to_applicant[0].subject
    assert to_applicant[0].subject.startswith("【威海市长质量奖】")  # rendered in the portal's language

    coordinator_client = english_client(coordinator)
    inbox = coordinator_client.get(reverse("applications:inbox")).content.decode()
    assert number in inbox and "威海环翠精工机械有限公司" in inbox
    detail_url = reverse("applications:detail", kwargs={"pk": application.pk})
    detail = coordinator_client.get(detail_url).content.decode()
    assert 'id="recommend-button"' in detail
    response = coordinator_client.post(
        reverse("applications:decide", kwargs={"pk": application.pk}),
        {"decision": "recommend", "opinion": "该单位质量管理成效显著，同意推荐。", "letter": pdf_file("推荐函.pdf")},
    )
    assert response["Location"] == detail_url
    application.refresh_from_db()
    assert application.state == S.RECOMMENDED
    recommendation = Recommendation.objects.get(application=application)
    assert (recommendation.signed_by, recommendation.letter.kind) == (coordinator, "recommendation_letter")

    detail = client.get(detail_url).content.decode()
    assert 'data-state="recommended"' in detail
    assert 'data-from="draft" data-to="submitted"' in detail
    assert 'data-from="submitted" data-to="recommended"' in detail
    assert "该单位质量管理成效显著，同意推荐。" in detail
    assert reverse("applications:file", kwargs={"pk": recommendation.letter.pk}) in detail
    assert 'id="withdraw-button"' not in detail and 'id="recommend-button"' not in detail
    local = timezone.localtime(application.transitions.first().occurred_at).strftime("%Y-%m-%d %H:%M")
    assert local in detail  # Beijing time


# --- query counts -----------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


DASHBOARD_QUERIES = 11
INBOX_QUERIES = 13


def test_query_count_dashboard_same_for_1_and_50_applications(client, unit_applicant, weihai_edition):
    client.force_login(unit_applicant)
    url = reverse("applications:mine")
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    client.get(url)
    with_one = count_queries(client, url)
    for _ in range(49):
        services.application_withdraw(application=application, by=unit_applicant)
        application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    assert Application.objects.filter(owner=unit_applicant).count() == 50
    with_fifty = count_queries(client, url)
    assert (with_one, with_fifty) == (DASHBOARD_QUERIES, DASHBOARD_QUERIES)


def test_query_count_inbox_same_for_1_and_50_applications(client, coordinator, weihai_edition):
    client.force_login(coordinator)
    url = reverse("applications:inbox")
    submitted(make_unit_applicant("371002"), weihai_edition)
    client.get(url)
    with_one = count_queries(client, url)
    for _ in range(49):
        submitted(make_unit_applicant("371002"), weihai_edition)
    with_fifty = count_queries(client, url)
    assert client.get(url).content.decode().count('class="application-link"') == 50
    assert (with_one, with_fifty) == (INBOX_QUERIES, INBOX_QUERIES)


# --- the admin --------------------------------------------------------------------------------------------


def test_admin_lists_applications_read_only(client, scene, users):
    client.force_login(users[Role.OFFICE_STAFF])
    application = scene["application"]
    changelist = client.get(reverse("admin:applications_application_changelist"))
    assert changelist.status_code == 200
    assert application.number in changelist.content.decode()
    change = client.get(reverse("admin:applications_application_change", args=[application.pk]))
    assert change.status_code == 200
    assert 'name="state"' not in change.content.decode()
    assert client.get(reverse("admin:applications_application_add")).status_code == 403
    assert client.post(reverse("admin:applications_application_delete", args=[application.pk])).status_code == 403
    for model in ("applicationfile", "applicationtransition", "recommendation", "unitprofile", "individualprofile"):
        assert client.get(reverse(f"admin:applications_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:applications_{model}_add")).status_code == 403
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


# --- the Shandong notice's pages: route, city proposals, city submissions ---------------------------------


def test_proposal_and_submission_pages_are_reached_from_the_coordinator_dashboard(client, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("applications:proposals") in body and reverse("applications:city_submissions") in body
    with translation.override("en"):
        assert client.get(reverse("applications:proposals")).status_code == 200
        assert client.get(reverse("applications:city_submissions")).status_code == 200


@pytest.mark.parametrize("name", ["applications:proposals", "applications:city_submissions"])
def test_outsider_new_pages_refuse_anonymous_and_applicants(client, unit_applicant, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(unit_applicant)
    assert client.get(reverse(name)).status_code == 403


def test_office_sees_what_each_city_submitted(client, db):
    from applications.models import CitySubmission
    from tests.factories import UserFactory

    office = UserFactory(roles=[Role.OFFICE_STAFF])
    client.force_login(office)
    with translation.override("en"):
        body = client.get(reverse("applications:city_submissions")).content.decode()
    assert 'id="city-submissions-table"' in body
    assert CitySubmission.objects.count() == 0


def test_route_form_saves_the_national_number(client, unit_applicant, weihai_edition):
    application = services.application_create(edition=weihai_edition, category="unit", by=unit_applicant)
    client.force_login(unit_applicant)
    response = client.post(reverse("applications:route", kwargs={"pk": application.pk}), {"external_number": "QG-1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.external_number, application.province_owned) == ("QG-1", False)
