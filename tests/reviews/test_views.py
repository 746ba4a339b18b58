"""The expert's and the office's review pages: outsiders, 404s for whoever may not open an application, query
counts, the score sheet's autosave and its lock, and the office's run of the optimal assignment."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications.models import Application, ApplicationFile
from reviews import scoring
from reviews.assigning import conflict_declare
from reviews.enums import AssignmentMethod, ConflictDecision, SheetState
from reviews.models import Assignment, ConflictDeclaration, EditionStage, ExpertTie, ScoreItem, ScoreSheet
from tests.applications.conftest import make_unit_applicant
from tests.factories import UserFactory
from tests.reviews.conftest import make_expert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Pages are read in English (the language cookie); messages built in the test, too."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def declare(assignment, decision=ConflictDecision.NO_CONFLICT):
    return ConflictDeclaration.objects.create(assignment=assignment, decision=decision)


def items(template):
    return list(ScoreItem.objects.filter(template=template).order_by("position"))


def full_scores(template, points=("30", "30", "25")):
    return {item.pk: {"points": p} for item, p in zip(items(template), points, strict=True)}


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


def add_file(application) -> ApplicationFile:
    return ApplicationFile.objects.create(
        application=application,
        kind="self_evaluation",
        file=ContentFile(b"%PDF-1.4 report", name="report.pdf"),
        name="自评报告.pdf",
        size=15,
        sha256="0" * 64,
        content_type="application/pdf",
        uploaded_by=application.owner,
    )


@pytest.fixture
def assignment(scene):
    return scene["assignments"][0]


@pytest.fixture
def application(assignment):
    return assignment.application


def expert_urls(assignment, file):
    return {
        "application": reverse("reviews:application", args=[assignment.application_id]),
        "file": reverse("reviews:file", args=[file.pk]),
        "sheet": reverse("reviews:sheet", args=[assignment.pk]),
    }


# --- outsiders ---------------------------------------------------------------------------------------------


def all_urls(scene, file):
    assignment = scene["assignments"][0]
    stage = scene["stage"]
    return {
        "queue": ("get", reverse("reviews:queue"), Role.EXPERT),
        "declare": ("get", reverse("reviews:declare", args=[assignment.pk]), Role.EXPERT),
        "application": ("get", reverse("reviews:application", args=[assignment.application_id]), Role.EXPERT),
        "file": ("get", reverse("reviews:file", args=[file.pk]), Role.EXPERT),
        "sheet": ("get", reverse("reviews:sheet", args=[assignment.pk]), Role.EXPERT),
        "autosave": ("post", reverse("reviews:sheet_autosave", args=[assignment.pk]), Role.EXPERT),
        "stages": ("get", reverse("reviews:stages"), Role.OFFICE_STAFF),
        "stage_create": ("get", reverse("reviews:stage_create"), Role.OFFICE_STAFF),
        "board": ("get", reverse("reviews:board", args=[stage.pk]), Role.OFFICE_STAFF),
        "board_assign": ("post", reverse("reviews:board_assign", args=[stage.pk]), Role.OFFICE_STAFF),
    }


NAMES = [
    "queue",
    "declare",
    "application",
    "file",
    "sheet",
    "autosave",
    "stages",
    "stage_create",
    "board",
    "board_assign",
]


@pytest.mark.parametrize("name", NAMES)
def test_view_anonymous_goes_to_login(client, scene, application, name):
    method, url, _role = all_urls(scene, add_file(application))[name]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("name", NAMES)
def test_view_wrong_role_is_refused(client, scene, application, name):
    method, url, role = all_urls(scene, add_file(application))[name]
    wrong = Role.APPLICANT if role == Role.EXPERT else Role.EXPERT
    client.force_login(UserFactory(roles=[wrong, Role.DISTRICT_COORDINATOR]))
    assert getattr(client, method)(url).status_code == 403


def _not_assigned(scene, assignment):
    return make_expert("王专家").user


def _assigned_not_declared(scene, assignment):
    return assignment.expert.user


def _recused(scene, assignment):
    conflict_declare(assignment=assignment, decision=ConflictDecision.RECUSE, by=assignment.expert.user)
    return assignment.expert.user


def _computed_conflict(scene, assignment):
    declare(assignment)
    expert = assignment.expert
    ExpertTie.objects.create(
        expert=expert,
        organisation=assignment.application.organisation,
        kind="consulting",
        since=timezone.localdate() - timedelta(days=400),
    )
    return expert.user


def _works_for_applicant(scene, assignment):
    declare(assignment)
    expert = assignment.expert
    expert.employer = assignment.application.organisation
    expert.save()
    return expert.user


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(_not_assigned, id="not-assigned"),
        pytest.param(_assigned_not_declared, id="assigned-not-declared"),
        pytest.param(_recused, id="recused"),
        pytest.param(_computed_conflict, id="declared-tie-since-assignment"),
        pytest.param(_works_for_applicant, id="works-for-applicant"),
    ],
)
@pytest.mark.parametrize("page", ["application", "file", "sheet"])
def test_expert_who_may_not_open_gets_404(client, scene, assignment, who, page):
    file = add_file(assignment.application)
    user = who(scene, assignment)
    client.force_login(user)
    before = AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED).count()
    response = client.get(expert_urls(assignment, file)[page])
    assert response.status_code == 404
    refusal = AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED).order_by("-pk").first()
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED).count() == before + 1
    assert (refusal.actor_id, refusal.result) == (user.pk, AuditResult.REFUSED)


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(_assigned_not_declared, id="assigned-not-declared"),
        pytest.param(_computed_conflict, id="conflicted"),
    ],
)
def test_autosave_404_for_expert_who_may_not_open(client, scene, assignment, who):
    client.force_login(who(scene, assignment))
    response = client.post(
        reverse("reviews:sheet_autosave", args=[assignment.pk]),
        data=json.dumps({"scores": {}}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not ScoreSheet.objects.exists()


def test_declare_page_404_for_another_experts_assignment(client, scene):
    other = scene["assignments"][1]
    client.force_login(scene["assignments"][0].expert.user)
    assert client.get(reverse("reviews:declare", args=[other.pk])).status_code == 404


def test_board_404_for_unknown_stage(client, scene):
    client.force_login(scene["office"])
    assert client.get(reverse("reviews:board", args=[scene["stage"].pk + 100])).status_code == 404


# --- the expert's pages ------------------------------------------------------------------------------------


def test_queue_shows_applicant_due_date_and_state(client, scene, assignment):
    client.force_login(assignment.expert.user)
    response = client.get(reverse("reviews:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    organisation = assignment.application.organisation
    assert organisation.name in body and organisation.credit_code in body
    assert f'data-assignment="{assignment.pk}" data-state="to_declare"' in body
    assert 'data-days-left="10"' in body
    assert reverse("reviews:declare", args=[assignment.pk]) in body
    assert reverse("reviews:sheet", args=[assignment.pk]) not in body


def test_queue_states_follow_declaration_and_sheet(client, scene, assignment):
    declare(assignment)
    user = assignment.expert.user
    client.force_login(user)
    assert (
        f'data-assignment="{assignment.pk}" data-state="scoring"'
        in client.get(reverse("reviews:queue")).content.decode()
    )
    sheet = scoring.sheet_save(assignment=assignment, by=user, scores=full_scores(scene["template"]))
    scoring.sheet_submit(sheet=sheet, by=user)
    body = client.get(reverse("reviews:queue")).content.decode()
    assert f'data-assignment="{assignment.pk}" data-state="submitted"' in body


def test_queue_marks_a_conflict_found_after_declaring(client, scene, assignment):
    _computed_conflict(scene, assignment)
    client.force_login(assignment.expert.user)
    body = client.get(reverse("reviews:queue")).content.decode()
    assert f'data-assignment="{assignment.pk}" data-state="conflicted"' in body
    assert reverse("reviews:sheet", args=[assignment.pk]) not in body


def _queue_queries(client, scene, count: int) -> int:
    expert = scene["experts"][0]
    for n in range(count - 1):
        row = Assignment.objects.create(
            edition_stage=scene["stage"],
            application=add_application(scene, n + 2),
            expert=expert,
            method="manual",
            assigned_by=scene["office"],
        )
        if n % 2:
            declare(row)
    client.force_login(expert.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:queue"))
    assert response.status_code == 200
    assert response.content.decode().count("data-assignment=") == count
    return len(queries)


@pytest.mark.parametrize("count", [1, 20])
def test_queue_query_count_constant(client, scene, count):
    # session, user, roles, assignments, overrides, conflicted_pairs (experts, ties, applications), and the
    # session's save (savepoint, update, release)
    # + the one query for the consensus link of group leaders, + two for the undertakings (signed; rulebooks asking)
    assert _queue_queries(client, scene, count) == 14


def test_declare_no_conflict_opens_the_application(client, scene, assignment):
    file = add_file(assignment.application)
    client.force_login(assignment.expert.user)
    page = client.get(reverse("reviews:declare", args=[assignment.pk]))
    assert page.status_code == 200
    assert assignment.application.organisation.credit_code in page.content.decode()
    response = client.post(reverse("reviews:declare", args=[assignment.pk]), {"decision": "no_conflict"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:application", args=[assignment.application_id])
    assert assignment.__class__.objects.get(pk=assignment.pk).declaration.decision == ConflictDecision.NO_CONFLICT
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("reviews:file", args=[file.pk]) in body
    assert reverse("reviews:sheet", args=[assignment.pk]) in body


def test_declare_recuse_withdraws(client, scene, assignment):
    client.force_login(assignment.expert.user)
    response = client.post(reverse("reviews:declare", args=[assignment.pk]), {"decision": "recuse", "note": "曾任顾问"})
    assert response["Location"] == reverse("reviews:queue")
    assignment.refresh_from_db()
    assert (assignment.withdrawn_reason, assignment.declaration.note) == ("recused", "曾任顾问")
    assert client.get(reverse("reviews:declare", args=[assignment.pk])).status_code == 404


def test_declare_without_decision_is_shown_again(client, scene, assignment):
    client.force_login(assignment.expert.user)
    response = client.post(reverse("reviews:declare", args=[assignment.pk]), {"decision": "maybe"})
    assert response.status_code == 200
    assert not ConflictDeclaration.objects.exists()


def test_file_download_is_private_attachment_and_audited(client, scene, assignment):
    file = add_file(assignment.application)
    declare(assignment)
    client.force_login(assignment.expert.user)
    response = client.get(reverse("reviews:file", args=[file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 report"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (response["X-Content-Type-Options"], response["Cache-Control"]) == ("nosniff", "private, no-store")
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert event.actor_id == assignment.expert.user_id


def test_sheet_page_save_draft_then_submit(client, scene, assignment):
    declare(assignment)
    client.force_login(assignment.expert.user)
    url = reverse("reviews:sheet", args=[assignment.pk])
    first, second, third = items(scene["template"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-sheet-state="draft"' in page.content.decode()
    response = client.post(url, {f"points-{first.pk}": "30.5", "action": "save"})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert (sheet.state, sheet.total) == (SheetState.DRAFT, Decimal("30.50"))
    data = {f"points-{first.pk}": "30", f"points-{second.pk}": "30", f"points-{third.pk}": "25", "action": "submit"}
    response = client.post(url, data)
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total) == (SheetState.SUBMITTED, Decimal("85.00"))
    body = client.get(url).content.decode()
    assert 'data-sheet-state="submitted"' in body
    assert 'id="submit-button"' not in body


def test_sheet_page_errors_keep_what_was_typed(client, scene, assignment):
    declare(assignment)
    client.force_login(assignment.expert.user)
    url = reverse("reviews:sheet", args=[assignment.pk])
    first, second, _third = items(scene["template"])
    response = client.post(url, {f"points-{first.pk}": "36", f"points-{second.pk}": "20", "action": "save"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "outside 0 to 35" in body
    assert 'value="36"' in body and 'value="20"' in body
    assert not ScoreSheet.objects.exists()


def test_sheet_submit_incomplete_saves_the_draft_and_names_the_items(client, scene, assignment):
    declare(assignment)
    client.force_login(assignment.expert.user)
    first = items(scene["template"])[0]
    response = client.post(
        reverse("reviews:sheet", args=[assignment.pk]), {f"points-{first.pk}": "30", "action": "submit"}
    )
    assert response.status_code == 400
    assert "Score every item: 8.2、8.3." in response.content.decode()
    sheet = ScoreSheet.objects.get()
    assert (sheet.state, sheet.total) == (SheetState.DRAFT, Decimal("30.00"))


def test_submitted_sheet_cannot_be_changed_through_the_page(client, scene, assignment):
    declare(assignment)
    user = assignment.expert.user
    sheet = scoring.sheet_submit(
        sheet=scoring.sheet_save(assignment=assignment, by=user, scores=full_scores(scene["template"])), by=user
    )
    client.force_login(user)
    first = items(scene["template"])[0]
    url = reverse("reviews:sheet", args=[assignment.pk])
    response = client.post(url, {f"points-{first.pk}": "1", "action": "save"})
    assert response.status_code == 302
    autosave = client.post(
        reverse("reviews:sheet_autosave", args=[assignment.pk]),
        data=json.dumps({"scores": {str(first.pk): {"points": "1"}}}),
        content_type="application/json",
    )
    assert autosave.status_code == 400
    assert autosave.json() == {"errors": ["This score sheet has been submitted and is locked."]}
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total) == (SheetState.SUBMITTED, Decimal("85.00"))
    assert sheet.scores.get(item=first).points == Decimal("30.00")


def test_autosave_returns_the_total(client, scene, assignment):
    declare(assignment)
    client.force_login(assignment.expert.user)
    first, second, _third = items(scene["template"])
    response = client.post(
        reverse("reviews:sheet_autosave", args=[assignment.pk]),
        data=json.dumps({"scores": {str(first.pk): {"points": "12.5"}, str(second.pk): {"points": "20"}}}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["total"] == "32.5"
    assert ScoreSheet.objects.get().total == Decimal("32.50")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param(
            {"scores": {"FIRST": {"points": "40"}}},
            ["8.1 科学性和创新性: 40.00 is outside 0 to 35.00 points."],
            id="too-many",
        ),
        pytest.param({"scores": {"FIRST": {"points": "x"}}}, ["“x” is not a number."], id="not-a-number"),
        pytest.param({"scores": {"abc": {}}}, ["The saved values could not be read."], id="bad-key"),
        pytest.param({"nothing": 1}, ["The saved values could not be read."], id="no-scores"),
        pytest.param("not json", ["The saved values could not be read."], id="not-json"),
    ],
)
def test_autosave_errors_are_400(client, scene, assignment, body, errors):
    declare(assignment)
    client.force_login(assignment.expert.user)
    first = items(scene["template"])[0]
    data = json.dumps(body).replace("FIRST", str(first.pk)) if isinstance(body, dict) else body
    response = client.post(
        reverse("reviews:sheet_autosave", args=[assignment.pk]), data=data, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"errors": errors}
    assert not ScoreSheet.objects.exists()


def test_other_experts_hidden_until_own_submitted_then_anonymised(client, scene):
    own, other = scene["assignments"]
    for assignment in (own, other):
        declare(assignment)
    other_user = other.expert.user
    scoring.sheet_submit(
        sheet=scoring.sheet_save(
            assignment=other, by=other_user, scores=full_scores(scene["template"], ("20", "20", "20"))
        ),
        by=other_user,
    )
    client.force_login(own.expert.user)
    url = reverse("reviews:sheet", args=[own.pk])
    body = client.get(url).content.decode()
    assert "60.00" not in body and "other-expert" not in body
    scoring.sheet_submit(
        sheet=scoring.sheet_save(assignment=own, by=own.expert.user, scores=full_scores(scene["template"])),
        by=own.expert.user,
    )
    body = client.get(url).content.decode()
    assert body.count('class="other-expert"') == 1
    assert "Expert A" in body and "60.00" in body
    assert other.expert.full_name not in body


def test_sheet_gbt19580_groups_items_with_bands_and_strengths(client, scene, assignment):
    from reviews.models import ScoreSheetTemplate

    stage = scene["stage"]
    stage.score_sheet = ScoreSheetTemplate.objects.get(code="gbt19580-2012-unit")
    stage.save()
    declare(assignment)
    client.force_login(assignment.expert.user)
    body = client.get(reverse("reviews:sheet", args=[assignment.pk])).content.decode()
    assert body.count('class="card shadow-sm mb-3 score-category"') == 7
    assert body.count('class="form-control score-points"') == 23  # 3+2+2+6+2+2+6
    assert body.count('data-part="strengths"') == 7
    assert "0–2.5、5–12.5、15–22.5、25–32.5、35–42.5、45–50" in body  # 4.1.1, 50 points


# --- the office ----------------------------------------------------------------------------------------------


def _board_queries(client, scene, count: int) -> int:
    stage = scene["stage"]
    template = scene["template"]
    applications = [scene["assignments"][0].application] + [add_application(scene, n + 2) for n in range(count - 1)]
    Assignment.objects.all().delete()
    for application in applications:
        for expert in scene["experts"]:
            row = Assignment.objects.create(
                edition_stage=stage,
                application=application,
                expert=expert,
                method="manual",
                assigned_by=scene["office"],
            )
            declare(row)
            sheet = scoring.sheet_save(assignment=row, by=expert.user, scores=full_scores(template))
            scoring.sheet_submit(sheet=sheet, by=expert.user)
    client.force_login(scene["office"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:board", args=[stage.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-assigned="2" data-declared="2" data-submitted="2"') == count
    return len(queries)


@pytest.mark.parametrize("count", [1, 20])
def test_board_query_count_constant(client, scene, count):
    # session, user, roles, stage, applications, assignments, stage results (sheets, consensus records), and the
    # session's save (savepoint, update, release)
    assert _board_queries(client, scene, count) == 11


def test_board_runs_the_optimal_assignment(client, scene):
    stage = scene["stage"]
    Assignment.objects.all().delete()
    EditionStage.objects.filter(pk=stage.pk).update(experts_per_application=2)
    client.force_login(scene["office"])
    page = client.get(reverse("reviews:board", args=[stage.pk]))
    assert 'data-can-assign="true"' in page.content.decode()
    response = client.post(reverse("reviews:board_assign", args=[stage.pk]), {"method": "optimal"})
    assert response["Location"] == reverse("reviews:board", args=[stage.pk])
    rows = Assignment.objects.filter(edition_stage=stage)
    assert sorted(rows.values_list("expert_id", flat=True)) == sorted(e.pk for e in scene["experts"])
    assert set(rows.values_list("method", flat=True)) == {AssignmentMethod.OPTIMAL}
    page = client.get(response["Location"])
    body = page.content.decode()
    assert 'data-can-assign="false"' in body
    assert "2 assignments have been made." in body


def test_board_random_draw_keeps_the_seed_and_errors_are_shown(client, scene):
    stage = scene["stage"]
    client.force_login(scene["office"])
    response = client.post(
        reverse("reviews:board_assign", args=[stage.pk]), {"method": "random", "seed": "7"}, follow=True
    )
    assert "Experts are already assigned at this stage." in response.content.decode()
    Assignment.objects.all().delete()
    EditionStage.objects.filter(pk=stage.pk).update(experts_per_application=2)
    client.post(reverse("reviews:board_assign", args=[stage.pk]), {"method": "random", "seed": "7"})
    assert set(Assignment.objects.values_list("method", "draw_seed")) == {(AssignmentMethod.RANDOM, 7)}


def test_board_assign_refuses_an_unknown_method(client, scene):
    Assignment.objects.all().delete()
    client.force_login(scene["office"])
    response = client.post(reverse("reviews:board_assign", args=[scene["stage"].pk]), {"method": "greedy"})
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_stage_create_through_the_page(client, scene):
    edition = scene["stage"].edition
    onsite = edition.rulebook.stages.get(kind="onsite_review")
    client.force_login(scene["office"])
    assert client.get(reverse("reviews:stage_create")).status_code == 200
    today = timezone.localdate()
    data = {
        "edition": edition.pk,
        "stage": onsite.pk,
        "opens": today.isoformat(),
        "sheets_due": (today + timedelta(days=20)).isoformat(),
        "experts_per_application": 3,
        "score_sheet": scene["template"].pk,
    }
    response = client.post(reverse("reviews:stage_create"), data)
    created = EditionStage.objects.get(edition=edition, stage=onsite)
    assert response["Location"] == reverse("reviews:board", args=[created.pk])
    assert (created.experts_per_application, created.score_sheet_id) == (3, scene["template"].pk)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(created.pk)).exists()
    listing = client.get(reverse("reviews:stages")).content.decode()
    assert f'data-edition-stage="{created.pk}"' in listing


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        pytest.param({"due_days": -1}, "Score sheets cannot be due before the stage opens.", id="due-before-opening"),
        pytest.param({"kind": "material_review"}, "already exists", id="stage-twice"),
        pytest.param({"kind": "public_notice"}, "Select a valid choice", id="unscored-stage-not-offered"),
    ],
)
def test_stage_create_refusals(client, scene, change, fragment):
    edition = scene["stage"].edition
    stage = edition.rulebook.stages.get(kind=change.get("kind", "onsite_review"))
    client.force_login(scene["office"])
    today = timezone.localdate()
    data = {
        "edition": edition.pk,
        "stage": stage.pk,
        "opens": today.isoformat(),
        "sheets_due": (today + timedelta(days=change.get("due_days", 20))).isoformat(),
        "experts_per_application": 3,
        "score_sheet": scene["template"].pk,
    }
    response = client.post(reverse("reviews:stage_create"), data)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert EditionStage.objects.count() == 1


def test_edition_stage_create_refuses_an_unscored_stage_and_a_non_office_user(scene):
    from django.core.exceptions import PermissionDenied, ValidationError

    from reviews.stages import edition_stage_create

    edition = scene["stage"].edition
    today = timezone.localdate()
    arguments = {
        "edition": edition,
        "stage": edition.rulebook.stages.get(kind="public_notice"),
        "opens": today,
        "sheets_due": today,
        "experts_per_application": 3,
        "score_sheet": scene["template"],
    }
    with pytest.raises(ValidationError) as caught:
        edition_stage_create(**arguments, by=scene["office"])
    assert caught.value.message_dict == {
        "stage": ["This stage is neither scored nor recorded by the review; choose another."]
    }
    with pytest.raises(PermissionDenied):
        edition_stage_create(**arguments, by=scene["experts"][0].user)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED).count() == 1


def test_queue_links_the_consensus_page_for_a_group_leader(client, scene):
    from reviews.enums import MemberRole, ReviewBodyKind
    from reviews.models import ReviewBody, ReviewBodyMember

    expert = scene["experts"][0]
    client.force_login(expert.user)
    assert "consensus-link" not in client.get(reverse("reviews:queue")).content.decode()
    body = ReviewBody.objects.create(
        edition=scene["stage"].edition,
        kind=ReviewBodyKind.REVIEW_GROUP,
        name="第一组",
        confirmed_at=timezone.now(),
    )
    ReviewBodyMember.objects.create(body=body, expert=expert, role=MemberRole.LEADER)
    body_html = client.get(reverse("reviews:queue")).content.decode()
    assert reverse("reviews:consensus", args=[scene["stage"].pk]) in body_html
