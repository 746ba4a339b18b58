"""The decision chain of each scheme, in its rulebook's order, from the proposed candidate list to the announcement."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications.enums import ApplicationState
from applications.models import Application, ApplicationTransition
from awards.enums import Tier
from decisions import notice as notice_services
from decisions.certificates import verification_status
from decisions.models import Certificate, DecisionStep, StepOutcome
from decisions.services import (
    CandidateDecision,
    announcement_record,
    application_approve,
    application_not_approved,
    approval_record,
    decision_step_record,
)
from tests.applications.conftest import pdf_bytes
from tests.concurrency import run_together
from tests.decisions.scenes import chain_scene, office_user, publish_on_channels, stage_of
from tests.factories import UserFactory
from tests.reviews.committees import acting_committee

S = ApplicationState
pytestmark = pytest.mark.django_db

PUBLISHED = date(2026, 9, 28)  # a Monday; 1-7 October are off and the 10th is a make-up working day
DAY = date(2026, 9, 25)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The chain runs in late September 2026: the notice of 5 working days from the 28th ends on 10 October."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: PUBLISHED)


@pytest.fixture
def office(db):
    return office_user()


def document(name="批复.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def states(applications):
    return [Application.objects.get(pk=a.pk).state for a in applications]


def run_notice(edition, office):
    notice = notice_services.notice_open(
        edition=edition, by=office, starts_on=PUBLISHED, how_to_object="来信来电：0631-5200000"
    )
    publish_on_channels(notice, office)
    moved = notice_services.notice_sweep(now=notice.ends_at)
    return notice, moved


def approve_all(edition, office, kind="government_approval"):
    approval_record(
        edition=edition,
        stage=stage_of(edition, kind),
        by=office,
        held_on=PUBLISHED,
        document_number="威政字〔2026〕30号",
        document=document(),
    )
    for application in Application.objects.filter(edition=edition, state=S.CANDIDATE):
        application_approve(application=application, by=office)


# --- each scheme's order ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("Z17", id="Z17-zibo-art17-supervision-opinions-then-leading-group-fixes-list"),
        pytest.param("Z18", id="Z18-zibo-art18-notice-5-working-days-2026-09-28-to-10-10"),
        pytest.param("Z19", id="Z19-zibo-art19-city-government-approves-and-announces"),
    ],
)
def test_chain_zibo_order_supervision_list_leading_group_notice_approval_announcement(row, office):
    """Zibo art. 17-19: supervision group's opinions → candidate list → leading group → notice → government."""
    edition, applications = chain_scene("zibo-leading")
    assert [s.kind for s in [applications[0].current_stage]] == ["supervision_opinions"]

    for kind in ["supervision_opinions", "candidate_list", "leading_group"]:
        decision_step_record(
            edition=edition, stage=stage_of(edition, kind), by=office, held_on=DAY, minutes="意见已研究"
        )
    assert {a.current_stage.kind for a in Application.objects.filter(edition=edition)} == {"public_notice"}
    notice, moved = run_notice(edition, office)
    assert (notice.ends_on, moved) == (date(2026, 10, 10), 3)
    approve_all(edition, office)
    announcement_record(
        edition=edition,
        stage=stage_of(edition, "announcement"),
        by=office,
        held_on=PUBLISHED,
        document_number="淄政字〔2026〕1号",
    )

    assert states(applications) == [S.AWARDED] * 3
    assert list(Application.objects.filter(edition=edition).values_list("awarded_on", flat=True)) == [PUBLISHED] * 3
    assert [s.stage.kind for s in DecisionStep.objects.filter(edition=edition)] == [
        "supervision_opinions",
        "candidate_list",
        "leading_group",
        "government_approval",
        "announcement",
    ]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("W15b", id="W15b-weihai-art15-notice-before-the-leading-group"),
    ],
)
def test_chain_weihai_notice_comes_before_the_leading_group(row, office):
    """Weihai art. 15: the candidate list is published for 5 working days first, then the leading group decides."""
    edition, applications = chain_scene("weihai-mayor")
    decision_step_record(edition=edition, stage=stage_of(edition, "candidate_list"), by=office, held_on=DAY)

    with translation.override("en"), pytest.raises(ValidationError, match="earlier step, “Public notice”"):
        decision_step_record(
            edition=edition, stage=stage_of(edition, "leading_group"), by=office, held_on=DAY, minutes="会议纪要"
        )
    run_notice(edition, office)
    decision_step_record(
        edition=edition, stage=stage_of(edition, "leading_group"), by=office, held_on=PUBLISHED, minutes="会议纪要"
    )
    approve_all(edition, office)

    assert states(applications) == [S.APPROVED] * 3


