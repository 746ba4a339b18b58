"""The expert pool (issue 4, item 1): registering experts, their credit records, their declared ties, and who may
be assigned."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent, District
from reviews import services
from reviews.enums import CreditRecordKind, TieKind
from reviews.models import ExpertCreditRecord, ExpertProfile, ExpertTie
from reviews.selectors import experts_assignable
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def register(office):
    def make(user=None, **fields):
        return services.expert_register(
            user=user or UserFactory(),
            full_name=fields.pop("full_name", "张专家"),
            employer_name=fields.pop("employer_name", "山东某大学"),
            by=fields.pop("by", office),
            **fields,
        )

    return make


def refusals(actor):
    return AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_REFUSED, result=AuditResult.REFUSED, actor=actor
    ).count()


# --- registering --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("_row", [pytest.param(None, id="N11-national-art11-expert-pool-register")])
def test_expert_register_by_office_creates_profile_role_and_audit(_row, register, office):
    user = UserFactory()
    employer = OrganisationFactory()
    expert = register(
        user,
        full_name=" 张专家 ",
        employer=employer,
        employer_name=employer.name,
        district=District.objects.get(code="371002"),
        title="教授",
        fields=("卓越绩效",),
        industries=["装备制造", "化工"],
        max_load=12,
    )

    expert.refresh_from_db()
    assert (expert.user, expert.full_name, expert.employer, expert.district.code, expert.title) == (
        user,
        "张专家",
        employer,
        "371002",
        "教授",
    )
    assert (expert.fields, expert.industries, expert.max_load, expert.available) == (
        ["卓越绩效"],
        ["装备制造", "化工"],
        12,
        True,
    )
    user.refresh_from_db()
    assert user.has_role(Role.EXPERT)
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reviews.ExpertProfile")
    assert (audit.actor, audit.object_id) == (office, str(expert.pk))


@pytest.mark.parametrize("role", [Role.EXPERT, Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.SYSADMIN])
def test_expert_register_wrong_role_refused_and_audited(register, make_user, role):
    outsider = make_user(role)
    user = UserFactory()

    with pytest.raises(PermissionDenied):
        register(user, by=outsider)

    assert not ExpertProfile.objects.filter(user=user).exists()
    assert refusals(outsider) == 1
    user.refresh_from_db()
    assert not user.has_role(Role.EXPERT)


def test_expert_register_refuses_user_already_in_pool(register):
    user = UserFactory()
    register(user)

    with pytest.raises(ValidationError):
        register(user, full_name="张专家二")

    assert ExpertProfile.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(("field", "value"), [("max_load", 0), ("max_load", 201), ("employer_name", " ")])
def test_expert_register_refuses_invalid_values(register, field, value):
    with pytest.raises(ValidationError) as excinfo:
        register(**{field: value})

    assert field in excinfo.value.message_dict
    assert not ExpertProfile.objects.exists()


# --- credit records -----------------------------------------------------------------------------------------


def test_credit_record_misconduct_removal_bars_expert_zibo_21_weihai_25_linyi_26(register, office):
    expert = register()
    other = register()

    record = services.expert_credit_record_add(
        expert=expert,
        kind=CreditRecordKind.MISCONDUCT_REMOVAL,
        note="评审中私下联系申报单位。",
        article="威海办法第二十五条",
        by=office,
    )

    assert expert.available is False
    expert.refresh_from_db()
    assert expert.available is False
    assert expert.barred
    assert (record.expert, record.kind, record.article, record.recorded_by) == (
        expert,
        CreditRecordKind.MISCONDUCT_REMOVAL,
        "威海办法第二十五条",
        office,
    )
    assert list(experts_assignable()) == [other]
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(expert.pk)).count() == 1


def test_credit_record_barred_expert_stays_out_even_if_marked_available_again(register, office):
    expert = register()
    services.expert_credit_record_add(
        expert=expert, kind=CreditRecordKind.MISCONDUCT_REMOVAL, note="泄露评审信息。", by=office
    )
    ExpertProfile.objects.filter(pk=expert.pk).update(available=True)

    assert list(experts_assignable()) == []


@pytest.mark.parametrize("kind", [CreditRecordKind.LATE_SHEET, CreditRecordKind.COMMENDATION])
def test_credit_record_other_kinds_do_not_bar(register, office, kind):
    expert = register()

    services.expert_credit_record_add(expert=expert, kind=kind, note="记录。", by=office)

    expert.refresh_from_db()
    assert (expert.available, expert.barred) == (True, False)
    assert list(experts_assignable()) == [expert]


def test_credit_records_are_append_only(register, office):
    expert = register()
    first = services.expert_credit_record_add(
        expert=expert, kind=CreditRecordKind.LATE_SHEET, note="迟交评分表。", by=office
    )
    services.expert_credit_record_add(expert=expert, kind=CreditRecordKind.COMMENDATION, note="表扬。", by=office)

    first.note = "改写"
    with pytest.raises(PermissionError):
        first.save()

    assert sorted(ExpertCreditRecord.objects.filter(expert=expert).values_list("note", flat=True)) == [
        "表扬。",
        "迟交评分表。",
    ]


@pytest.mark.parametrize("role", [Role.EXPERT, Role.APPLICANT, Role.SUPERVISOR])
def test_credit_record_wrong_role_refused_and_audited(register, make_user, role):
    expert = register()
    outsider = make_user(role)

    with pytest.raises(PermissionDenied):
        services.expert_credit_record_add(
            expert=expert, kind=CreditRecordKind.MISCONDUCT_REMOVAL, note="x", by=outsider
        )

    assert not ExpertCreditRecord.objects.exists()
    expert.refresh_from_db()
    assert expert.available is True
    assert refusals(outsider) == 1


@pytest.mark.parametrize(("kind", "note"), [("banned_forever", "x"), (CreditRecordKind.LATE_SHEET, "  ")])
def test_credit_record_refuses_unknown_kind_or_empty_note(register, office, kind, note):
    expert = register()

    with pytest.raises(ValidationError):
        services.expert_credit_record_add(expert=expert, kind=kind, note=note, by=office)

    assert not ExpertCreditRecord.objects.exists()


# --- who may be assigned -----------------------------------------------------------------------------------


def test_experts_assignable_excludes_unavailable_and_inactive(register):
    kept = register()
    unavailable = register()
    ExpertProfile.objects.filter(pk=unavailable.pk).update(available=False)
    inactive = register()
    inactive.user.is_active = False
    inactive.user.save(update_fields=["is_active"])

    assert list(experts_assignable()) == [kept]


@pytest.mark.parametrize("n", [1, 8])
def test_experts_assignable_query_count_constant(register, office, django_assert_num_queries, n):
    for _ in range(n):
        expert = register()
        services.expert_credit_record_add(expert=expert, kind=CreditRecordKind.LATE_SHEET, note="迟交。", by=office)
        services.expert_tie_declare(expert=expert, organisation=OrganisationFactory(), kind=TieKind.OTHER, by=office)

    # The experts (with user, employer, district), their credit records, their ties with the tied units.
    with django_assert_num_queries(3):
        experts = list(experts_assignable())
        assert [e.barred for e in experts] == [False] * n
        assert all(tie.organisation.name for e in experts for tie in e.ties.all())


# --- declared ties ------------------------------------------------------------------------------------------


def test_tie_declared_by_expert_themself(register):
    user = UserFactory()
    expert = register(user)
    user.refresh_from_db()
    unit = OrganisationFactory()

    tie = services.expert_tie_declare(
        expert=expert,
        organisation=unit,
        kind=TieKind.CONSULTING,
        since=date(2023, 3, 1),
        until=date(2024, 2, 29),
        note="质量管理咨询",
        by=user,
    )

    assert list(ExpertTie.objects.filter(expert=expert).values_list("organisation", "kind", "since", "until")) == [
        (unit.pk, TieKind.CONSULTING, date(2023, 3, 1), date(2024, 2, 29))
    ]
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reviews.ExpertTie")
    assert (audit.actor, audit.object_id) == (user, str(tie.pk))


def test_tie_declared_by_office_for_expert(register, office):
    expert = register()

    services.expert_tie_declare(expert=expert, organisation=OrganisationFactory(), kind=TieKind.RELATIVE, by=office)

    assert ExpertTie.objects.filter(expert=expert, kind=TieKind.RELATIVE).count() == 1


def test_tie_declared_by_another_expert_refused_and_audited(register):
    expert = register()
    other_user = UserFactory()
    register(other_user)
    other_user.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.expert_tie_declare(
            expert=expert, organisation=OrganisationFactory(), kind=TieKind.CONSULTING, by=other_user
        )

    assert not ExpertTie.objects.exists()
    assert refusals(other_user) == 1


def test_tie_refuses_end_before_start(register, office):
    expert = register()

    with pytest.raises(ValidationError):
        services.expert_tie_declare(
            expert=expert,
            organisation=OrganisationFactory(),
            kind=TieKind.CONSULTING,
            since=date(2024, 1, 1),
            until=date(2023, 1, 1),
            by=office,
        )

    assert not ExpertTie.objects.exists()
