"""The supervision group's rotation: at least one third of its members new each edition (Zibo art. 12)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from revocation.aftercare import services
from revocation.aftercare.models import SupervisionMember, SupervisionRule
from revocation.aftercare.rules import required_rotated, same_person
from tests.decisions import make_edition
from tests.factories import UserFactory

from .conftest import make_group, people

pytestmark = pytest.mark.django_db


def test_zibo_rulebook_rotation_rule_is_one_third_art_12():
    rule = SupervisionRule.objects.get(rulebook__scheme__code="zibo-leading")
    assert (rule.rotation_numerator, rule.rotation_denominator, rule.rotation_article, rule.misconduct_article) == (
        1,
        3,
        "第十二条",
        "第二十一条",
    )
    assert not SupervisionRule.objects.exclude(rulebook__scheme__code="zibo-leading").exists()


@pytest.mark.parametrize(
    ("total", "required"),
    [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (8, 3), (9, 3), (10, 4), (11, 4), (12, 4)],
    ids=lambda v: str(v),
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


def test_confirm_nine_members_three_rotated_passes_art_12(office):
    old = people("老", 9)
    _previous, group = _two_editions(old, old[:6] + people("新", 3), office)
    confirmed = services.supervision_group_confirm(group=group, by=office)
    assert confirmed.confirmed_at is not None
    assert confirmed.confirmed_by == office
    audit = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(group.pk)).get()
    assert audit.detail == "confirmed: 3 of 9 rotated, 3 required"


def test_confirm_nine_members_two_rotated_refused_with_counts_art_12(office):
    old = people("老", 9)
    _previous, group = _two_editions(old, old[:7] + people("新", 2), office)
    assert _confirm_refused(group, office) == (
        "2 of 9 members rotated from the previous edition's group, at least 3 required."
    )
    group.refresh_from_db()
    assert group.confirmed_at is None


@pytest.mark.parametrize(("rotated", "ok"), [(3, False), (4, True)])
def test_confirm_ten_members_needs_four_rotated_ceil_art_12(office, rotated, ok):
    old = people("老", 10)
    _previous, group = _two_editions(old, old[: 10 - rotated] + people("新", rotated), office)
    if ok:
        assert services.supervision_group_confirm(group=group, by=office).confirmed_at is not None
    else:
        assert _confirm_refused(group, office) == (
            "3 of 10 members rotated from the previous edition's group, at least 4 required."
        )


@pytest.mark.parametrize(("total", "rotated", "ok"), [(7, 2, False), (7, 3, True), (5, 1, False), (5, 2, True)])
def test_confirm_sizes_not_divisible_by_three_round_up_art_12(office, total, rotated, ok):
    old = people("老", total)
    _previous, group = _two_editions(old, old[: total - rotated] + people("新", rotated), office)
    if ok:
        services.supervision_group_confirm(group=group, by=office)
    else:
        message = _confirm_refused(group, office)
        assert message.startswith(f"{rotated} of {total} members rotated")


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
    assert _confirm_refused(group, office).startswith("0 of 3 members rotated")


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
    # 赵律师 continues under another employer; 孙代表 is new: 1 of 2 rotated, 1 required.
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