@pytest.mark.parametrize(
    "code, first, later",
    [
        pytest.param("zibo-leading", "supervision_opinions", "leading_group", id="zibo-art17-order"),
        pytest.param("linyi-mayor", "candidate_list", "review_committee", id="L16b-linyi-art16-plenary-after-the-list"),
        pytest.param("national-benchmark", "candidate_list", "ministry_consultation", id="national-art20-order"),
    ],
)
def test_chain_later_step_refused_while_candidates_wait_at_an_earlier_one(office, code, first, later):
    edition, applications = chain_scene(code)

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        decision_step_record(
            edition=edition,
            stage=stage_of(edition, later),
            by=office,
            held_on=DAY,
            minutes="纪要",
            members_total=9,
            members_present=9,
        )

    with translation.override("en"):
        earlier = str(stage_of(edition, first).get_kind_display())
    assert f"earlier step, “{earlier}”" in raised.value.messages[0]
    assert not DecisionStep.objects.exists()
    assert states(applications) == [S.CANDIDATE] * 3


def test_chain_notice_refused_before_the_leading_group_in_zibo(office):
    edition, _applications = chain_scene("zibo-leading")

    with translation.override("en"), pytest.raises(ValidationError, match="No candidate is waiting for the public"):
        notice_services.notice_open(edition=edition, by=office, starts_on=PUBLISHED, how_to_object="电话")


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("N20c", id="N20c-national-art20-ministry-consultation"),
        pytest.param("N21a", id="N21a-national-art21-notice-10-working-days"),
        pytest.param("N22", id="N22-national-art22-association-approves"),
    ],
)
def test_chain_national_ministry_consultation_then_ten_working_day_notice(row, office):
    """National art. 20-22: the recommended list goes to the ministry, then 10 working days of notice."""
    edition, applications = chain_scene("national-benchmark", units=2, individuals=0)
    decision_step_record(edition=edition, stage=stage_of(edition, "candidate_list"), by=office, held_on=DAY)
    decision_step_record(
        edition=edition,
        stage=stage_of(edition, "ministry_consultation"),
        by=office,
        held_on=DAY,
        document_number="工信部质函〔2026〕5号",
        document=document("部里意见.pdf"),
    )
    notice, moved = run_notice(edition, office)
    approve_all(edition, office, kind="organiser_approval")

    assert (notice.working_days, notice.ends_on, moved) == (10, date(2026, 10, 16), 2)
    assert states(applications) == [S.APPROVED] * 2


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("S3e", id="S3e-shandong-1-3-4-online-notice-then-approval"),
    ],
)
def test_chain_shandong_goes_straight_to_the_notice(row, office):
    edition, applications = chain_scene("shandong-benchmark", units=2, individuals=0)

    notice, moved = run_notice(edition, office)
    approve_all(edition, office, kind="organiser_approval")

    assert moved == 2
    assert states(applications) == [S.APPROVED] * 2


# --- the steps' own rules --------------------------------------------------------------------------------------


def test_candidate_list_step_drops_lines_outside_the_quotas(office):
    edition, applications = chain_scene("weihai-mayor", tiers=[Tier.AWARD, "", Tier.AWARD])

    with translation.override("en"):
        decision_step_record(edition=edition, stage=stage_of(edition, "candidate_list"), by=office, held_on=DAY)

    assert states(applications) == [S.CANDIDATE, S.NOT_SELECTED, S.CANDIDATE]
    dropped = StepOutcome.objects.get(application=applications[1])
    assert (dropped.kept, dropped.reason) == (False, "Ranked outside the quotas of the scheme.")


def linyi_at_plenary(office):
    edition, applications = chain_scene("linyi-mayor")
    acting_committee(edition, size=9)  # Linyi art. 7(四), 9: the plenary is held by the approved committee
    decision_step_record(edition=edition, stage=stage_of(edition, "candidate_list"), by=office, held_on=DAY)
    return edition, applications


