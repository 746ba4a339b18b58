"""The expert pool kept in the portal (issue 10, item 4): creating an expert (account, role, profile, ties) in one
form, the list with its filters, an expert's page with the credit record, ties and assignments, deactivation and
reactivation, the password-set link, and the admin that no longer writes these rows itself."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent, User
from reviews import services
from reviews.enums import CreditRecordKind, TieKind
from reviews.models import Assignment, ExpertCreditRecord, ExpertProfile, ExpertTie
from reviews.selectors import experts_assignable
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.conftest import make_expert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Pages (the language cookie) and the services' messages are read in English, the language the assertions
    are written in; the UI's default is Chinese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield

@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF, username="office1")


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR, username="auditor1")


def create(office, **fields):
    values = {
        "username": "wangwu",
        "full_name": "王五",
        "phone": "138 0000 1111",
        "email": "wangwu@example.cn",
        "employer_name": "山东大学质量学院",
        "title": "教授",
        "fields": ["卓越绩效", "质量管理"],
        "industries": ["装备制造"],
        "max_load": 12,
    }
    values.update(fields)
    return services.expert_create(by=office, **values)


def audit_rows(since_id=0):
    return list(
        AuditEvent.objects.filter(pk__gt=since_id)
        .order_by("pk")
        .values_list("action", "result", "object_type", "detail", "actor_username")
    )


def last_audit_id():
    row = AuditEvent.objects.order_by("-pk").first()
    return row.pk if row else 0


# --- the service ----------------------------------------------------------------------------------------------


def test_expert_create_makes_account_role_profile_and_exact_audit_rows(office):
    start = last_audit_id()
    expert = create(office)
    user = expert.user
    assert (user.username, user.display_name, user.phone, user.email) == (
        "wangwu",
        "王五",
        "13800001111",
        "wangwu@example.cn",
    )
    assert not user.has_usable_password()
    assert user.is_active
    assert set(user.groups.values_list("name", flat=True)) == {Role.EXPERT.value}
    assert (expert.full_name, expert.title, expert.employer_name, expert.max_load) == (
        "王五",
        "教授",
        "山东大学质量学院",
        12,
    )
    assert expert.fields == ["卓越绩效", "质量管理"] and expert.industries == ["装备制造"]
    assert expert.deactivated_at is None and expert.available
    assert audit_rows(start) == [
        (
            AuditAction.CREATE,
            AuditResult.SUCCESS,
            "accounts.User",
            "expert account, role expert; password to be set by the expert",
            "office1",
        ),
        (AuditAction.CREATE, AuditResult.SUCCESS, "reviews.ExpertProfile", "", "office1"),
    ]


def test_expert_create_mails_a_one_time_password_link_after_commit(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        expert = create(office)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wangwu@example.cn"]
    match = re.search(r"(http\S+)/reviews/experts/welcome/(\w+)/([\w-]+)/", mail.outbox[0].body)
    assert match.group(1) == settings.PORTAL_BASE_URL
    assert default_token_generator.check_token(expert.user, match.group(3))


def test_expert_create_without_email_sends_nothing(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create(office, email="")
    assert mail.outbox == []


def test_expert_create_declares_ties(office):
    unit = OrganisationFactory()
    start = last_audit_id()
    expert = create(office, ties=[{"organisation": unit, "kind": TieKind.CONSULTING, "note": "2024 咨询"}])
    tie = ExpertTie.objects.get(expert=expert)
    assert (tie.organisation, tie.kind, tie.note) == (unit, TieKind.CONSULTING, "2024 咨询")
    assert [row[2] for row in audit_rows(start)] == ["accounts.User", "reviews.ExpertProfile", "reviews.ExpertTie"]


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({"username": "WANGWU"}, "username", "The username WANGWU is taken by another account."),
        (
            {"username": "other", "phone": "13800001111"},
            "phone",
            "The mobile number 13800001111 belongs to another account.",
        ),
        ({"username": "bad name!"}, "username", "A username may hold only letters, digits and @ . + - _."),
        (
            {"username": "other", "phone": "12345"},
            "phone",
            "Enter a mainland mobile number of 11 digits, e.g. 13800000000.",
        ),
        ({"username": "other", "phone": "13900000000", "max_load": 0}, "max_load", None),
        ({"username": "other", "phone": "13900000000", "email": "not-mail"}, "email", "Enter a valid e-mail address."),
    ],
)
def test_expert_create_refuses_and_saves_nothing(office, fields, key, message):
    UserFactory(username="wangwu", phone="13800001111")
    users, experts, audits = User.objects.count(), ExpertProfile.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        create(office, **fields)
    assert key in raised.value.message_dict
    if message:
        assert raised.value.message_dict[key] == [message]
    assert (User.objects.count(), ExpertProfile.objects.count(), AuditEvent.objects.count()) == (users, experts, audits)


def test_expert_create_for_a_username_already_in_the_pool_says_so(office):
    create(office)
    with pytest.raises(ValidationError) as raised:
        create(office, phone="13900000000")
    assert raised.value.message_dict["username"] == ["王五 (username wangwu) is already in the expert pool."]
    assert ExpertProfile.objects.count() == 1


def test_expert_create_by_non_office_is_refused_and_audited(make_user):
    outsider = make_user(Role.AUDITOR, username="aud")
    with pytest.raises(PermissionDenied):
        create(outsider)
    assert not User.objects.filter(username="wangwu").exists()
    assert audit_rows() == [
        (AuditAction.PERMISSION_REFUSED, AuditResult.REFUSED, "", "only office staff create experts", "aud")
    ]


def test_deactivated_expert_leaves_the_assignable_pool_and_returns(office):
    expert = create(office)
    assert experts_assignable().filter(pk=expert.pk).exists()
    start = last_audit_id()
    services.expert_deactivate(expert=expert, reason="退休", by=office)
    expert.refresh_from_db()
    assert expert.deactivated_at is not None and expert.deactivation_reason == "退休"
    assert not experts_assignable().filter(pk=expert.pk).exists()
    assert expert.user.is_active  # the account keeps working for past sheets
    services.expert_reactivate(expert=expert, reason="返聘", by=office)
    expert.refresh_from_db()
    assert (expert.deactivated_at, expert.deactivation_reason) == (None, "")
    assert experts_assignable().filter(pk=expert.pk).exists()
    assert audit_rows(start) == [
        (AuditAction.UPDATE, AuditResult.SUCCESS, "reviews.ExpertProfile", "deactivated: 退休", "office1"),
        (AuditAction.UPDATE, AuditResult.SUCCESS, "reviews.ExpertProfile", "reactivated: 返聘", "office1"),
    ]


def test_deactivation_refusals(office):
    expert = create(office)
    with pytest.raises(ValidationError, match="Write why the expert leaves the pool."):
        services.expert_deactivate(expert=expert, reason="  ", by=office)
    with pytest.raises(ValidationError, match="is in the pool already"):
        services.expert_reactivate(expert=expert, reason="x", by=office)
    services.expert_deactivate(expert=expert, reason="退休", by=office)
    with pytest.raises(ValidationError, match="is already deactivated"):
        services.expert_deactivate(expert=expert, reason="again", by=office)


def test_barred_expert_cannot_be_reactivated_zibo_art21(office):
    expert = create(office)
    services.expert_deactivate(expert=expert, reason="调查中", by=office)
    services.expert_credit_record_add(
        expert=expert,
        kind=CreditRecordKind.MISCONDUCT_REMOVAL,
        note="泄露评审信息",
        article="淄博办法第二十一条",
        by=office,
    )
    with pytest.raises(ValidationError, match="barred from review work"):
        services.expert_reactivate(expert=expert, reason="返聘", by=office)
    expert.refresh_from_db()
    assert expert.deactivated_at is not None


def test_expert_update_changes_profile_and_audits_changed_fields(office):
    expert = create(office)
    start = last_audit_id()
    services.expert_update(expert=expert, by=office, max_load=5, fields=["卓越绩效", "质量管理"])
    expert.refresh_from_db()
    assert expert.max_load == 5
    assert audit_rows(start) == [
        (AuditAction.UPDATE, AuditResult.SUCCESS, "reviews.ExpertProfile", "changed: max_load", "office1")
    ]


def test_expert_update_cannot_make_a_barred_expert_available(office):
    expert = create(office)
    services.expert_credit_record_add(expert=expert, kind=CreditRecordKind.MISCONDUCT_REMOVAL, note="x", by=office)
    with pytest.raises(ValidationError):
        services.expert_update(expert=expert, by=office, available=True)


def test_password_link_renew_only_before_a_password_is_set(office):
    expert = create(office)
    path = services.expert_password_link_renew(expert=expert, by=office)
    assert path.startswith("/reviews/experts/welcome/")
    expert.user.set_password("Another-Passw0rd-1")
    expert.user.save()
    with pytest.raises(ValidationError, match="has set a password already"):
        services.expert_password_link_renew(expert=expert, by=office)


# --- outsiders ------------------------------------------------------------------------------------------------

READ_VIEWS = ["reviews:experts", "reviews:expert_detail"]
OFFICE_GET_VIEWS = [
    "reviews:expert_create",
    "reviews:expert_import",
    "reviews:expert_import_template",
    "reviews:expert_edit",
]
OFFICE_POST_VIEWS = [
    "reviews:expert_create",
    "reviews:expert_import",
    "reviews:expert_edit",
    "reviews:expert_credit_add",
    "reviews:expert_tie_add",
    "reviews:expert_deactivate",
    "reviews:expert_reactivate",
    "reviews:expert_password_link",
]
WITH_PK = {
    "reviews:expert_detail",
    "reviews:expert_edit",
    "reviews:expert_credit_add",
    "reviews:expert_tie_add",
    "reviews:expert_deactivate",
    "reviews:expert_reactivate",
    "reviews:expert_password_link",
}


def url(name, pk):
    return reverse(name, kwargs={"pk": pk}) if name in WITH_PK else reverse(name)


@pytest.fixture
def expert(office):
    return create(office)


@pytest.mark.parametrize("name", sorted(set(READ_VIEWS + OFFICE_GET_VIEWS + OFFICE_POST_VIEWS)))
def test_anonymous_goes_to_login(client, expert, name):
    response = client.get(url(name, expert.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(url(name, expert.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


WRONG_ROLES = [role for role in Role if role not in (Role.OFFICE_STAFF, Role.AUDITOR)]


@pytest.mark.parametrize("role", WRONG_ROLES, ids=[role.value for role in WRONG_ROLES])
def test_wrong_roles_are_refused_everywhere(client, make_user, expert, role):
    client.force_login(make_user(role))
    for name in READ_VIEWS + OFFICE_GET_VIEWS:
        assert client.get(url(name, expert.pk)).status_code == 403, name
    for name in OFFICE_POST_VIEWS:
        assert client.post(url(name, expert.pk), {"status-reason": "x"}).status_code == 403, name
    expert.refresh_from_db()
    assert expert.deactivated_at is None


def test_the_expert_cannot_open_their_own_pool_page(client, expert):
    client.force_login(expert.user)
    assert client.get(reverse("reviews:expert_detail", kwargs={"pk": expert.pk})).status_code == 403


def test_auditor_reads_list_and_detail_without_buttons_and_cannot_act(client, auditor, expert):
    client.force_login(auditor)
    listing = client.get(reverse("reviews:experts")).content.decode()
    assert f'data-expert="{expert.pk}"' in listing
    assert 'id="expert-create-link"' not in listing and 'id="expert-import-link"' not in listing
    detail = client.get(reverse("reviews:expert_detail", kwargs={"pk": expert.pk})).content.decode()
    for marker in ("deactivate-form", "credit-form", "tie-form", "expert-edit-link", "password-link-form"):
        assert marker not in detail
    for name in OFFICE_GET_VIEWS:
        assert client.get(url(name, expert.pk)).status_code == 403, name
    for name in OFFICE_POST_VIEWS:
        assert client.post(url(name, expert.pk), {"status-reason": "x"}).status_code == 403, name


def test_unknown_expert_is_404(client, office):
    client.force_login(office)
    for name in sorted(WITH_PK):
        method = client.get if name in ("reviews:expert_detail", "reviews:expert_edit") else client.post
        assert method(url(name, 999999)).status_code == 404, name


# --- the create page --------------------------------------------------------------------------------------------


def form_data(**changes):
    data = {
        "username": "zhaoliu",
        "full_name": "赵六",
        "phone": "13912345678",
        "email": "zhaoliu@example.cn",
        "title": "other",
        "title_other": "教授级高工",
        "employer_name": "威海某研究院",
        "employer_code": "",
        "district": "",
        "fields": "卓越绩效，质量管理、 六西格玛",
        "industries": "装备制造,化工",
        "max_load": "15",
        "ties-TOTAL_FORMS": "2",
        "ties-INITIAL_FORMS": "0",
        "ties-MIN_NUM_FORMS": "0",
        "ties-MAX_NUM_FORMS": "10",
    }
    data.update(changes)
    return data


def test_create_page_shows_labels_and_the_tags_in_use(client, office, expert):
    client.force_login(office)
    page = client.get(reverse("reviews:expert_create")).content.decode()
    assert 'id="expert-create-form"' in page
    assert (
        '<datalist id="expert-field-suggestions"><option value="卓越绩效"><option value="质量管理"></datalist>' in page
    )
    assert 'list="expert-field-suggestions"' in page
    assert "Employer" in page and 'name="employer_name"' in page
    assert "<textarea" not in page.split('id="ties"')[0]  # no JSON box anywhere in the profile


def test_create_page_in_chinese_labels_the_employer_as_work_unit(client, office):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(office)
    page = client.get(reverse("reviews:expert_create")).content.decode()
    assert "工作单位" in page
    assert "单位全称" not in page


def test_create_page_creates_the_expert_and_shows_the_link_once(client, office, django_capture_on_commit_callbacks):
    unit = OrganisationFactory()
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:expert_create"),
            form_data(**{"ties-0-organisation": unit.credit_code, "ties-0-kind": TieKind.FORMER_EMPLOYEE}),
        )
    expert = ExpertProfile.objects.get(user__username="zhaoliu")
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:expert_detail", kwargs={"pk": expert.pk})
    assert expert.title == "教授级高工"
    assert expert.fields == ["卓越绩效", "质量管理", "六西格玛"]
    assert expert.industries == ["装备制造", "化工"]
    assert expert.max_load == 15
    assert expert.user.has_role(Role.EXPERT)
    assert list(expert.ties.values_list("organisation_id", "kind")) == [(unit.pk, TieKind.FORMER_EMPLOYEE)]
    first = client.get(response["Location"]).content.decode()
    assert 'id="password-link"' in first
    link = re.search(r'value="(http://testserver/reviews/experts/welcome/[^"]+)"', first).group(1)
    second = client.get(response["Location"]).content.decode()
    assert 'id="password-link"' not in second
    assert len(mail.outbox) == 1 and link.replace("http://testserver", "") in mail.outbox[0].body

    # The expert sets their password with the link; the link then stops working.
    client.logout()
    page = client.get(link, follow=True)
    assert b'id="password-set-form"' in page.content
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": "Quality-Award-2026x", "new_password2": "Quality-Award-2026x"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    expert.user.refresh_from_db()
    assert expert.user.check_password("Quality-Award-2026x")
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=expert.user).count() == 1
    assert b'id="password-link-invalid"' in client.get(link, follow=True).content


def test_create_page_shows_a_duplicate_username_and_saves_nothing(client, office):
    UserFactory(username="zhaoliu")
    client.force_login(office)
    users = User.objects.count()
    response = client.post(reverse("reviews:expert_create"), form_data())
    assert response.status_code == 200
    assert "The username zhaoliu is taken by another account." in response.content.decode()
    assert User.objects.count() == users and not ExpertProfile.objects.exists()


def test_create_page_refuses_other_title_left_empty_and_a_bad_phone(client, office):
    client.force_login(office)
    response = client.post(reverse("reviews:expert_create"), form_data(title_other="", phone="0631-123"))
    page = response.content.decode()
    assert "Type the professional title." in page
    assert "Enter a mainland mobile number of 11 digits" in page
    assert not User.objects.filter(username="zhaoliu").exists()


def test_create_page_unknown_unit_code_for_a_tie(client, office):
    client.force_login(office)
    response = client.post(
        reverse("reviews:expert_create"),
        form_data(**{"ties-0-organisation": "91371002MA3C000000", "ties-0-kind": TieKind.CONSULTING}),
    )
    assert "No unit with the credit code" in response.content.decode()
    assert not ExpertProfile.objects.exists()


# --- the list --------------------------------------------------------------------------------------------------


def test_list_filters_and_search(client, office):
    a = create(office, username="a1", phone="13800000001", full_name="张一", fields=["卓越绩效"], industries=["化工"])
    b = create(
        office,
        username="b1",
        phone="13800000002",
        full_name="李二",
        title="高级工程师",
        employer_name="威海港集团",
        fields=["六西格玛"],
        industries=["港口物流"],
    )
    c = create(office, username="c1", phone="13800000003", full_name="王三", fields=["卓越绩效管理"])
    services.expert_deactivate(expert=c, reason="退休", by=office)
    services.expert_credit_record_add(expert=b, kind=CreditRecordKind.MISCONDUCT_REMOVAL, note="x", by=office)
    client.force_login(office)

    def shown(**query):
        page = client.get(reverse("reviews:experts"), query).content.decode()
        return {int(pk) for pk in re.findall(r'<tr data-expert="(\d+)"', page)}

    assert shown() == {a.pk, b.pk, c.pk}
    assert shown(field="卓越绩效") == {a.pk}  # a whole element, not 卓越绩效管理
    assert shown(industry="港口物流") == {b.pk}
    assert shown(title="高级工程师") == {b.pk}
    assert shown(q="威海港") == {b.pk}
    assert shown(q="卓越") == {a.pk, c.pk}
    assert shown(q="李二") == {b.pk}
    assert shown(status="deactivated") == {c.pk}
    assert shown(status="barred") == {b.pk}
    assert shown(status="active") == {a.pk}


def test_list_shows_the_live_load(client, office):
    from tests.reviews.conftest import make_expert as _unused  # noqa: F401

    expert = create(office)
    other = create(office, username="other", phone="13900000000")
    from applications.models import Application
    from reviews.models import EditionStage
    from tests.applications.conftest import make_edition, make_unit_applicant

    edition = make_edition()
    applicant = make_unit_applicant()
    stage_kind = edition.rulebook.stages.get(kind="material_review")
    from django.utils import timezone

    stage = EditionStage.objects.create(
        edition=edition, stage=stage_kind, opens=timezone.localdate(), sheets_due=timezone.localdate()
    )
    for number in range(3):
        application = Application.objects.create(
            edition=edition,
            category="unit",
            owner=applicant,
            organisation=applicant.organisation,
            applicant_key=f"org:{applicant.organisation_id}:{number}",
            recommender=applicant.organisation.district,
            state="in_review",
            number=f"WH-2026-{number:04d}",
            current_stage=stage_kind,
        )
        Assignment.objects.create(
            edition_stage=stage,
            application=application,
            expert=expert,
            method="manual",
            assigned_by=office,
            withdrawn_at=timezone.now() if number == 2 else None,
        )
    client.force_login(office)
    page = client.get(reverse("reviews:experts")).content.decode()
    assert f'data-expert="{expert.pk}" data-load="2"' in page
    assert f'data-expert="{other.pk}" data-load="0"' in page
    detail = client.get(reverse("reviews:expert_detail", kwargs={"pk": expert.pk})).content.decode()
    assert detail.count("<tr data-assignment=") == 3


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_list_query_count_is_the_same_for_1_and_50_experts(client, office):
    client.force_login(office)
    make_expert("专家0")
    _queries(client, reverse("reviews:experts"))  # warm the session and content types
    one = _queries(client, reverse("reviews:experts"))
    for index in range(1, 50):
        expert = make_expert(f"专家{index}")
        expert.fields = ["卓越绩效", f"领域{index}"]
        expert.save()
    fifty = _queries(client, reverse("reviews:experts"))
    assert one == fifty
    filtered = _queries(client, reverse("reviews:experts") + "?field=卓越绩效&status=active")
    assert filtered == fifty


def test_detail_query_count_does_not_grow_with_history(client, office):
    expert = create(office)
    client.force_login(office)
    path = reverse("reviews:expert_detail", kwargs={"pk": expert.pk})
    _queries(client, path)
    before = _queries(client, path)
    for note in range(5):
        services.expert_credit_record_add(expert=expert, kind=CreditRecordKind.COMMENDATION, note=f"n{note}", by=office)
        services.expert_tie_declare(expert=expert, organisation=OrganisationFactory(), kind=TieKind.OTHER, by=office)
    assert _queries(client, path) == before


# --- the expert's page: actions ---------------------------------------------------------------------------------


def test_deactivate_and_reactivate_through_the_page(client, office, expert):
    client.force_login(office)
    detail = reverse("reviews:expert_detail", kwargs={"pk": expert.pk})
    response = client.post(
        reverse("reviews:expert_deactivate", kwargs={"pk": expert.pk}), {"status-reason": "出国一年"}
    )
    assert response.status_code == 302 and response["Location"] == detail
    expert.refresh_from_db()
    assert expert.deactivation_reason == "出国一年"
    page = client.get(detail).content.decode()
    assert 'data-status="deactivated"' in page and 'id="reactivate-form"' in page
    client.post(reverse("reviews:expert_reactivate", kwargs={"pk": expert.pk}), {"status-reason": "回国"})
    expert.refresh_from_db()
    assert expert.deactivated_at is None
    assert list(
        AuditEvent.objects.filter(object_type="reviews.ExpertProfile", action=AuditAction.UPDATE)
        .order_by("pk")
        .values_list("detail", flat=True)
    ) == ["deactivated: 出国一年", "reactivated: 回国"]


def test_deactivate_without_reason_is_refused_on_the_page(client, office, expert):
    client.force_login(office)
    response = client.post(
        reverse("reviews:expert_deactivate", kwargs={"pk": expert.pk}), {"status-reason": ""}, follow=True
    )
    assert "This field is required." in response.content.decode()
    expert.refresh_from_db()
    assert expert.deactivated_at is None


def test_credit_record_entry_through_the_page_bars_for_misconduct(client, office, expert):
    client.force_login(office)
    response = client.post(
        reverse("reviews:expert_credit_add", kwargs={"pk": expert.pk}),
        {
            "credit-kind": CreditRecordKind.MISCONDUCT_REMOVAL,
            "credit-article": "威海办法第二十五条",
            "credit-note": "私下接触申报单位",
        },
    )
    assert response.status_code == 302
    record = ExpertCreditRecord.objects.get(expert=expert)
    assert (record.kind, record.article, record.note, record.recorded_by) == (
        CreditRecordKind.MISCONDUCT_REMOVAL,
        "威海办法第二十五条",
        "私下接触申报单位",
        office,
    )
    expert.refresh_from_db()
    assert not expert.available
    page = client.get(reverse("reviews:expert_detail", kwargs={"pk": expert.pk})).content.decode()
    assert f'data-credit-record="{record.pk}"' in page and 'data-status="barred"' in page
    assert 'id="deactivate-form"' not in page


def test_tie_through_the_page(client, office, expert):
    unit = OrganisationFactory()
    client.force_login(office)
    client.post(
        reverse("reviews:expert_tie_add", kwargs={"pk": expert.pk}),
        {"tie-organisation": unit.credit_code.lower(), "tie-kind": TieKind.RELATIVE, "tie-note": "配偶"},
    )
    tie = ExpertTie.objects.get(expert=expert)
    assert (tie.organisation, tie.kind, tie.note) == (unit, TieKind.RELATIVE, "配偶")


def test_edit_page_changes_the_profile(client, office, expert):
    client.force_login(office)
    page = client.get(reverse("reviews:expert_edit", kwargs={"pk": expert.pk})).content.decode()
    assert 'value="卓越绩效、质量管理"' in page
    response = client.post(
        reverse("reviews:expert_edit", kwargs={"pk": expert.pk}),
        {
            "full_name": "王五",
            "title": "研究员",
            "employer_name": "山东大学",
            "fields": "卓越绩效",
            "industries": "装备制造、化工",
            "max_load": "8",
            "available": "",
        },
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert (
        expert.title,
        expert.employer_name,
        expert.fields,
        expert.industries,
        expert.max_load,
        expert.available,
    ) == (
        "研究员",
        "山东大学",
        ["卓越绩效"],
        ["装备制造", "化工"],
        8,
        False,
    )
    row = AuditEvent.objects.filter(object_type="reviews.ExpertProfile", action=AuditAction.UPDATE).get()
    assert row.detail == "changed: title, employer_name, fields, industries, max_load, available"


def test_password_link_button_issues_a_new_link_once(client, office, expert):
    client.force_login(office)
    client.post(reverse("reviews:expert_password_link", kwargs={"pk": expert.pk}))
    page = client.get(reverse("reviews:expert_detail", kwargs={"pk": expert.pk})).content.decode()
    match = re.search(r"/reviews/experts/welcome/([^/]+)/([^/\"]+)/", page)
    assert match and default_token_generator.check_token(expert.user, match.group(2))
    assert AuditEvent.objects.filter(object_type="accounts.User", detail="password-set link issued").count() == 1


# --- the admin --------------------------------------------------------------------------------------------------


def test_admin_no_longer_adds_or_changes_experts(client, office, expert):
    office.is_staff = True
    office.save()
    client.force_login(office)
    assert client.get(reverse("admin:reviews_expertprofile_add")).status_code == 403
    change = client.get(reverse("admin:reviews_expertprofile_change", args=[expert.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content and b'name="user"' not in change.content
    response = client.post(reverse("admin:reviews_expertprofile_change", args=[expert.pk]), {"max_load": "1"})
    assert response.status_code == 403
    listing = client.get(reverse("admin:reviews_expertprofile_changelist")).content.decode()
    assert reverse("reviews:experts") in listing
    assert reverse("reviews:expert_detail", kwargs={"pk": expert.pk}) in listing
    assert client.get(reverse("admin:reviews_expertcreditrecord_add")).status_code == 403
    assert client.get(reverse("admin:reviews_experttie_add")).status_code == 403
