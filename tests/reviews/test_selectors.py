"""The reads of the review pages (reviews.selectors): each is scoped to who asks, so someone else's assignment,
application or file is not returned (the page turns that into a 404), and each list costs the same number of
queries at 1 row and at 50."""

import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from django.utils import timezone

from applications.models import Application, ApplicationFile
from awards.enums import StageKind
from reviews import selectors
from reviews.enums import ConflictDecision, MemberRole, ReviewBodyKind, SheetState
from reviews.models import (
    Assignment,
    ConflictDeclaration,
    ReviewBody,
    ReviewBodyMember,
    ScoreSheet,
)
from tests.applications.conftest import make_unit_applicant
from tests.reviews.conftest import make_expert

pytestmark = pytest.mark.django_db


def add_application(scene, n: int) -> Application:
    first = scene["assignments"][0].application
    applicant = make_unit_applicant()
    return Application.objects.create(
        edition=first.edition,
        category="unit",
        owner=applicant,
        organisation=applicant.organisation,
        applicant_key=f"org:{applicant.organisation_id}",
        recommender=applicant.organisation.district,
        state="in_review",
        number=f"WH-{first.edition.year}-{n:04d}",
        current_stage=first.current_stage,
    )


def add_assignments(scene, count: int, *, expert=None) -> list[Assignment]:
    """`count` more assignments of the stage to `expert` (the first expert by default), each declared free."""
    expert = expert or scene["experts"][0]
    rows = []
    for n in range(count):
        row = Assignment.objects.create(
            edition_stage=scene["stage"],
            application=add_application(scene, n + 2),
            expert=expert,
            method="manual",
            assigned_by=scene["office"],
        )
        ConflictDeclaration.objects.create(assignment=row, decision=ConflictDecision.NO_CONFLICT)
        rows.append(row)
    return rows


def declare(assignment, decision=ConflictDecision.NO_CONFLICT):
    return ConflictDeclaration.objects.create(assignment=assignment, decision=decision)


def add_file(application, *, superseded=False) -> ApplicationFile:
    return ApplicationFile.objects.create(
        application=application,
        kind="self_evaluation",
        file=ContentFile(b"%PDF-1.4 report", name="report.pdf"),
        name="自评报告.pdf",
        size=15,
        sha256="0" * 64,
        content_type="application/pdf",
        uploaded_by=application.owner,
        superseded_at=timezone.now() if superseded else None,
    )


# --- the expert's reads: scoped to the expert who asks -----------------------------------------------------------


def test_expert_assignments_only_the_users_live_ones(scene):
    mine, theirs = scene["assignments"]
    withdrawn = add_assignments(scene, 1)[0]
    Assignment.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    user = mine.expert.user
    assert [a.pk for a in selectors.expert_assignments(user=user)] == [mine.pk]
    assert [a.pk for a in selectors.expert_assignments(user=theirs.expert.user)] == [theirs.pk]


def test_expert_assignments_of_one_application(scene):
    mine = scene["assignments"][0]
    other = add_assignments(scene, 1)[0]
    user = mine.expert.user
    assert [a.pk for a in selectors.expert_assignments(user=user, application=other.application)] == [other.pk]
    assert [a.pk for a in selectors.expert_assignments(user=user, application=mine.application)] == [mine.pk]


def test_expert_assignment_someone_elses_is_none(scene):
    mine, theirs = scene["assignments"]
    assert selectors.expert_assignment(user=mine.expert.user, pk=mine.pk) == mine
    assert selectors.expert_assignment(user=mine.expert.user, pk=theirs.pk) is None
    assert selectors.expert_assignment(user=mine.expert.user, pk=10**9) is None


def test_expert_assignment_withdrawn_is_none(scene):
    mine = scene["assignments"][0]
    Assignment.objects.filter(pk=mine.pk).update(withdrawn_at=timezone.now())
    assert selectors.expert_assignment(user=mine.expert.user, pk=mine.pk) is None


@pytest.mark.parametrize("count", [1, 50])
def test_expert_assignments_one_query_whatever_the_rows(scene, django_assert_num_queries, count):
    add_assignments(scene, count - 1)
    user = scene["experts"][0].user
    with django_assert_num_queries(1):
        rows = list(selectors.expert_assignments(user=user))
        shown = [
            (
                a.edition_stage.edition.scheme.code,
                a.edition_stage.stage.kind,
                a.edition_stage.score_sheet.code,
                a.application.organisation.name,
                a.expert.full_name,
                getattr(a, "declaration", None),
                getattr(a, "sheet", None),
            )
            for a in rows
        ]
    assert len(shown) == count