@pytest.mark.parametrize(
    "present, ok",
    [
        pytest.param(6, True, id="L16b-linyi-art16-quorum-6-of-9-decides"),
        pytest.param(5, False, id="L16b-linyi-art16-quorum-5-of-9-refused"),
    ],
)
def test_plenary_quorum_two_thirds_of_nine(office, present, ok):
    """Linyi art. 16: the plenary decides; the texts give no quorum, the rulebook's data says two thirds (6 of 9)."""
    edition, applications = linyi_at_plenary(office)
    votes = {a.pk: CandidateDecision(votes_for=present, votes_against=0, votes_abstain=0) for a in applications}

    def record():
        return decision_step_record(
            edition=edition,
            stage=stage_of(edition, "review_committee"),
            by=office,
            held_on=DAY,
            minutes="全体会议",
            members_total=9,
            members_present=present,
            decisions=votes,
        )

    if ok:
        step = record()
        assert (step.members_total, step.members_present) == (9, 6)
        assert states(applications) == [S.CANDIDATE] * 3
    else:
        with translation.override("en"), pytest.raises(ValidationError, match=r"No quorum: 5 of 9 members present"):
            record()
        assert not DecisionStep.objects.filter(stage__kind="review_committee").exists()


def test_plenary_majority_more_than_half_of_those_present(office):
    edition, applications = linyi_at_plenary(office)
    votes = {
        applications[0].pk: CandidateDecision(votes_for=4, votes_against=3, votes_abstain=0),  # 4 of 7: carried
        applications[1].pk: CandidateDecision(votes_for=3, votes_against=3, votes_abstain=1),  # 3 of 7: not
        applications[2].pk: CandidateDecision(votes_for=7, votes_against=0, votes_abstain=0),
    }

    decision_step_record(
        edition=edition,
        stage=stage_of(edition, "review_committee"),
        by=office,
        held_on=DAY,
        minutes="全体会议",
        members_total=9,
        members_present=7,
        decisions=votes,
    )

    assert states(applications) == [S.CANDIDATE, S.NOT_SELECTED, S.CANDIDATE]
    outcome = StepOutcome.objects.get(application=applications[1], step__stage__kind="review_committee")
    assert (outcome.kept, outcome.votes_for, outcome.votes_against, outcome.votes_abstain) == (False, 3, 3, 1)


@pytest.mark.parametrize(
    "votes, message",
    [
        ((None, 0, 0), "Give the votes"),
        ((5, 2, 1), "add up to more than the 7 members present"),
    ],
)
def test_plenary_bad_votes_refused(office, votes, message):
    edition, applications = linyi_at_plenary(office)
    decisions = {a.pk: CandidateDecision(votes_for=7, votes_against=0, votes_abstain=0) for a in applications}
    decisions[applications[0].pk] = CandidateDecision(*(True, ""), *votes)

    with translation.override("en"), pytest.raises(ValidationError, match=message):
        decision_step_record(
            edition=edition,
            stage=stage_of(edition, "review_committee"),
            by=office,
            held_on=DAY,
            minutes="纪要",
            members_total=9,
            members_present=7,
            decisions=decisions,
        )
    assert states(applications) == [S.CANDIDATE] * 3


def test_leading_group_drops_a_candidate_only_with_a_reason(office):
    edition, applications = chain_scene("zibo-leading")
    for kind in ["supervision_opinions", "candidate_list"]:
        decision_step_record(edition=edition, stage=stage_of(edition, kind), by=office, held_on=DAY, minutes="意见")
    leading = stage_of(edition, "leading_group")

    with translation.override("en"), pytest.raises(ValidationError, match="Give the reason"):
        decision_step_record(
            edition=edition,
            stage=leading,
            by=office,
            held_on=DAY,
            minutes="纪要",
            decisions={applications[0].pk: CandidateDecision(kept=False)},
        )
    decision_step_record(
        edition=edition,
        stage=leading,
        by=office,
        held_on=DAY,
        minutes="纪要",
        decisions={applications[0].pk: CandidateDecision(kept=False, reason="环保处罚未结案")},
    )

    assert states(applications) == [S.NOT_SELECTED, S.CANDIDATE, S.CANDIDATE]
    assert ApplicationTransition.objects.get(application=applications[0], to_state=S.NOT_SELECTED).comment.endswith(
        "环保处罚未结案"
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"held_on": date(2026, 9, 29)}, "cannot be in the future"),
        ({"minutes": ""}, "Write the minutes"),
    ],
)
def test_step_bad_inputs_refused(office, fields, message):
    edition, applications = chain_scene("zibo-leading")
    arguments = {"held_on": DAY, "minutes": "意见"} | fields

    with translation.override("en"), pytest.raises(ValidationError, match=message):
        decision_step_record(edition=edition, stage=stage_of(edition, "supervision_opinions"), by=office, **arguments)
    assert states(applications) == [S.CANDIDATE] * 3


