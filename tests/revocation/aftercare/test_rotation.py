"""The supervision group's rotation: at least one third of its members new each edition (Zibo art. 12)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from revocation.aftercare import services
from revocation.aftercare.models import SupervisionMember, SupervisionRule
from revocation.aftercare.rules import required_rotated, rotation_check, same_person
from tests.decisions import make_edition
from tests.factories import UserFactory

from .conftest import make_group, people

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", [pytest.param("zibo-leading", id="Z12b-zibo-art12-rule-one-third-as-data")])
def test_zibo_rulebook_rotation_rule_is_one_third_art_12(code):
    rule = SupervisionRule.objects.get(rulebook__scheme__code=code)
    assert (rule.rotation_numerator, rule.rotation_denominator, rule.rotation_article, rule.misconduct_article) == (
        1,
        3,
        "第十二条",
        "第二十一条",
    )
    assert not SupervisionRule.objects.exclude(rulebook__scheme__code="zibo-leading").exists()


@pytest.mark.parametrize(
    ("total", "required"),
    [
        pytest.param(total, required, id=f"Z12b-zibo-art12-one-third-of-{total}-is-{required}")
        for total, required in [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (8, 3), (9, 3), (10, 4)]
    ],
)
def test_required_rotated_at_least_one_third_rounded_up_art_12(total, required):
    assert required_rotated(total, 1, 3) == required


def _two_editions(previous_members, current_members, office):
    """A confirmed 2024 group and a 2025 group being appointed, of the given people."""
    previous = make_group(make_edition("zibo-leading", 2024), members=previous_members, confirmed=True)
    current = make_group(make_edition("zibo-leading", 2025), members=current_members, by=office)
    return previous, current


def _confirm_refused(group, office) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.supervision_group_confirm(group=group, by=office)
    return caught.value.messages[0]


def _refusal(previous: int, replaced: int, required: int) -> str:
    return (
        f"第十二条: {replaced} of the previous edition's group's {previous} members were replaced, at least "
        f"{required} required (members added do not count as rotated)."
    )


# (previous members, kept on, added, replaced, required, confirmed)
ROTATIONS = [
    pytest.param(9, 6, 3, 3, 3, True, id="Z12b-zibo-art12-nine-previous-three-replaced-passes"),
    pytest.param(9, 7, 2, 2, 3, False, id="Z12b-zibo-art12-nine-previous-two-replaced-refused-with-counts"),
    pytest.param(9, 9, 5, 0, 3, False, id="Z12b-zibo-art12-all-kept-new-ones-added-rotated-nobody-refused"),
    pytest.param(3, 3, 6, 0, 1, False, id="Z12b-zibo-art12-group-tripled-by-additions-rotated-nobody-refused"),
    pytest.param(9, 6, 0, 3, 3, True, id="Z12b-zibo-art12-three-left-none-added-passes"),
    pytest.param(10, 7, 3, 3, 4, False, id="Z12b-zibo-art12-ten-previous-three-replaced-refused-ceil"),
    pytest.param(10, 6, 4, 4, 4, True, id="Z12b-zibo-art12-ten-previous-four-replaced-passes"),
    pytest.param(7, 5, 5, 2, 3, False, id="Z12b-zibo-art12-seven-previous-two-replaced-refused"),
    pytest.param(5, 3, 0, 2, 2, True, id="Z12b-zibo-art12-five-previous-two-replaced-passes"),
]


@pytest.mark.parametrize(("previous", "kept", "added", "replaced", "required", "ok"), ROTATIONS)
def test_rotation_counts_previous_members_replaced_not_additions_art_12(
    office, previous, kept, added, replaced, required, ok
):
    old = people("老", previous)
    _previous, group = _two_editions(old, old[:kept] + people("新", added), office)
    if ok:
        confirmed = services.supervision_group_confirm(group=group, by=office)
        assert confirmed.confirmed_at is not None
        assert confirmed.confirmed_by == office
        audit = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(group.pk)).get()
        assert audit.detail == f"confirmed: {replaced} of {previous} previous members replaced, {required} required"
    else:
        assert _confirm_refused(group, office) == _refusal(previous, replaced, required)
        group.refresh_from_db()
        assert group.confirmed_at is None


def test_rotation_check_counts_replaced_previous_members():
    rule = SupervisionRule(rotation_numerator=1, rotation_denominator=3, rotation_article="第十二条")
    old = [SupervisionMember(full_name=f"老{i}", organisation_name="某单位") for i in range(6)]
    new = [SupervisionMember(full_name=f"新{i}", organisation_name="某单位") for i in range(6)]
    rotation = rotation_check(old + new, old, rule=rule)
    assert (rotation.total, rotation.previous_total, rotation.replaced, rotation.required, rotation.ok) == (
        12,
        6,
        0,
        2,
        False,
    )
    assert (rotation.continuing, rotation.added, rotation.article) == (6, 6, "第十二条")


def test_confirm_first_group_of_scheme_has_nothing_to_rotate_from(office):
    group = make_group(make_edition("zibo-leading", 2025), members=people("新", 5), by=office)
    assert services.supervision_group_confirm(group=group, by=office).confirmed_at is not None


def test_rotation_compares_with_latest_earlier_confirmed_group_only(office):
    old = people("老", 6)
    # 2023's group sat with the same people as 2025's; 2024's group sat with other people; a 2024 group of
    # Weihai and an unconfirmed 2022 group do not count.
    make_group(make_edition("zibo-leading", 2023), members=old, confirmed=True)
    make_group(make_edition("zibo-leading", 2024), members=people("中", 6), confirmed=True)
    make_group(make_edition("weihai-mayor", 2024), members=old, confirmed=True)
    group = make_group(make_edition("zibo-leading", 2025), members=old, by=office)
    assert services.supervision_group_confirm(group=group, by=office).confirmed_at is not None


def test_rotation_unconfirmed_previous_group_passed_over(office):
    old = people("老", 3)
    make_group(make_edition("zibo-leading", 2023), members=old, confirmed=True)
    make_group(make_edition("zibo-leading", 2024), members=people("中", 3))  # never confirmed
    group = make_group(make_edition("zibo-leading", 2025), members=old, by=office)
    assert _confirm_refused(group, office) == _refusal(3, 0, 1)


def test_same_person_by_account_even_when_employer_changed():
    account = UserFactory()
    a = SupervisionMember(full_name="赵律师", organisation_name="甲律师事务所", user=account)
    b = SupervisionMember(full_name="赵律师", organisation_name="乙律师事务所", user=account)
    assert same_person(a, b) is True


def test_same_person_by_name_and_organisation_normalised():
    a = SupervisionMember(full_name="赵 律师", organisation_name="ＡＢ律师事务所")
    b = SupervisionMember(full_name="赵律师", organisation_name="ab律师事务所", user=UserFactory())
    assert same_person(a, b) is True


def test_same_name_other_organisation_is_another_person():
    a = SupervisionMember(full_name="赵律师", organisation_name="甲律师事务所")
    b = SupervisionMember(full_name="赵律师", organisation_name="乙律师事务所")
    assert same_person(a, b) is False


def test_rotation_counts_member_linked_to_same_account_as_continuing(office):
    account = UserFactory()
    previous = [("赵律师", "甲律师事务所", account), ("钱记者", "淄博日报社")]
    current = [("赵律师", "乙律师事务所", account), ("孙代表", "市人大")]
    _previous, group = _two_editions(previous, current, office)
    # 赵律师 continues under another employer; 钱记者 was replaced: 1 of 2 replaced, 1 required.
    assert services.supervision_group_confirm(group=group, by=office).confirmed_at is not None


def test_confirm_empty_group_refused(office):
    group = make_group(make_edition("zibo-leading", 2025), members=[], by=office)
    assert _confirm_refused(group, office) == "Appoint the members first."


def test_confirm_twice_refused(office):
    group = make_group(make_edition("zibo-leading", 2025), members=people("新", 3), by=office)
    services.supervision_group_confirm(group=group, by=office)
    assert _confirm_refused(group, office) == "The group has already been confirmed."


def test_confirm_by_non_office_refused_and_audited(office):
    group = make_group(make_edition("zibo-leading", 2025), members=people("新", 3), by=office)
    outsider = UserFactory(roles=[Role.SUPERVISOR])
    with pytest.raises(PermissionDenied):
        services.supervision_group_confirm(group=group, by=outsider)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=outsider).count() == 1


def test_members_frozen_once_confirmed(office):
    group = make_group(make_edition("zibo-leading", 2025), members=people("新", 3), by=office)
    services.supervision_group_confirm(group=group, by=office)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.supervision_member_add(
            group=group, kind="lawyer", full_name="新人", organisation_name="某所", by=office
        )
    assert caught.value.messages == ["The group has been confirmed; its members can no longer change."]
    with pytest.raises(ValidationError):
        services.supervision_member_remove(member=group.members.first(), by=office)
    assert group.members.count() == 3