def test_expert_sheet_assignment_needs_a_declaration_free_of_conflict(scene):
    mine, theirs = scene["assignments"]
    user = mine.expert.user
    assert selectors.expert_sheet_assignment(user=user, pk=mine.pk) is None  # not declared yet
    declare(mine)
    declare(theirs)
    assert selectors.expert_sheet_assignment(user=user, pk=mine.pk) == mine
    assert selectors.expert_sheet_assignment(user=user, pk=theirs.pk) is None  # someone else's


def test_expert_sheet_assignment_recused_is_none(scene):
    mine = scene["assignments"][0]
    declare(mine, ConflictDecision.RECUSE)
    assert selectors.expert_sheet_assignment(user=mine.expert.user, pk=mine.pk) is None


def test_expert_application_only_once_declared_and_only_to_the_assigned(scene):
    mine = scene["assignments"][0]
    application = mine.application
    stranger = make_expert("王专家")
    assert selectors.expert_application(user=mine.expert.user, pk=application.pk) is None
    declare(mine)
    found = selectors.expert_application(user=mine.expert.user, pk=application.pk)
    assert found == application
    assert selectors.expert_application(user=stranger.user, pk=application.pk) is None
    assert selectors.expert_application(user=scene["office"], pk=application.pk) is None
    assert selectors.expert_application(user=mine.expert.user, pk=10**9) is None


def test_expert_application_prefetches_only_current_files(scene, django_assert_num_queries):
    mine = scene["assignments"][0]
    declare(mine)
    current = add_file(mine.application)
    add_file(mine.application, superseded=True)
    application = selectors.expert_application(user=mine.expert.user, pk=mine.application_id)
    with django_assert_num_queries(0):
        assert [f.pk for f in application.files.all()] == [current.pk]


def test_expert_file_scoped_to_the_expert_and_current(scene):
    mine = scene["assignments"][0]
    current = add_file(mine.application)
    old = add_file(mine.application, superseded=True)
    user = mine.expert.user
    assert selectors.expert_file(user=user, pk=current.pk) is None  # not declared yet
    declare(mine)
    assert selectors.expert_file(user=user, pk=current.pk) == current
    assert selectors.expert_file(user=user, pk=old.pk) is None
    assert selectors.expert_file(user=make_expert("王专家").user, pk=current.pk) is None


@pytest.mark.parametrize("count", [1, 50])
def test_assignments_conflicted_query_count_constant(scene, django_assert_num_queries, count):
    add_assignments(scene, count - 1)
    user = scene["experts"][0].user
    rows = list(selectors.expert_assignments(user=user))
    # the approved overrides, then conflicted_pairs: the experts, their ties, the applications
    with django_assert_num_queries(4):
        assert selectors.assignments_conflicted(assignments=rows) == set()