def test_step_recorded_twice_refused(office):
    edition, _applications = chain_scene("weihai-mayor")
    stage = stage_of(edition, "candidate_list")
    decision_step_record(edition=edition, stage=stage, by=office, held_on=DAY)

    with translation.override("en"), pytest.raises(ValidationError, match="already been recorded"):
        decision_step_record(edition=edition, stage=stage, by=office, held_on=DAY)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.DISTRICT_COORDINATOR, Role.AUDITOR])
def test_step_refused_to_anyone_but_the_office_and_audited(role):
    edition, applications = chain_scene("weihai-mayor")
    outsider = UserFactory(roles=[role])

    with pytest.raises(PermissionDenied):
        decision_step_record(edition=edition, stage=stage_of(edition, "candidate_list"), by=outsider, held_on=DAY)

    assert AuditEvent.objects.filter(actor=outsider, result=AuditResult.REFUSED).count() == 1
    assert states(applications) == [S.CANDIDATE] * 3


# --- approval and announcement ---------------------------------------------------------------------------------


def weihai_at_approval(office, **scene):
    edition, applications = chain_scene("weihai-mayor", at="government_approval", **scene)
    approval_record(
        edition=edition,
        stage=stage_of(edition, "government_approval"),
        by=office,
        held_on=PUBLISHED,
        document_number="威政字〔2026〕30号",
        document=document(),
    )
    return edition, applications


def test_approval_needs_document_number_and_file(office):
    edition, _applications = chain_scene("weihai-mayor", at="government_approval")
    stage = stage_of(edition, "government_approval")

    with translation.override("en"), pytest.raises(ValidationError, match="文号"):
        approval_record(edition=edition, stage=stage, by=office, held_on=DAY, document_number=" ", document=document())
    with translation.override("en"), pytest.raises(ValidationError, match="Upload the approval document"):
        approval_record(
            edition=edition, stage=stage, by=office, held_on=DAY, document_number="威政字1号", document=None
        )


def test_approve_before_the_document_is_recorded_refused(office):
    _edition, applications = chain_scene("weihai-mayor", at="government_approval")

    with translation.override("en"), pytest.raises(ValidationError, match="Record the approval document first"):
        application_approve(application=applications[0], by=office)


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("W16", id="W16-weihai-art16-certificate-valid-after-government-document"),
    ],
)
def test_approve_issues_the_certificate_which_verifies_only_after_the_announcement(
    row, office, django_capture_on_commit_callbacks
):
    edition, applications = weihai_at_approval(office, units=1, individuals=0)

    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=applications[0], by=office)
    certificate = Certificate.objects.get(application=applications[0])
    assert certificate.rendered_at is not None  # rendered by the task queued on approval (eager in tests)
    assert certificate.issued_on == PUBLISHED
    assert verification_status(certificate.token)[0] == "unknown"

    announcement_record(
        edition=edition,
        stage=stage_of(edition, "announcement"),
        by=office,
        held_on=PUBLISHED,
        document_number="威政发〔2026〕31号",
    )
    assert verification_status(certificate.token)[0] == "valid"


