"""Assigning experts at a review stage (issue 4, item 5), declarations and overrides (item 4), reminders.

The scenario: a Weihai edition whose applications went through the lifecycle up to the material review, and an
expert pool registered by the office.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications import services as application_services
from applications.models import UnitProfile
from awards.enums import StageKind
from reviews import assigning
from reviews.enums import AssignmentMethod, ConflictDecision, CreditRecordKind, TieKind
from reviews.models import Assignment, ConflictDeclaration, EditionStage
from reviews.services import expert_credit_record_add, expert_register, expert_tie_declare
from tests.applications.conftest import make_coordinator, make_edition, make_unit_applicant, pdf_bytes
from tests.applications.test_services import submitted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
VIEW = "applications.view_application"


def pdf_upload(name: str = "自评报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English; mails render in the portal's default language regardless."""
    with translation.override("en"):
        yield


@pytest.fixture
def office():
    return UserFactory(roles=[Role.OFFICE_STAFF])


@pytest.fixture
def edition():
    return make_edition()


@pytest.fixture
def coordinator():
    return make_coordinator()


def in_material_review(edition, *, coordinator, office, industry="装备制造"):
    """An application taken through the lifecycle to the material review (two unscored stages passed)."""
    applicant = make_unit_applicant()
    UnitProfile.objects.filter(organisation=applicant.organisation).update(industry=industry)
    application = submitted(applicant, edition, pdf_upload)
    application_services.application_recommend(application=application, by=coordinator, opinion="同意")
    application = application_services.application_start_review(application=application, by=office)
    while application.current_stage.kind != StageKind.MATERIAL_REVIEW:
        application = application_services.application_pass_stage(
            application=application, by=office, stage=application.current_stage
        )
    return application


def material_stage(edition, *, k=2, due_in=14):
    today = timezone.localdate()
    return EditionStage.objects.create(
        edition=edition,
        stage=edition.rulebook.stages.get(kind=StageKind.MATERIAL_REVIEW),
        opens=today,
        sheets_due=today + timedelta(days=due_in),
        experts_per_application=k,
    )


def register(office, name, *, employer=None, industries=(), fields=(), max_load=2):
    return expert_register(
        user=UserFactory(),
        full_name=name,
        employer=employer,
        employer_name=employer.name if employer else "山东某大学",
        industries=industries,
        fields=fields,
        max_load=max_load,
        by=office,
    )


@pytest.fixture
def scene(edition, coordinator, office):
    """Three applications, three free experts with two places each, and one expert employed by the first
    applicant (conflicted for it)."""
    applications = [in_material_review(edition, coordinator=coordinator, office=office) for _ in range(3)]
    experts = [register(office, f"专家{i}", industries=["装备制造"]) for i in range(3)]
    insider = register(office, "内部专家", employer=applications[0].organisation, industries=["装备制造"])
    stage = material_stage(edition, k=2)
    mail.outbox.clear()
    return {"applications": applications, "experts": experts, "insider": insider, "stage": stage}


def live_pairs(stage):
    return sorted(
        Assignment.objects.filter(edition_stage=stage, withdrawn_at__isnull=True).values_list(
            "application_id", "expert_id"
        )
    )


# --- the optimal assignment ---------------------------------------------------------------------------------


def test_assign_optimal_gives_each_application_k_experts_without_conflict(
    scene, office, django_capture_on_commit_callbacks
):
    stage, insider = scene["stage"], scene["insider"]
    with django_capture_on_commit_callbacks(execute=True):
        rows = assigning.assign_optimal(edition_stage=stage, by=office)

    assert len(rows) == 6
    per_application = Counter(application_id for application_id, _ in live_pairs(stage))
    assert per_application == {application.pk: 2 for application in scene["applications"]}
    assert (scene["applications"][0].pk, insider.pk) not in live_pairs(stage)
    per_expert = Counter(expert_id for _, expert_id in live_pairs(stage))
    assert all(count <= 2 for count in per_expert.values())
    assert {row.method for row in rows} == {AssignmentMethod.OPTIMAL}
    assert {row.draw_seed for row in rows} == {None}
    for row in rows:
        assert row.expert.user.has_perm(VIEW, row.application)
    assert not insider.user.has_perm(VIEW, scene["applications"][0])

    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reviews.EditionStage")
    assert event.detail == "optimal: 6 assignments, total affinity 60"
    # One mail per expert, listing their applications' numbers and the due date.
    assert sorted(m.to[0] for m in mail.outbox) == sorted({row.expert.user.email for row in rows})
    for message in mail.outbox:
        expert_rows = [row for row in rows if row.expert.user.email == message.to[0]]
        for row in expert_rows:
            assert row.application.number in message.body
        assert stage.sheets_due.strftime("%Y-%m-%d") in message.body


