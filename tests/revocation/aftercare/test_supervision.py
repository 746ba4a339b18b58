"""The supervision group's work (Zibo art. 12, art. 21): members' opinions the office answers, reports of
misconduct that can remove an expert from review work, and dissolution after the edition."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from reviews.enums import CreditRecordKind
from reviews.models import ExpertCreditRecord
from reviews.selectors import experts_assignable
from revocation.aftercare import services
from revocation.aftercare.enums import MemberKind, MisconductDecision, StaffKind
from tests.decisions import make_edition
from tests.factories import UserFactory
from tests.reviews.conftest import make_expert
from tests.revocation.conftest import cites

pytestmark = pytest.mark.django_db


@cites("Z12a-zibo-art12-one-group-per-edition")
def test_group_one_per_edition(office):
    edition = make_edition("zibo-leading", 2025)
    services.supervision_group_create(edition=edition, by=office)
    with pytest.raises(ValidationError):
        services.supervision_group_create(edition=edition, by=office)


def test_member_linked_to_account_gets_supervisor_role(office):
    group = services.supervision_group_create(edition=make_edition("zibo-leading", 2025), by=office)
    account = UserFactory()
    member = services.supervision_member_add(
        group=group, kind=MemberKind.DEPUTY, full_name="孙代表", organisation_name="市人大", user=account, by=office
    )
    account.refresh_from_db()
    assert account.has_role(Role.SUPERVISOR)
    assert (member.kind, member.user) == (MemberKind.DEPUTY, account)
    with pytest.raises(ValidationError):
        services.supervision_member_add(
            group=group,
            kind=MemberKind.OFFICIAL,
            full_name="孙代表",
            organisation_name="市政府",
            user=account,
            by=office,
        )


@cites("Z12a-zibo-art12-members-by-kind-unknown-refused")
def test_member_unknown_kind_refused(office):
    group = services.supervision_group_create(edition=make_edition("zibo-leading", 2025), by=office)
    with pytest.raises(ValidationError):
        services.supervision_member_add(group=group, kind="priest", full_name="x", organisation_name="y", by=office)


@cites("Z20-zibo-art20-group-reports-to-the-office-which-answers")
def test_member_files_opinion_and_office_answers_once(sitting_group, office):
    opinion = services.supervision_opinion_file(
        group=sitting_group["group"], text="建议公开现场评审打分细则。", by=sitting_group["account"]
    )
    assert opinion.member == sitting_group["member"]
    assert opinion.is_answered is False
    answered = services.supervision_opinion_answer(opinion=opinion, answer="已在官网公开。", by=office)
    assert (answered.answer, answered.answered_by, answered.is_answered) == ("已在官网公开。", office, True)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.supervision_opinion_answer(opinion=opinion, answer="再答", by=office)
    assert caught.value.messages == ["This opinion has already been answered."]
    opinion.refresh_from_db()
    assert opinion.answer == "已在官网公开。"


def test_non_member_opinion_refused_and_audited(sitting_group):
    stranger = UserFactory(roles=[Role.SUPERVISOR])
    with pytest.raises(PermissionDenied):
        services.supervision_opinion_file(group=sitting_group["group"], text="x", by=stranger)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=stranger).count() == 1


def test_member_answer_refused(sitting_group):
    opinion = services.supervision_opinion_file(group=sitting_group["group"], text="x", by=sitting_group["account"])
    with pytest.raises(PermissionDenied):
        services.supervision_opinion_answer(opinion=opinion, answer="自问自答", by=sitting_group["account"])


def test_unconfirmed_group_files_nothing(office):
    group = services.supervision_group_create(edition=make_edition("zibo-leading", 2025), by=office)
    account = UserFactory()
    services.supervision_member_add(
        group=group, kind=MemberKind.LAWYER, full_name="赵律师", organisation_name="律所", user=account, by=office
    )
    with pytest.raises(ValidationError):
        services.supervision_opinion_file(group=group, text="x", by=account)


@cites("Z12c-zibo-art12-dissolved-group-files-nothing")
def test_dissolved_group_files_nothing(sitting_group, office):
    group = services.supervision_group_dissolve(group=sitting_group["group"], on=timezone.localdate(), by=office)
    assert group.dissolved_on == timezone.localdate()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.supervision_opinion_file(group=group, text="x", by=sitting_group["account"])
    assert caught.value.messages == [
        "The group is not sitting: it files nothing before it is confirmed or once dissolved."
    ]
    with pytest.raises(ValidationError):
        services.misconduct_report_file(group=group, expert=make_expert(), text="x", by=sitting_group["account"])
    assert not group.opinions.exists()


@cites("Z12c-zibo-art12-dissolve-in-future-or-twice-refused")
def test_dissolve_in_future_or_twice_refused(sitting_group, office):
    with pytest.raises(ValidationError):
        services.supervision_group_dissolve(
            group=sitting_group["group"], on=timezone.localdate() + timedelta(days=1), by=office
        )
    services.supervision_group_dissolve(group=sitting_group["group"], on=timezone.localdate(), by=office)
    with pytest.raises(ValidationError):
        services.supervision_group_dissolve(group=sitting_group["group"], on=timezone.localdate(), by=office)


def test_office_answers_opinion_after_dissolution(sitting_group, office):
    opinion = services.supervision_opinion_file(group=sitting_group["group"], text="x", by=sitting_group["account"])
    services.supervision_group_dissolve(group=sitting_group["group"], on=timezone.localdate(), by=office)
    assert services.supervision_opinion_answer(opinion=opinion, answer="已处理", by=office).is_answered


@cites("Z21-zibo-art21-group-reports-expert-removed-with-referral")
def test_misconduct_removal_adds_credit_record_and_bars_expert_art_21(sitting_group, office):
    expert = make_expert("周专家")
    report = services.misconduct_report_file(
        group=sitting_group["group"], expert=expert, text="评审期间接受申报单位宴请。", by=sitting_group["account"]
    )
    decided = services.misconduct_report_decide(
        report=report,
        remove=True,
        note="查证属实，取消评审资格。",
        referred_to="淄博市某大学",
        referred_on=timezone.localdate(),
        by=office,
    )
    record = ExpertCreditRecord.objects.get(expert=expert)
    assert (decided.decision, decided.decided_by_body, decided.article) == (
        MisconductDecision.REMOVED,
        "选树监督小组",
        "第二十一条",
    )
    assert (decided.referred_to, decided.referred_on) == ("淄博市某大学", timezone.localdate())
    assert decided.credit_record == record
    assert (record.kind, record.article, record.note, record.recorded_by) == (
        CreditRecordKind.MISCONDUCT_REMOVAL,
        "第二十一条",
        "选树监督小组：查证属实，取消评审资格。",
        office,
    )
    expert.refresh_from_db()
    assert expert.available is False
    assert expert not in experts_assignable()


@pytest.mark.parametrize(
    ("staff_kind", "name", "organisation"),
    [
        pytest.param(StaffKind.AGENCY_STAFF, "郑评价员", "某第三方评价机构", id="Z21-zibo-art21-agency-staff-reported"),
        pytest.param(StaffKind.OFFICE_STAFF, "王科员", "市市场监管局", id="Z21-zibo-art21-office-staff-reported"),
    ],
)
def test_misconduct_of_any_selection_staff_reported_and_referred_art_21(
    sitting_group, office, staff_kind, name, organisation
):
    report = services.misconduct_report_file(
        group=sitting_group["group"],
        staff_kind=staff_kind,
        staff_name=name,
        staff_organisation=organisation,
        text="泄露评审信息。",
        by=sitting_group["account"],
    )
    assert (report.edition, report.person_name, report.expert) == (sitting_group["edition"], name, None)
    decided = services.misconduct_report_decide(
        report=report, remove=True, note="查证属实。", referred_to=organisation, by=office
    )
    assert (decided.decision, decided.decided_by_body, decided.article, decided.referred_to) == (
        MisconductDecision.REMOVED,
        "选树监督小组",
        "第二十一条",
        organisation,
    )
    assert decided.referred_on == timezone.localdate()
    assert not ExpertCreditRecord.objects.exists()


@cites("Z21-zibo-art21-removal-without-referral-refused")
def test_misconduct_removal_without_referral_refused(sitting_group, office):
    report = services.misconduct_report_file(
        group=sitting_group["group"], expert=make_expert(), text="x", by=sitting_group["account"]
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.misconduct_report_decide(report=report, remove=True, note="查证属实。", by=office)
    assert caught.value.messages == ["A removal is referred to the person's competent department or employer: name it."]
    report.refresh_from_db()
    assert report.decision == MisconductDecision.PENDING


@pytest.mark.parametrize(
    ("code", "body", "article"),
    [
        pytest.param("linyi-mayor", "评审委", "第二十六条", id="L26-linyi-art26-review-committee-removes"),
        pytest.param("weihai-mayor", "市强市办", "第二十五条", id="W25-weihai-art25-office-removes"),
    ],
)
def test_removal_recorded_as_the_decision_of_the_body_the_rulebook_names(office, code, body, article):
    edition = make_edition(code, 2025)
    expert = make_expert("冯专家")
    report = services.staff_removal_record(
        edition=edition,
        expert=expert,
        text="评审中徇私舞弊。",
        note="经查证属实，取消评审工作资格。",
        referred_to="某研究院",
        by=office,
    )
    assert (report.decision, report.decided_by_body, report.article, report.referred_to, report.group) == (
        MisconductDecision.REMOVED,
        body,
        article,
        "某研究院",
        None,
    )
    record = ExpertCreditRecord.objects.get(expert=expert)
    assert (record.kind, record.article, report.credit_record) == (CreditRecordKind.MISCONDUCT_REMOVAL, article, record)
    assert expert not in experts_assignable()


@cites("Z21-zibo-art21-office-may-not-remove-without-the-group")
def test_zibo_removal_goes_through_the_supervision_group(office):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.staff_removal_record(
            edition=make_edition("zibo-leading", 2025),
            staff_kind=StaffKind.AGENCY_STAFF,
            staff_name="郑评价员",
            text="x",
            note="y",
            referred_to="某机构",
            by=office,
        )
    assert caught.value.messages == [
        "Under 第二十一条 the 选树监督小组 reports misconduct and removes the person: file it through the group."
    ]


def test_misconduct_no_action_leaves_expert_alone(sitting_group, office):
    expert = make_expert("吴专家")
    report = services.misconduct_report_file(
        group=sitting_group["group"], expert=expert, text="疑似打分偏高。", by=sitting_group["account"]
    )
    decided = services.misconduct_report_decide(report=report, remove=False, note="经核查评分有据。", by=office)
    assert (decided.decision, decided.credit_record) == (MisconductDecision.NO_ACTION, None)
    assert not ExpertCreditRecord.objects.filter(expert=expert).exists()
    expert.refresh_from_db()
    assert expert.available is True
    with pytest.raises(ValidationError):
        services.misconduct_report_decide(report=report, remove=True, note="改判", by=office)


def test_misconduct_decided_by_member_refused(sitting_group):
    report = services.misconduct_report_file(
        group=sitting_group["group"], expert=make_expert(), text="x", by=sitting_group["account"]
    )
    with pytest.raises(PermissionDenied):
        services.misconduct_report_decide(report=report, remove=True, note="x", by=sitting_group["account"])
    assert not ExpertCreditRecord.objects.exists()