@pytest.mark.parametrize(
    "code, category_index, quota_text",
    [
        pytest.param("weihai-mayor", 0, "at most 5 (第六条第一款)", id="weihai-art6-unit-quota-5"),  # 5 units
        pytest.param("zibo-leading", 0, "at most 5 (第四条)", id="Z4c-zibo-art4-unit-quota-5"),
    ],
)
def test_approve_beyond_the_unit_quota_refused(office, code, category_index, quota_text):
    edition, applications = chain_scene(code, units=6, individuals=0, at="government_approval")
    approval_record(
        edition=edition,
        stage=stage_of(edition, "government_approval"),
        by=office,
        held_on=PUBLISHED,
        document_number="政字1号",
        document=document(),
    )
    for application in applications[:5]:
        application_approve(application=application, by=office)

    with (
        translation.override("en"),
        pytest.raises(ValidationError, match=quota_text.replace("(", r"\(").replace(")", r"\)")),
    ):
        application_approve(application=applications[5], by=office)
    assert states(applications) == [S.APPROVED] * 5 + [S.CANDIDATE]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("Z4b", id="Z4b-zibo-art4-total-of-8"),
        pytest.param("Z4d", id="Z4d-zibo-art4-fourth-individual-refused"),
    ],
)
def test_approve_zibo_total_of_eight(row, office):
    """Zibo art. 4: at most 8 in total, 5 units and 3 individuals; a 4th individual is refused by its own quota."""
    edition, applications = chain_scene("zibo-leading", units=5, individuals=4, at="government_approval")
    approval_record(
        edition=edition,
        stage=stage_of(edition, "government_approval"),
        by=office,
        held_on=PUBLISHED,
        document_number="淄政字1号",
        document=document(),
    )
    for application in applications[:8]:
        application_approve(application=application, by=office)

    with translation.override("en"), pytest.raises(ValidationError, match="quota is full"):
        application_approve(application=applications[8], by=office)
    assert Application.objects.filter(edition=edition, state=S.APPROVED).count() == 8


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("L2c", id="L2c-linyi-art2-3-nomination-tier-5"),
        pytest.param("L18", id="L18-linyi-art18-government-approval"),
    ],
)
def test_approve_linyi_nomination_tier_has_its_own_quota(row, office):
    """Linyi art. 2: up to 5 units win the award and up to 5 more the nomination award."""
    tiers = [Tier.AWARD] * 5 + [Tier.NOMINATION] * 6
    edition, applications = chain_scene("linyi-mayor", units=11, individuals=0, tiers=tiers, at="government_approval")
    approval_record(
        edition=edition,
        stage=stage_of(edition, "government_approval"),
        by=office,
        held_on=PUBLISHED,
        document_number="临政字1号",
        document=document(),
    )
    for application in applications[:10]:
        application_approve(application=application, by=office)

    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="Nomination award, at most 5 \\(第二条第三款\\)"),
    ):
        application_approve(application=applications[10], by=office)


def test_not_approved_needs_a_reason_and_leaves_the_list(office):
    _edition, applications = weihai_at_approval(office, units=1, individuals=0)

    with translation.override("en"), pytest.raises(ValidationError, match="Write the reason"):
        application_not_approved(application=applications[0], reason="", by=office)
    application_not_approved(application=applications[0], reason="市政府未同意", by=office)

    assert states(applications) == [S.NOT_SELECTED]
    assert not Certificate.objects.exists()


def test_announcement_refused_while_candidates_wait_for_approval(office):
    edition, applications = weihai_at_approval(office, units=2, individuals=0)
    application_approve(application=applications[0], by=office)

    with translation.override("en"), pytest.raises(ValidationError, match="earlier step"):
        announcement_record(
            edition=edition,
            stage=stage_of(edition, "announcement"),
            by=office,
            held_on=PUBLISHED,
            document_number="威政发1号",
        )


def test_approval_audited_with_state_change_rows(office):
    _edition, applications = weihai_at_approval(office, units=1, individuals=0)

    application_approve(application=applications[0], by=office)

    assert (
        AuditEvent.objects.filter(
            action=AuditAction.STATE_CHANGE,
            object_id=str(applications[0].pk),
            detail__startswith="candidate → approved",
        ).count()
        == 1
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_approve_race_for_the_last_place_approves_one(office):
    """Two office staff approve the 5th and the 6th unit of Weihai at the same moment: one wins the last place."""
    edition, applications = chain_scene("weihai-mayor", units=6, individuals=0, at="government_approval")
    approval_record(
        edition=edition,
        stage=stage_of(edition, "government_approval"),
        by=office,
        held_on=PUBLISHED,
        document_number="威政字〔2026〕30号",
        document=document(),
    )
    for application in applications[:4]:
        application_approve(application=application, by=office)
    colleague = office_user()

    errors = _errors_of(
        [
            lambda: application_approve(application=applications[4], by=office),
            lambda: application_approve(application=applications[5], by=colleague),
        ]
    )

    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert Application.objects.filter(edition=edition, state=S.APPROVED).count() == 5
    assert Certificate.objects.filter(application__edition=edition).count() == 5


def _errors_of(functions):
    return run_together(functions)[0]