def test_assign_optimal_reaches_the_hand_computed_optimum(edition, coordinator, office):
    machines = in_material_review(edition, coordinator=coordinator, office=office, industry="装备制造")
    food = in_material_review(edition, coordinator=coordinator, office=office, industry="食品加工")
    both = register(office, "甲", industries=["装备制造", "食品加工"], max_load=1)  # 10 for either
    food_expert = register(office, "乙", industries=["食品加工"], fields=["食品"], max_load=1)  # 12 for food
    register(office, "丙", fields=["制造"], max_load=1)  # 2 for machines
    stage = material_stage(edition, k=1)

    assigning.assign_optimal(edition_stage=stage, by=office)

    # 甲 → machines (10) and 乙 → food (12) = 22; 甲 → food leaves machines to 丙: 10 + 2 = 12.
    assert live_pairs(stage) == sorted([(machines.pk, both.pk), (food.pk, food_expert.pk)])
    assert AuditEvent.objects.get(object_type="reviews.EditionStage").detail.endswith("total affinity 22")


def test_assign_optimal_counts_live_assignments_of_the_edition_against_the_load(scene, edition, office):
    first = scene["experts"][0]
    onsite = EditionStage.objects.create(
        edition=edition,
        stage=edition.rulebook.stages.get(kind=StageKind.ONSITE_REVIEW),
        opens=scene["stage"].opens,
        sheets_due=scene["stage"].sheets_due,
    )
    Assignment.objects.create(
        edition_stage=onsite, application=scene["applications"][1], expert=first, method="manual", assigned_by=office
    )

    assigning.assign_optimal(edition_stage=scene["stage"], by=office)

    assert Assignment.objects.filter(edition_stage=scene["stage"], expert=first).count() == 1


def test_assign_optimal_second_run_refused(scene, office):
    assigning.assign_optimal(edition_stage=scene["stage"], by=office)
    with pytest.raises(ValidationError, match="already assigned at this stage"):
        assigning.assign_optimal(edition_stage=scene["stage"], by=office)
    assert Assignment.objects.filter(edition_stage=scene["stage"]).count() == 6


def test_assign_optimal_infeasible_refused_with_the_shortfall(scene, office):
    stage = scene["stage"]
    stage.experts_per_application = 5
    stage.save()
    with pytest.raises(ValidationError) as caught:
        assigning.assign_optimal(edition_stage=stage, by=office)
    message = caught.value.messages[0]
    numbers = [application.number for application in scene["applications"]]
    assert all(number in message for number in numbers)
    assert "cannot get 5 experts each" in message
    assert not Assignment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reviews.EditionStage").exists()


def test_assign_optimal_wrong_role_refused_and_audited(scene, coordinator):
    expert_user = scene["experts"][0].user
    for user in (coordinator, expert_user):
        with pytest.raises(PermissionDenied):
            assigning.assign_optimal(edition_stage=scene["stage"], by=user)
        assert AuditEvent.objects.filter(
            actor=user, action=AuditAction.PERMISSION_REFUSED, result=AuditResult.REFUSED
        ).exists()
    with pytest.raises(PermissionDenied):
        assigning.assign_random(edition_stage=scene["stage"], seed=1, by=coordinator)
    assert not Assignment.objects.exists()


# --- the random draw ----------------------------------------------------------------------------------------


def test_assign_random_is_reproducible_and_keeps_the_seed(scene, office):
    stage = scene["stage"]
    rows = assigning.assign_random(edition_stage=stage, seed=20260615, by=office)
    first = live_pairs(stage)
    assert {row.draw_seed for row in rows} == {20260615}
    assert {row.method for row in rows} == {AssignmentMethod.RANDOM}
    assert "seed 20260615" in AuditEvent.objects.get(object_type="reviews.EditionStage").detail

    Assignment.objects.all().delete()
    assigning.assign_random(edition_stage=stage, seed=20260615, by=office)
    assert live_pairs(stage) == first
    assert (scene["applications"][0].pk, scene["insider"].pk) not in first


def test_assign_random_without_seed_draws_and_stores_one(scene, office):
    rows = assigning.assign_random(edition_stage=scene["stage"], seed=None, by=office)
    seeds = {row.draw_seed for row in rows}
    assert len(seeds) == 1
    (seed,) = seeds
    assert seed is not None and 0 <= seed < 2**31
    assert f"seed {seed}" in AuditEvent.objects.get(object_type="reviews.EditionStage").detail