def test_assignments_conflicted_of_nothing_reads_nothing(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert selectors.assignments_conflicted(assignments=[]) == set()


def _group(stage, expert, *, role=MemberRole.LEADER, confirmed=True):
    body = ReviewBody.objects.create(
        edition=stage.edition,
        kind=ReviewBodyKind.REVIEW_GROUP,
        name=f"组-{expert.pk}",
        confirmed_at=timezone.now() if confirmed else None,
    )
    ReviewBodyMember.objects.create(body=body, expert=expert, role=role)
    return body


def test_editions_led_by_only_confirmed_bodies_the_user_leads(scene):
    stage = scene["stage"]
    leader, member = scene["experts"]
    _group(stage, leader)
    _group(stage, member, role=MemberRole.MEMBER)
    assert selectors.editions_led_by(user=leader.user, edition_ids=[stage.edition_id]) == {stage.edition_id}
    assert selectors.editions_led_by(user=member.user, edition_ids=[stage.edition_id]) == set()
    assert selectors.editions_led_by(user=leader.user, edition_ids=[]) == set()


def test_editions_led_by_unconfirmed_body_is_no_standing(scene):
    stage = scene["stage"]
    leader = scene["experts"][0]
    _group(stage, leader, confirmed=False)
    assert selectors.editions_led_by(user=leader.user, edition_ids=[stage.edition_id]) == set()


def test_consensus_stage_only_for_a_leader(scene):
    stage = scene["stage"]
    leader, member = scene["experts"]
    _group(stage, leader)
    assert selectors.consensus_stage(user=leader.user, pk=stage.pk) == (stage, leader)
    assert selectors.consensus_stage(user=member.user, pk=stage.pk) is None
    assert selectors.consensus_stage(user=scene["office"], pk=stage.pk) is None
    assert selectors.consensus_stage(user=leader.user, pk=10**9) is None


def test_consensus_applications_hide_a_recusal(scene):
    leader = scene["experts"][0]
    mine = scene["assignments"][0]
    other = add_assignments(scene, 1)[0]
    declare(mine, ConflictDecision.RECUSE)
    rows = selectors.consensus_applications(
        edition_stage=scene["stage"], expert=leader, application_ids=[mine.application_id, other.application_id]
    )
    assert [a.pk for a in rows] == [other.application_id]


# --- the office's reads ----------------------------------------------------------------------------------------


def test_edition_stages_overview_counts_live_assignments_and_submitted_sheets(scene):
    first, second = scene["assignments"]
    ScoreSheet.objects.create(assignment=first, template=scene["template"], state=SheetState.SUBMITTED)
    withdrawn = add_assignments(scene, 1)[0]
    Assignment.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    row = selectors.edition_stages_overview().get(pk=scene["stage"].pk)
    assert (row.assigned, row.submitted) == (2, 1)


def test_edition_stage_for_office_unknown_is_404(scene):
    assert selectors.edition_stage_for_office(pk=scene["stage"].pk) == scene["stage"]
    with pytest.raises(Http404):
        selectors.edition_stage_for_office(pk=10**9)


@pytest.mark.parametrize("count", [1, 50])
def test_board_reads_query_count_constant(scene, django_assert_num_queries, count):
    add_assignments(scene, count - 1)
    stage = scene["stage"]
    with django_assert_num_queries(2):
        applications = [(a.number, a.organisation.name) for a in selectors.board_applications(edition_stage=stage)]
        assignments = [
            (a.expert.full_name, getattr(a, "declaration", None), getattr(a, "sheet", None))
            for a in selectors.board_assignments(edition_stage=stage)
        ]
    assert (len(applications), len(assignments)) == (count, count + 1)


def test_stage_application_needs_an_assignment_at_the_stage(scene):
    stage = scene["stage"]
    application = scene["assignments"][0].application
    assert selectors.stage_application(edition_stage=stage, application_id=application.pk) == application
    unassigned = add_application(scene, 99)
    with pytest.raises(Http404):
        selectors.stage_application(edition_stage=stage, application_id=unassigned.pk)


def test_stage_application_assignments_live_first(scene):
    first, second = scene["assignments"]
    Assignment.objects.filter(pk=first.pk).update(withdrawn_at=timezone.now())
    rows = selectors.stage_application_assignments(edition_stage=scene["stage"], application=first.application)
    assert [a.pk for a in rows] == [second.pk, first.pk]


@pytest.mark.parametrize(
    "selector",
    [
        selectors.edition_for_office,
        selectors.candidate_line_for_office,
        selectors.assignment_for_office,
        selectors.expert_for_office,
        selectors.conflict_override_for_office,
    ],
)
def test_office_reads_of_one_unknown_id_are_404(db, selector):
    with pytest.raises(Http404):
        selector(pk=10**9)


# --- the stages recorded rather than scored ------------------------------------------------------------------


def test_edition_stage_of_kind_other_kind_is_404(scene):
    stage = scene["stage"]  # a material review
    assert selectors.edition_stage_of_kind(pk=stage.pk, kinds={StageKind.MATERIAL_REVIEW}) == stage
    with pytest.raises(Http404):
        selectors.edition_stage_of_kind(pk=stage.pk, kinds={StageKind.ONSITE_REVIEW})


def test_stage_experts_only_live_assignments(scene):
    first, second = scene["assignments"]
    Assignment.objects.filter(pk=first.pk).update(withdrawn_at=timezone.now())
    assert list(selectors.stage_experts(edition_stage=scene["stage"])) == [second.expert]


def test_stage_applicants_and_ids_only_in_review_at_the_stage(scene):
    stage = scene["stage"]
    application = scene["assignments"][0].application
    elsewhere = add_application(scene, 7)
    Application.objects.filter(pk=elsewhere.pk).update(
        current_stage=elsewhere.edition.rulebook.stages.exclude(pk=stage.stage_id).first()
    )
    assert [a.pk for a in selectors.stage_applicants(edition_stage=stage)] == [application.pk]
    assert selectors.stage_application_ids(edition_stage=stage) == {application.pk}
    assert selectors.stage_applicant(edition_stage=stage, pk=application.pk) == application
    assert selectors.stage_applicant(edition_stage=stage, pk=elsewhere.pk) is None


@pytest.mark.parametrize("count", [1, 50])
def test_stage_applicants_one_query_whatever_the_rows(scene, django_assert_num_queries, count):
    for n in range(count - 1):
        add_application(scene, n + 2)
    with django_assert_num_queries(1):
        names = [a.organisation.name for a in selectors.stage_applicants(edition_stage=scene["stage"])]
    assert len(names) == count
