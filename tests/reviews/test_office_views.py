"""The office's ranking, proposed candidate list, scores export, assignment changes and conflict overrides, and
the group leader's consensus page: outsiders, the happy paths through the views, refusals shown, query counts."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from reviews import candidates, scoring
from reviews.enums import ConflictDecision, MemberRole, ReviewBodyKind, SheetState
from reviews.models import (
    Assignment,
    CandidateProposal,
    ConflictDeclaration,
    ConflictOverride,
    ConsensusRecord,
    ReviewBody,
    ReviewBodyMember,
    ScoreItem,
)
from tests.factories import UserFactory
from tests.reviews.conftest import make_expert
from tests.reviews.test_candidates import Scene
from tests.reviews.test_results import _scored

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Pages are read in English (the language cookie); messages built in the test, too."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def body_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def proposed():
    """Weihai (art. 6: 5 units, 3 individuals); seven units, the two at 86 tied at the fifth place."""
    scene = Scene()
    scene.units = scene.ranked("unit", 90, 89, 88, 87, 86, 86, 80)
    scene.lines = {
        p.application_id: p for p in candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    }
    return scene


def _confirmed_leader(stage, expert):
    group = ReviewBody.objects.create(
        edition=stage.edition, kind=ReviewBodyKind.REVIEW_GROUP, name="第一评审组", confirmed_at="2026-11-20T08:00:00Z"
    )
    ReviewBodyMember.objects.create(body=group, expert=expert, role=MemberRole.LEADER)


# --- outsiders ---------------------------------------------------------------------------------------------


def office_urls(scene) -> dict:
    edition = scene.edition
    line = next(iter(scene.lines.values()))
    assignment = Assignment.objects.filter(edition_stage__edition=edition).first()
    override = ConflictOverride.objects.create(
        application=line.application, expert=scene.experts[0], reason="理由", requested_by=scene.office
    )
    return {
        "ranking": ("get", reverse("reviews:ranking", args=[edition.pk])),
        "ranking_propose": ("post", reverse("reviews:ranking_propose", args=[edition.pk])),
        "candidates": ("get", reverse("reviews:candidates", args=[edition.pk])),
        "candidate_change": ("post", reverse("reviews:candidate_change", args=[line.pk])),
        "scores_xlsx": ("get", reverse("reviews:scores_xlsx", args=[edition.pk])),
        "assignments": (
            "get",
            reverse("reviews:assignments", args=[assignment.edition_stage_id, assignment.application_id]),
        ),
        "assignment_replace": ("post", reverse("reviews:assignment_replace", args=[assignment.pk])),
        "sheet_reopen": ("post", reverse("reviews:sheet_reopen", args=[assignment.pk])),
        "overrides": ("get", reverse("reviews:overrides")),
        "override_approve": ("post", reverse("reviews:override_approve", args=[override.pk])),
    }


OFFICE_NAMES = [
    "ranking",
    "ranking_propose",
    "candidates",
    "candidate_change",
    "scores_xlsx",
    "assignments",
    "assignment_replace",
    "sheet_reopen",
    "overrides",
    "override_approve",
]


@pytest.mark.parametrize("name", OFFICE_NAMES)
def test_office_view_anonymous_goes_to_login(client, proposed, name):
    method, url = office_urls(proposed)[name]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.EXPERT, Role.AUDITOR])
@pytest.mark.parametrize("name", OFFICE_NAMES)
def test_office_view_wrong_role_is_403_and_changes_nothing(client, proposed, name, role):
    method, url = office_urls(proposed)[name]
    client.force_login(UserFactory(roles=[role]))
    assert getattr(client, method)(url).status_code == 403
    assert not CandidateProposal.objects.filter(changed_by__isnull=False).exists()
    assert not ConflictOverride.objects.filter(approved_by__isnull=False).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda s: reverse("reviews:ranking", args=[s.edition.pk + 100]), id="ranking"),
        pytest.param(lambda s: reverse("reviews:candidates", args=[s.edition.pk + 100]), id="candidates"),
        pytest.param(lambda s: reverse("reviews:scores_xlsx", args=[s.edition.pk + 100]), id="scores_xlsx"),
        pytest.param(
            lambda s: reverse("reviews:assignments", args=[s.stages["material_review"].pk, s.units[0].pk + 100]),
            id="assignments",
        ),
    ],
)
def test_office_view_unknown_object_is_404(client, proposed, url):
    client.force_login(proposed.office)
    assert client.get(url(proposed)).status_code == 404


@pytest.fixture
def consensus_scene(scene):
    """Five experts 70, 80, 85, 90, 99 at a stage whose threshold is 20: the spread 29 needs a consensus."""
    stage = scene["stage"]
    stage.consensus_spread = Decimal("20")
    stage.save()
    application, experts = _scored(scene, [70, 80, 85, 90, 99])
    _confirmed_leader(stage, experts[0])
    return {"stage": stage, "application": application, "experts": experts, "office": scene["office"]}


def test_consensus_anonymous_goes_to_login(client, consensus_scene):
    url = reverse("reviews:consensus", args=[consensus_scene["stage"].pk])
    response = client.get(url)
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.OFFICE_STAFF, Role.AUDITOR])
def test_consensus_wrong_role_is_403(client, consensus_scene, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("reviews:consensus", args=[consensus_scene["stage"].pk])).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_consensus_expert_not_leading_is_404_and_audited(client, consensus_scene, method):
    member = consensus_scene["experts"][1]
    client.force_login(member.user)
    url = reverse("reviews:consensus", args=[consensus_scene["stage"].pk])
    data = {"application": consensus_scene["application"].pk, "agreed_score": "86", "rationale": "合议"}
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    assert response.status_code == 404
    assert not ConsensusRecord.objects.exists()
    refusal = AuditEvent.objects.get(actor=member.user, action=AuditAction.PERMISSION_REFUSED)
    assert (refusal.result, refusal.detail) == (
        AuditResult.REFUSED,
        f"reviews.EditionStage #{consensus_scene['stage'].pk}: consensus page not open to the user",
    )


def test_consensus_leader_of_an_unconfirmed_group_is_404(client, consensus_scene):
    ReviewBody.objects.update(confirmed_at=None)
    client.force_login(consensus_scene["experts"][0].user)
    assert client.get(reverse("reviews:consensus", args=[consensus_scene["stage"].pk])).status_code == 404


# --- the ranking and the proposal ------------------------------------------------------------------------


def test_ranking_shows_ranks_scores_finals_and_flags(client):
    scene = Scene("linyi-mayor")
    first = scene.ranked("unit", 90)[0]
    favoured = scene.ranked("unit", 85, tags=["own_ip"])[0]
    person = scene.ranked("individual", 70)[0]
    unscored = scene.candidate()
    client.force_login(scene.office)
    response = client.get(reverse("reviews:ranking", args=[scene.edition.pk]))
    assert response.status_code == 200
    body = body_of(response)
    assert f'data-application="{first.pk}" data-rank="1" data-score="90.00"' in body
    assert f'data-application="{favoured.pk}" data-rank="2" data-score="85.00"' in body
    assert f'data-application="{person.pk}" data-rank="1" data-score="70.00"' in body
    assert f'data-application="{unscored.pk}" data-rank="" data-score=""' in body
    assert body.count('data-flag="incomplete"') == 1
    assert body.count('data-flag="encouraged"') == 1
    assert "Own intellectual property" in body
    assert body.index('data-category="unit"') < body.index('data-category="individual"')
    assert 'data-proposed="false"' in body


def test_ranking_shows_outliers_and_pending_consensus(client, consensus_scene):
    # The scene's application is in review, not a candidate: make it one to rank it.
    application = consensus_scene["application"]
    type(application).objects.filter(pk=application.pk).update(state="candidate")
    client.force_login(consensus_scene["office"])
    body = body_of(client.get(reverse("reviews:ranking", args=[consensus_scene["stage"].edition_id])))
    assert 'data-flag="consensus-pending"' in body
    assert 'data-flag="consensus"' not in body


def test_propose_through_the_page_then_the_list_by_tier(client, proposed):
    CandidateProposal.objects.all().delete()
    client.force_login(proposed.office)
    response = client.post(reverse("reviews:ranking_propose", args=[proposed.edition.pk]), follow=True)
    assert response.redirect_chain == [(reverse("reviews:candidates", args=[proposed.edition.pk]), 302)]
    body = body_of(response)
    assert "The candidate list has been proposed: 7 lines." in body
    tied = "、".join(u.number for u in proposed.units[4:6])
    assert f"Tied at a cut, left out of the tier: {tied}. Decide with a written reason." in body
    assert list(CandidateProposal.objects.order_by("rank", "pk").values_list("rank", "tier")) == [
        (1, "award"),
        (2, "award"),
        (3, "award"),
        (4, "award"),
        (5, ""),
        (5, ""),
        (7, ""),
    ]
    # Four of five unit places taken, the fifth left empty; the three individual places have no one.
    assert 'data-tier="award" data-used="4" data-max="5"' in body
    assert body.count('class="empty-place') == 1
    assert 'data-tier="outside" data-used="3"' in body
    assert "第六条第一款" in body


def test_propose_refusal_is_shown_on_the_ranking(client):
    scene = Scene()
    scene.ranked("unit", 90)
    unscored = scene.candidate()
    client.force_login(scene.office)
    response = client.post(reverse("reviews:ranking_propose", args=[scene.edition.pk]), follow=True)
    assert response.redirect_chain == [(reverse("reviews:ranking", args=[scene.edition.pk]), 302)]
    assert f"These candidates have no result yet at every weighted stage: {unscored.number}." in body_of(response)
    assert not CandidateProposal.objects.exists()


# --- changes to the list -----------------------------------------------------------------------------------


def _change(client, line, tier, reason):
    return client.post(
        reverse("reviews:candidate_change", args=[line.pk]),
        {f"line-{line.pk}-tier": tier, f"line-{line.pk}-reason": reason},
    )


def test_change_with_a_reason_moves_the_line_and_is_audited(client, proposed):
    line = proposed.lines[proposed.units[4].pk]
    client.force_login(proposed.office)
    response = _change(client, line, "award", "现场评审表现更好")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reviews:candidates', args=[proposed.edition.pk])}#line-{line.pk}"
    line.refresh_from_db()
    assert (line.tier, line.changed_by, line.change_reason) == ("award", proposed.office, "现场评审表现更好")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="reviews.CandidateProposal")
    assert event.detail == "tier outside → award: 现场评审表现更好"
    body = body_of(client.get(response["Location"]))
    assert f"{proposed.units[4].number} has been moved: Award." in body
    assert 'data-tier="award" data-used="5" data-max="5"' in body
    assert "现场评审表现更好" in body
    assert 'data-changed="true"' in body


def test_change_without_a_reason_refused_and_shown(client, proposed):
    line = proposed.lines[proposed.units[4].pk]
    client.force_login(proposed.office)
    response = _change(client, line, "award", "  ")
    assert response.status_code == 400
    assert "Write the reason for the change." in body_of(response)
    line.refresh_from_db()
    assert (line.tier, line.changed_by) == ("", None)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_change_into_a_full_tier_refused_citing_the_article_and_the_reason_kept(client, proposed):
    first, second = proposed.lines[proposed.units[4].pk], proposed.lines[proposed.units[5].pk]
    client.force_login(proposed.office)
    assert _change(client, first, "award", "现场评审表现更好").status_code == 302
    response = _change(client, second, "award", "并列第五名")
    assert response.status_code == 400
    body = body_of(response)
    assert "The tier Award is full: Units at most 5 (第六条第一款)." in body
    assert f'name="line-{second.pk}-reason"' in body
    assert ">\n并列第五名</textarea>" in body
    assert CandidateProposal.objects.filter(edition=proposed.edition, tier="award").count() == 5


def test_change_to_a_tier_the_scheme_lacks_is_not_offered(client, proposed):
    line = proposed.lines[proposed.units[6].pk]
    client.force_login(proposed.office)
    response = _change(client, line, "nomination", "提名")
    assert response.status_code == 400
    assert "Select a valid choice. nomination is not one of the available choices." in body_of(response)
    assert CandidateProposal.objects.get(pk=line.pk).tier == ""


def test_change_to_the_same_tier_is_not_offered(client, proposed):
    line = proposed.lines[proposed.units[0].pk]
    client.force_login(proposed.office)
    assert _change(client, line, "award", "理由").status_code == 400
    assert CandidateProposal.objects.get(pk=line.pk).changed_by is None


# --- the export -------------------------------------------------------------------------------------------


def test_scores_xlsx_served_private_attachment_audited(client, proposed):
    client.force_login(proposed.office)
    response = client.get(reverse("reviews:scores_xlsx", args=[proposed.edition.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert disposition.endswith("-2025-%E8%AF%84%E5%AE%A1%E5%BE%97%E5%88%86.xlsx")  # …-2025-评审得分.xlsx
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["材料评审", "排名", "评语"]
    ranking = workbook["排名"]
    assert ranking.max_row == 8  # heading and seven candidates
    assert [ranking.cell(row, 2).value for row in range(2, 9)] == [1, 2, 3, 4, 5, 5, 7]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type, event.object_id) == (
        proposed.office,
        "awards.Edition",
        str(proposed.edition.pk),
    )
    assert event.detail.endswith("-2025-评审得分.xlsx")


# --- assignments -------------------------------------------------------------------------------------------


def _full_sheet(assignment, template):
    ConflictDeclaration.objects.create(assignment=assignment, decision=ConflictDecision.NO_CONFLICT)
    items = list(ScoreItem.objects.filter(template=template).order_by("position"))
    scores = {item.pk: {"points": p} for item, p in zip(items, ("30", "30", "25"), strict=True)}
    sheet = scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores=scores)
    return scoring.sheet_submit(sheet=sheet, by=assignment.expert.user)


def test_assignments_page_lists_the_experts_with_their_forms(client, scene):
    first, second = scene["assignments"]
    _full_sheet(first, scene["template"])
    client.force_login(scene["office"])
    board = body_of(client.get(reverse("reviews:board", args=[scene["stage"].pk])))
    url = reverse("reviews:assignments", args=[scene["stage"].pk, first.application_id])
    assert f'href="{url}" class="assignments-link"' in board
    body = body_of(client.get(url))
    assert (
        f'data-assignment="{first.pk}" data-expert="{first.expert_id}" data-live="true" data-submitted="true"' in body
    )
    assert (
        f'data-assignment="{second.pk}" data-expert="{second.expert_id}" data-live="true" data-submitted="false"'
        in body
    )
    assert body.count('class="replace-form"') == 2
    assert body.count('class="reopen-form"') == 1


def test_replace_an_expert_with_a_reason(client, scene):
    old = scene["assignments"][0]
    newcomer = make_expert("王专家")
    client.force_login(scene["office"])
    response = client.post(
        reverse("reviews:assignment_replace", args=[old.pk]),
        {f"replace-{old.pk}-expert": newcomer.pk, f"replace-{old.pk}-reason": "专家出差无法参加"},
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("reviews:assignments", args=[scene["stage"].pk, old.application_id]), 302)
    ]
    assert "王专家 has been assigned." in body_of(response)
    old.refresh_from_db()
    assert old.withdrawn_reason == "专家出差无法参加"
    assert old.withdrawn_at is not None
    new = Assignment.objects.get(expert=newcomer)
    assert (new.method, new.assigned_by, new.withdrawn_at) == ("manual", scene["office"], None)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="reviews.Assignment")
    assert event.detail.endswith(": 专家出差无法参加")


def test_replace_refusals_are_shown_with_what_was_typed(client, scene):
    old, other = scene["assignments"]
    newcomer = make_expert("王专家")
    client.force_login(scene["office"])
    url = reverse("reviews:assignment_replace", args=[old.pk])
    response = client.post(url, {f"replace-{old.pk}-expert": newcomer.pk, f"replace-{old.pk}-reason": ""})
    assert response.status_code == 400
    assert "Write why the assignment is changed." in body_of(response)
    response = client.post(url, {f"replace-{old.pk}-expert": other.expert_id, f"replace-{old.pk}-reason": "换人"})
    assert response.status_code == 400
    body = body_of(response)
    assert "李专家 is already assigned to this application at this stage." in body
    assert ">\n换人</textarea>" in body
    assert Assignment.objects.filter(withdrawn_at__isnull=True).count() == 2


def test_reopen_a_submitted_sheet_with_a_reason(client, scene):
    assignment = scene["assignments"][0]
    sheet = _full_sheet(assignment, scene["template"])
    client.force_login(scene["office"])
    url = reverse("reviews:sheet_reopen", args=[assignment.pk])
    response = client.post(url, {f"reopen-{assignment.pk}-reason": ""})
    assert response.status_code == 400
    assert "Write why the sheet is re-opened." in body_of(response)
    response = client.post(url, {f"reopen-{assignment.pk}-reason": "第三项分数录入有误"}, follow=True)
    assert "The score sheet of 张专家 has been re-opened." in body_of(response)
    sheet.refresh_from_db()
    assert (sheet.state, sheet.reopened_reason) == (SheetState.DRAFT, "第三项分数录入有误")
    response = client.post(url, {f"reopen-{assignment.pk}-reason": "再次"})
    assert response.status_code == 400
    assert "Only a submitted score sheet can be re-opened." in body_of(response)


def test_reopen_without_a_sheet_is_404(client, scene):
    client.force_login(scene["office"])
    assignment = scene["assignments"][0]
    response = client.post(reverse("reviews:sheet_reopen", args=[assignment.pk]), {"reopen-1-reason": "x"})
    assert response.status_code == 404


# --- conflict overrides ------------------------------------------------------------------------------------


def test_override_requested_then_approved_by_a_second_office_member(client, scene):
    application = scene["assignments"][0].application
    expert = make_expert("王专家")
    requester, approver = scene["office"], UserFactory(roles=[Role.OFFICE_STAFF])
    client.force_login(requester)
    response = client.post(
        reverse("reviews:overrides"),
        {"application": application.number, "expert": expert.pk, "reason": "关联已于五年前终止"},
        follow=True,
    )
    assert "The override has been requested; another member of the office approves it." in body_of(response)
    override = ConflictOverride.objects.get()
    assert (override.application, override.expert, override.reason, override.requested_by) == (
        application,
        expert,
        "关联已于五年前终止",
        requester,
    )
    approve = reverse("reviews:override_approve", args=[override.pk])
    response = client.post(approve, follow=True)
    body = body_of(response)
    assert "Another member of the office must approve this override, not the one who asked." in body
    assert f'data-override="{override.pk}" data-approved="false"' in body
    refusal = AuditEvent.objects.get(action=AuditAction.PERMISSION_REFUSED, actor=requester)
    assert refusal.detail == "the requester cannot approve their own conflict override"
    client.force_login(approver)
    response = client.post(approve, follow=True)
    assert f"The override for 王专家 and {application.number} has been approved." in body_of(response)
    override.refresh_from_db()
    assert override.approved_by == approver
    assert f'data-override="{override.pk}" data-approved="true"' in body_of(response)


def test_override_request_refusals_are_shown(client, scene):
    application = scene["assignments"][0].application
    expert = scene["experts"][0]
    client.force_login(scene["office"])
    url = reverse("reviews:overrides")
    response = client.post(url, {"application": "WH-0000-9999", "expert": expert.pk, "reason": "x"})
    assert response.status_code == 400
    assert "No application has the number WH-0000-9999." in body_of(response)
    response = client.post(url, {"application": application.number, "expert": expert.pk, "reason": " "})
    assert response.status_code == 400
    assert "Write why the conflict should be set aside." in body_of(response)
    assert not ConflictOverride.objects.exists()


# --- consensus ---------------------------------------------------------------------------------------------


def test_consensus_recorded_by_the_leader(client, consensus_scene):
    leader, application = consensus_scene["experts"][0], consensus_scene["application"]
    url = reverse("reviews:consensus", args=[consensus_scene["stage"].pk])
    client.force_login(leader.user)
    body = body_of(client.get(url))
    assert f'data-application="{application.pk}" data-recorded="false"' in body
    assert "Expert A 99.00、Expert B 90.00、Expert C 85.00、Expert D 80.00、Expert E 70.00" in body
    assert "专家1" not in body  # the other experts stay anonymous
    prefix = f"consensus-{application.pk}"
    response = client.post(
        url, {"application": application.pk, f"{prefix}-agreed_score": "86", f"{prefix}-rationale": ""}
    )
    assert response.status_code == 400
    assert "Write the rationale of the agreed score." in body_of(response)
    response = client.post(
        url,
        {
            "application": application.pk,
            f"{prefix}-agreed_score": "86",
            f"{prefix}-rationale": "经组内合议，取 86 分。",
        },
        follow=True,
    )
    assert f"The agreed score of {application.number} has been recorded." in body_of(response)
    record = ConsensusRecord.objects.get()
    assert (record.application, record.agreed_score, record.rationale, record.recorded_by) == (
        application,
        Decimal("86.00"),
        "经组内合议，取 86 分。",
        leader.user,
    )
    assert f'data-application="{application.pk}" data-recorded="true"' in body_of(response)
    again = client.post(
        url, {"application": application.pk, f"{prefix}-agreed_score": "87", f"{prefix}-rationale": "再议"}
    )
    assert again.status_code == 404
    assert ConsensusRecord.objects.count() == 1


def test_consensus_hides_an_application_the_leader_is_conflicted_with(client, consensus_scene):
    leader, application = consensus_scene["experts"][0], consensus_scene["application"]
    leader.employer = application.organisation
    leader.save()
    client.force_login(leader.user)
    url = reverse("reviews:consensus", args=[consensus_scene["stage"].pk])
    body = body_of(client.get(url))
    assert f'data-application="{application.pk}"' not in body
    assert 'id="consensus-empty"' in body
    response = client.post(url, {"application": application.pk})
    assert response.status_code == 404


# --- query counts ------------------------------------------------------------------------------------------


def _page_queries(client, scene, name, count) -> int:
    CandidateProposal.objects.all().delete()
    candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    client.force_login(scene.office)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"reviews:{name}", args=[scene.edition.pk]))
    assert response.status_code == 200
    assert body_of(response).count('data-application="') == count
    return len(queries)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # session, user, roles, edition, scored stages (page and ranking), weights, the stage's sheets and consensus
        # records, candidates, "proposed?", and the session's save (savepoint, update, release)
        ("ranking", 14),
        # session, user, roles, edition, lines, quotas, and the session's save
        ("candidates", 9),
    ],
)
def test_office_list_query_count_constant_for_1_and_15_rows(client, name, expected):
    scene = Scene("zibo-leading")
    scene.ranked("unit", 90, tags=["sme"])
    assert _page_queries(client, scene, name, 1) == expected
    scene.ranked("unit", *range(89, 82, -1), tags=["sme"])
    scene.ranked("individual", *range(80, 73, -1))
    assert _page_queries(client, scene, name, 15) == expected