# --- manual changes -----------------------------------------------------------------------------------------


def test_assignment_replace_moves_the_assignment_and_the_permission(scene, office, django_capture_on_commit_callbacks):
    assigning.assign_optimal(edition_stage=scene["stage"], by=office)
    old = Assignment.objects.filter(application=scene["applications"][0]).first()
    spare = register(office, "替补专家", max_load=5)
    mail.outbox.clear()

    with pytest.raises(ValidationError, match="Write why"):
        assigning.assignment_replace(assignment=old, expert=spare, reason=" ", by=office)
    with django_capture_on_commit_callbacks(execute=True):
        new = assigning.assignment_replace(assignment=old, expert=spare, reason="专家出差", by=office)

    old.refresh_from_db()
    assert old.withdrawn_at is not None and old.withdrawn_reason == "专家出差"
    assert new.method == AssignmentMethod.MANUAL and new.expert == spare and new.application == old.application
    assert Assignment.objects.filter(pk=old.pk).exists()  # kept
    assert spare.user.has_perm(VIEW, old.application)
    assert not type(old.expert.user).objects.get(pk=old.expert.user_id).has_perm(VIEW, old.application)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([spare.user.email, old.expert.user.email])
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="reviews.Assignment").count() == 1


def test_assignment_replace_refuses_conflicted_barred_or_already_assigned(scene, office):
    assigning.assign_optimal(edition_stage=scene["stage"], by=office)
    first_application = scene["applications"][0]
    old = Assignment.objects.filter(application=first_application).first()
    other = Assignment.objects.filter(application=first_application).exclude(pk=old.pk).get()

    with pytest.raises(ValidationError, match="conflict of interest"):
        assigning.assignment_replace(assignment=old, expert=scene["insider"], reason="换人", by=office)
    barred = register(office, "失信专家", max_load=5)
    expert_credit_record_add(expert=barred, kind=CreditRecordKind.MISCONDUCT_REMOVAL, note="泄露评审信息", by=office)
    with pytest.raises(ValidationError, match="cannot be assigned"):
        assigning.assignment_replace(assignment=old, expert=barred, reason="换人", by=office)
    with pytest.raises(ValidationError, match="already assigned"):
        assigning.assignment_replace(assignment=old, expert=other.expert, reason="换人", by=office)
    with pytest.raises(PermissionDenied):
        assigning.assignment_replace(assignment=old, expert=barred, reason="换人", by=other.expert.user)
    old.refresh_from_db()
    assert old.withdrawn_at is None


def test_assignment_replace_refuses_an_expert_at_their_load_limit(scene, office):
    assigning.assign_optimal(edition_stage=scene["stage"], by=office)
    old = Assignment.objects.filter(application=scene["applications"][1]).first()
    full = next(
        expert
        for expert in scene["experts"]
        if Assignment.objects.filter(expert=expert).count() == 2
        and not Assignment.objects.filter(expert=expert, application=old.application).exists()
    )
    with pytest.raises(ValidationError, match="their limit"):
        assigning.assignment_replace(assignment=old, expert=full, reason="换人", by=office)


# --- declarations -------------------------------------------------------------------------------------------


def test_conflict_declare_once_and_opens_the_application(scene, office):
    assigning.assign_optimal(edition_stage=scene["stage"], by=office)
    row = Assignment.objects.select_related("expert__user", "application").first()
    user = row.expert.user
    assert not assigning.expert_may_open(user=user, application=row.application)

    with pytest.raises(PermissionDenied):
        assigning.conflict_declare(assignment=row, decision=ConflictDecision.NO_CONFLICT, by=office)
    assert AuditEvent.objects.filter(actor=office, action=AuditAction.PERMISSION_REFUSED).exists()

    assigning.conflict_declare(assignment=row, decision=ConflictDecision.NO_CONFLICT, by=user)
    assert assigning.expert_may_open(user=user, application=row.application)
    with pytest.raises(ValidationError, match="once"):
        assigning.conflict_declare(assignment=row, decision=ConflictDecision.RECUSE, by=user)
    assert ConflictDeclaration.objects.get(assignment=row).decision == ConflictDecision.NO_CONFLICT

    # Someone else, or an application the expert is not assigned to, stays closed.
    others = [a for a in scene["applications"] if not Assignment.objects.filter(expert=row.expert, application=a)]
    for application in others:
        assert not assigning.expert_may_open(user=user, application=application)
    assert not assigning.expert_may_open(user=office, application=row.application)

    # A tie declared after the assignment closes it again.
    expert_tie_declare(expert=row.expert, organisation=row.application.organisation, kind=TieKind.CONSULTING, by=user)
    assert not assigning.expert_may_open(user=user, application=row.application)


def test_conflict_declare_recusal_withdraws_and_revokes(scene, office):
    assigning.assign_optimal(edition_stage=scene["stage"], by=office)
    row = Assignment.objects.select_related("expert__user", "application").first()
    user = row.expert.user
    assert user.has_perm(VIEW, row.application)

    assigning.conflict_declare(assignment=row, decision=ConflictDecision.RECUSE, note="曾为其咨询", by=user)

    row.refresh_from_db()
    assert row.withdrawn_at is not None and row.withdrawn_reason == "recused"
    assert not type(user).objects.get(pk=user.pk).has_perm(VIEW, row.application)
    assert not assigning.expert_may_open(user=user, application=row.application)
    # The office fills the place; the recused expert cannot be put back.
    spare = register(office, "替补专家", max_load=5)
    with pytest.raises(ValidationError, match="conflict of interest"):
        assigning.assignment_replace(assignment=row, expert=row.expert, reason="补位", by=office)
    assigning.assignment_replace(assignment=row, expert=spare, reason="补位", by=office)
    assert Assignment.objects.filter(application=row.application, withdrawn_at__isnull=True).count() == 2


# --- overrides ----------------------------------------------------------------------------------------------


def test_conflict_override_needs_a_second_office_member(scene, office):
    assigning.assign_optimal(edition_stage=scene["stage"], by=office)
    application, insider = scene["applications"][0], scene["insider"]
    old = Assignment.objects.filter(application=application).first()

    with pytest.raises(PermissionDenied):
        assigning.conflict_override_request(application=application, expert=insider, reason="x", by=insider.user)
    override = assigning.conflict_override_request(
        application=application, expert=insider, reason="唯一熟悉该工艺的专家", by=office
    )
    with pytest.raises(ValidationError, match="Another member"):
        assigning.conflict_override_approve(override=override, by=office)
    assert AuditEvent.objects.filter(
        actor=office, action=AuditAction.PERMISSION_REFUSED, object_type="reviews.ConflictOverride"
    ).exists()
    with pytest.raises(ValidationError, match="conflict of interest"):
        assigning.assignment_replace(assignment=old, expert=insider, reason="换人", by=office)

    second = UserFactory(roles=[Role.OFFICE_STAFF])
    assigning.conflict_override_approve(override=override, by=second)
    override.refresh_from_db()
    assert override.approved_by == second and override.approved_at is not None
    new = assigning.assignment_replace(assignment=old, expert=insider, reason="换人", by=office)
    assigning.conflict_declare(assignment=new, decision=ConflictDecision.NO_CONFLICT, by=insider.user)
    assert assigning.expert_may_open(user=insider.user, application=application)


# --- reminders ----------------------------------------------------------------------------------------------


def test_remind_due_reminds_once(scene, office, django_capture_on_commit_callbacks):
    stage = scene["stage"]
    stage.sheets_due = timezone.localdate() + timedelta(days=2)
    stage.save()
    assigning.assign_optimal(edition_stage=stage, by=office)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert assigning.remind_due() == 6
    assert len(mail.outbox) == 6
    assert Counter(m.to[0] for m in mail.outbox) == Counter(
        row.expert.user.email for row in Assignment.objects.select_related("expert__user")
    )
    assert not Assignment.objects.filter(reminded_at__isnull=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert assigning.remind_due() == 0
    assert len(mail.outbox) == 6


def test_remind_due_skips_past_due_far_future_and_withdrawn(scene, office):
    stage = scene["stage"]
    assigning.assign_optimal(edition_stage=stage, by=office)
    due = stage.sheets_due
    assert assigning.remind_due(today=due + timedelta(days=1)) == 0
    assert assigning.remind_due(today=due - timedelta(days=3)) == 0
    row = Assignment.objects.select_related("expert__user").first()
    assigning.conflict_declare(assignment=row, decision=ConflictDecision.RECUSE, by=row.expert.user)
    assert assigning.remind_due(today=due) == 5
    row.refresh_from_db()
    assert row.reminded_at is None


def test_remind_due_assignments_task_runs_the_sweep(scene, office):
    from reviews.tasks import remind_due_assignments

    stage = scene["stage"]
    stage.sheets_due = timezone.localdate()
    stage.save()
    assigning.assign_optimal(edition_stage=stage, by=office)
    assert remind_due_assignments.delay().get() == 6
