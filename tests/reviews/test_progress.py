"""Closing a scored stage and moving the applications on (issue 10, item 2), and the gate page's bulk buttons."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications.models import Application, ApplicationTransition
from applications.services import application_pass_stage
from awards.enums import EditionStatus
from reviews import progress
from reviews.enums import GateOutcome, SheetState
from reviews.models import Assignment, EditionStage, GateRecord, ScoreSheet
from tests.applications.conftest import make_edition, make_unit_applicant
from tests.concurrency import needs_postgres, run_together
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.conftest import _application, _edition_stage, make_expert, three_criteria_sheet


def build(totals, *, kind="material_review", code="weihai-mayor", edition=None, sheets_due_in=10):
    """A scored stage with one application per entry of `totals`: each entry lists the experts' sheet totals
    (None: assigned, sheet not submitted). Applications are numbered in the order given."""
    edition = edition or make_edition(code)
    stage = edition.rulebook.stages.get(kind=kind)
    template = three_criteria_sheet()
    today = timezone.localdate()
    edition_stage = EditionStage.objects.create(
        edition=edition,
        stage=stage,
        opens=today - timedelta(days=20),
        sheets_due=today + timedelta(days=sheets_due_in),
        score_sheet=template,
    )
    office = UserFactory(roles=[Role.OFFICE_STAFF])
    width = max((len(scores) for scores in totals), default=0)
    experts = [make_expert(f"专家{i}") for i in range(width)]
    applications = []
    for n, scores in enumerate(totals, start=1):
        applicant = make_unit_applicant()
        application = Application.objects.create(
            edition=edition,
            category="unit",
            owner=applicant,
            organisation=applicant.organisation,
            applicant_key=f"org:{applicant.organisation_id}",
            recommender=applicant.organisation.district,
            state="in_review",
            number=f"{edition.scheme.number_prefix}-{edition.year}-{n:04d}",
            current_stage=stage,
        )
        for expert, total in zip(experts, scores, strict=False):
            assignment = Assignment.objects.create(
                edition_stage=edition_stage, application=application, expert=expert, method="manual", assigned_by=office
            )
            if total is not None:
                ScoreSheet.objects.create(
                    assignment=assignment, template=template, state=SheetState.SUBMITTED, total=Decimal(total)
                )
        applications.append(application)
    return {"edition_stage": edition_stage, "applications": applications, "office": office, "stage": stage}


def fresh(application) -> Application:
    return Application.objects.select_related("current_stage").get(pk=application.pk)


def ids(applications) -> list[int]:
    return [application.pk for application in applications]


# --- the ranking at the stage ---------------------------------------------------------------------------------


def test_stage_progress_ranks_by_final_score_ties_share_a_rank_unscored_last(db):
    scene = build([(80, 70), (90, 90), (75, 75), (None, None)])
    a, b, c, d = scene["applications"]
    with translation.override("en"):
        result = progress.stage_progress(edition_stage=scene["edition_stage"])
    assert [(row.pk, row.rank, row.final) for row in result.rows] == [
        (b.pk, 1, Decimal("90.00")),
        (a.pk, 2, Decimal("75.00")),
        (c.pk, 2, Decimal("75.00")),
        (d.pk, None, None),
    ]
    assert [(row.assigned, row.submitted) for row in result.rows] == [(2, 2), (2, 2), (2, 2), (2, 0)]
    assert result.missing_sheets == 2
    assert result.rows[1].default_reason == "Not passed on to the next stage: score 75, rank 2 of 3."
    assert result.rows[3].default_reason == "Not passed on to the next stage: no score sheet was submitted."
    assert result.next_stage.kind == "onsite_review" and not result.defence_list


def test_select_top_cut_inside_a_tie_leaves_the_tied_to_the_office(db):
    scene = build([(80, 70), (90, 90), (75, 75), (60, 60)])
    a, b, c, _d = scene["applications"]
    result = progress.stage_progress(edition_stage=scene["edition_stage"])
    selection = progress.select_top(result, 2)
    assert selection.passing == {b.pk}
    assert sorted(row.pk for row in selection.tied) == sorted([a.pk, c.pk])
    assert progress.select_top(result, 3).passing == {a.pk, b.pk, c.pk}
    assert progress.select_top(result, 3).tied == []
    assert progress.select_top(result, 10).passing == set(ids(scene["applications"]))


def test_select_at_or_above_keeps_ties_together(db):
    scene = build([(80, 70), (90, 90), (75, 75), (60, 60)])
    a, b, c, _d = scene["applications"]
    result = progress.stage_progress(edition_stage=scene["edition_stage"])
    assert progress.select_at_or_above(result, Decimal("75")).passing == {a.pk, b.pk, c.pk}
    assert progress.select_at_or_above(result, Decimal("75.01")).passing == {b.pk}


# --- closing --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("article", ["weihai-art14"])
def test_stage_close_passes_the_chosen_and_the_others_are_not_selected(db, article):
    scene = build([(80, 70), (90, 90), (60, 60)])
    a, b, c = scene["applications"]
    edition_stage, office = scene["edition_stage"], scene["office"]
    with translation.override("en"):
        result = progress.stage_close(
            edition_stage=edition_stage,
            decided=ids(scene["applications"]),
            passing=[a.pk, b.pk],
            reasons={c.pk: "未进入下一阶段：得分 60，名次 3"},
            by=office,
        )
    assert result.closed and result.bulk.refused == []
    assert sorted(row.pk for row in result.passed) == sorted([a.pk, b.pk])
    for application in (a, b):
        moved = fresh(application)
        assert (moved.state, moved.current_stage.kind) == ("in_review", "onsite_review")
    rejected = fresh(c)
    assert (rejected.state, rejected.current_stage.kind) == ("not_selected", "material_review")
    last = ApplicationTransition.objects.filter(application=c).latest("pk")
    assert (last.from_state, last.to_state, last.actor, last.comment) == (
        "in_review",
        "not_selected",
        office,
        "Material review: 未进入下一阶段：得分 60，名次 3",
    )
    assert ApplicationTransition.objects.filter(application=b).latest("pk").comment == "Passed on: score 90, rank 1."
    edition_stage.refresh_from_db()
    assert edition_stage.closed_by == office and edition_stage.closed_at is not None
    audit = AuditEvent.objects.filter(action=AuditAction.UPDATE, detail__startswith="stage closed").get()
    assert audit.detail == "stage closed: 2 passed on, 1 not selected"


def test_stage_close_default_reason_where_none_is_typed(db):
    scene = build([(90, 90), (60, 60)])
    a, b = scene["applications"]
    with translation.override("en"):
        progress.stage_close(
            edition_stage=scene["edition_stage"], decided=ids(scene["applications"]), passing=[a.pk], by=scene["office"]
        )
    assert ApplicationTransition.objects.filter(application=b).latest("pk").comment == (
        "Material review: Not passed on to the next stage: score 60, rank 2 of 2."
    )


def test_stage_close_last_review_stage_puts_the_passed_on_the_candidate_list_weihai_art15(db):
    scene = build([(90, 90), (60, 60)], kind="oral_defence")
    a, b = scene["applications"]
    progress.stage_close(
        edition_stage=scene["edition_stage"], decided=ids(scene["applications"]), passing=[a.pk], by=scene["office"]
    )
    passed = fresh(a)
    assert (passed.state, passed.current_stage.kind) == ("candidate", "candidate_list")
    assert fresh(b).state == "not_selected"


def _national_edition():
    # The national benchmark's 2022 rules are in force in 2022 only.
    return make_edition(
        "national-benchmark",
        year=2022,
        status=EditionStatus.FINISHED,
        opens=date(2022, 3, 1),
        closes=date(2022, 4, 30),
        recommend=date(2022, 5, 31),
    )


def test_stage_close_national_material_review_passed_form_the_defence_list_art19_20(client, db):
    scene = build([(90, 88), (85, 80), (50, 55)], code="national-benchmark", edition=_national_edition())
    a, b, c = scene["applications"]
    edition_stage, office = scene["edition_stage"], scene["office"]
    defence = _edition_stage(edition_stage.edition, "oral_defence", opens=timezone.localdate())
    with translation.override("en"):  # the reasons are written in the language of the office's page
        result = progress.stage_progress(edition_stage=edition_stage)
    assert result.defence_list and result.next_edition_stage == defence
    assert result.rows[2].default_reason == "Not on the defence list: score 52.5, rank 3 of 3."
    client.force_login(office)
    page = client.get(reverse("reviews:stage_progress", args=[edition_stage.pk])).content.decode()
    assert 'data-defence-list="true"' in page
    assert 'id="defence-list-note"' in page and "第十九条、第二十条" in page
    assert reverse("reviews:defence", args=[defence.pk]) in page
    selection = progress.select_top(result, 2)
    progress.stage_close(
        edition_stage=edition_stage, decided=ids(scene["applications"]), passing=selection.passing, by=office
    )
    assert [fresh(x).current_stage.kind for x in (a, b)] == ["oral_defence", "oral_defence"]
    assert fresh(c).state == "not_selected"
    page = client.get(reverse("reviews:defence", args=[defence.pk])).content.decode()
    for application in (a, b):
        assert f'value="{application.pk}"' in page
    assert f'value="{c.pk}"' not in page


def test_stage_close_refused_while_sheets_are_missing_unless_a_reason_is_written(db):
    scene = build([(90, None), (60, 60), (None, None)])
    a, b, c = scene["applications"]
    edition_stage = scene["edition_stage"]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        progress.stage_close(
            edition_stage=edition_stage, decided=ids(scene["applications"]), passing=[a.pk], by=scene["office"]
        )
    assert refused.value.messages == [
        "3 of the 6 score sheets of the applications at this stage are not submitted.",
        f"No submitted score sheet at all: {c.number}.",
        "Wait for them, or write why the stage is closed all the same.",
    ]
    assert [fresh(x).state for x in (a, b, c)] == ["in_review"] * 3
    edition_stage.refresh_from_db()
    assert edition_stage.closed_at is None
    result = progress.stage_close(
        edition_stage=edition_stage,
        decided=ids(scene["applications"]),
        passing=[a.pk],
        missing_reason="两位专家因病无法评审，领导小组同意按已交评分表排名",
        by=scene["office"],
    )
    assert result.closed
    edition_stage.refresh_from_db()
    assert edition_stage.closed_note == "两位专家因病无法评审，领导小组同意按已交评分表排名"
    assert [fresh(x).state for x in (a, b, c)] == ["in_review", "not_selected", "not_selected"]


def test_stage_close_refused_when_a_consensus_is_still_to_record(db):
    scene = build([(90, 40), (60, 60)])
    EditionStage.objects.filter(pk=scene["edition_stage"].pk).update(consensus_spread=Decimal("20"))
    scene["edition_stage"].refresh_from_db()
    a = scene["applications"][0]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        progress.stage_close(
            edition_stage=scene["edition_stage"], decided=ids(scene["applications"]), passing=[a.pk], by=scene["office"]
        )
    assert (
        f"The scores spread beyond the stage's threshold and no consensus is recorded: {a.number}."
        in refused.value.messages
    )


def test_stage_close_refuses_to_split_a_tie_silently(db):
    scene = build([(80, 80), (80, 80), (60, 60)])
    a, b, c = scene["applications"]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        progress.stage_close(
            edition_stage=scene["edition_stage"], decided=ids(scene["applications"]), passing=[a.pk], by=scene["office"]
        )
    assert refused.value.messages == [
        f"The choice separates applications with the same score: {a.number}（80）、{b.number}（80）. "
        "Confirm that you have chosen between them."
    ]
    assert fresh(a).state == "in_review"
    progress.stage_close(
        edition_stage=scene["edition_stage"],
        decided=ids(scene["applications"]),
        passing=[a.pk],
        ties_decided=True,
        by=scene["office"],
    )
    assert [fresh(x).state for x in (a, b, c)] == ["in_review", "not_selected", "not_selected"]
    audit = AuditEvent.objects.get(detail__startswith="stage closed")
    assert audit.detail.endswith(f"ties decided by hand: {a.number}, {b.number}")


def test_stage_close_twice_refused(db):
    scene = build([(90, 90)])
    progress.stage_close(
        edition_stage=scene["edition_stage"], decided=ids(scene["applications"]), passing=[], by=scene["office"]
    )
    with translation.override("en"), pytest.raises(ValidationError, match="This stage was closed on"):
        progress.stage_close(
            edition_stage=scene["edition_stage"], decided=ids(scene["applications"]), passing=[], by=scene["office"]
        )
    assert ApplicationTransition.objects.filter(application=scene["applications"][0]).count() == 1


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.QUALIFICATION_DEPARTMENT, Role.SUPERVISOR])
def test_stage_close_wrong_role_refused_and_audit_row_kept(db, role):
    scene = build([(90, 90)])
    user = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        progress.stage_close(
            edition_stage=scene["edition_stage"], decided=ids(scene["applications"]), passing=[], by=user
        )
    assert fresh(scene["applications"][0]).state == "in_review"
    assert AuditEvent.objects.filter(actor=user, result=AuditResult.REFUSED).count() == 1


def test_stage_close_by_the_agency_that_runs_the_stage_only(db):
    scene = build([(90, 90)])
    edition_stage = scene["edition_stage"]
    agency, other = OrganisationFactory(name="山东质量评价中心"), OrganisationFactory(name="另一评价机构")
    EditionStage.objects.filter(pk=edition_stage.pk).update(run_by=agency)
    edition_stage.refresh_from_db()
    outsider = UserFactory(roles=[Role.AGENCY_STAFF], agency=other)
    with pytest.raises(PermissionDenied):
        progress.stage_close(edition_stage=edition_stage, decided=ids(scene["applications"]), passing=[], by=outsider)
    runner = UserFactory(roles=[Role.AGENCY_STAFF], agency=agency)
    assert progress.stage_close(
        edition_stage=edition_stage,
        decided=ids(scene["applications"]),
        passing=ids(scene["applications"]),
        by=runner,
    ).closed


def test_stage_close_of_a_gate_stage_refused(db, weihai, office):
    with translation.override("en"), pytest.raises(ValidationError, match="is not scored by experts"):
        progress.stage_close(edition_stage=weihai["stage"], decided=[weihai["application"].pk], passing=[], by=office)


def test_stage_close_mix_acts_on_those_that_may_move_and_lists_the_others(db):
    """An application that left the stage meanwhile is listed with the reason; one that arrived after the page
    was loaded is not decided and keeps the stage open; an emptied reason refuses that application only."""
    scene = build([(90, 90), (80, 80), (70, 70)])
    a, b, c = scene["applications"]
    edition_stage, office = scene["edition_stage"], scene["office"]
    late = _application(edition_stage.edition, "material_review", number=9)  # arrives after the page was loaded
    # b has moved on meanwhile (another office user, say): not at the stage any more.
    application_pass_stage(application=b, by=office, stage=scene["stage"])
    with translation.override("en"):
        result = progress.stage_close(
            edition_stage=edition_stage,
            decided=ids(scene["applications"]),
            passing=[a.pk, b.pk],
            reasons={c.pk: "   "},
            missing_reason="迟到的申报另行评审",
            by=office,
        )
    assert [row.pk for row in result.bulk.done] == [a.pk]
    assert sorted((row.pk, reason) for row, reason in result.bulk.refused) == [
        (c.pk, "Write the reason the applicant will read."),
    ]
    assert not result.closed and result.remaining == 2  # c (refused) and the late one
    assert (fresh(c).state, fresh(late).state) == ("in_review", "in_review")
    edition_stage.refresh_from_db()
    assert edition_stage.closed_at is None
    result = progress.stage_close(
        edition_stage=edition_stage,
        decided=[c.pk, late.pk],
        passing=[],
        missing_reason="迟到的申报另行评审",
        by=office,
    )
    assert result.closed
    assert ApplicationTransition.objects.filter(application=b).count() == 1  # moved once, by the first user


# --- two office users at once (PostgreSQL) -----------------------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_stage_close_two_users_at_once_move_each_application_once():
    scene = build([(90, 90), (80, 80), (70, 70)])
    edition_stage = scene["edition_stage"]
    second = UserFactory(roles=[Role.OFFICE_STAFF])
    decided = ids(scene["applications"])

    def close(user):
        return lambda: progress.stage_close(
            edition_stage=EditionStage.objects.select_related("stage").get(pk=edition_stage.pk),
            decided=decided,
            passing=decided[:2],
            by=user,
        )

    errors, results = run_together([close(scene["office"]), close(second)])
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    for application in scene["applications"]:
        assert ApplicationTransition.objects.filter(application=application).count() == 1
    assert [fresh(x).state for x in scene["applications"]] == ["in_review", "in_review", "not_selected"]


# --- the page ---------------------------------------------------------------------------------------------------


def url(scene) -> str:
    return reverse("reviews:stage_progress", args=[scene["edition_stage"].pk])


def test_progress_page_anonymous_goes_to_login(client, db):
    scene = build([(90, 90)])
    response = client.get(url(scene))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.DISTRICT_COORDINATOR, Role.AUDITOR])
def test_progress_page_wrong_role_refused(client, db, role):
    scene = build([(90, 90)])
    client.force_login(UserFactory(roles=[role]))
    assert client.get(url(scene)).status_code == 403
    assert client.post(url(scene), {"shown": scene["applications"][0].pk}).status_code == 403
    assert fresh(scene["applications"][0]).state == "in_review"


def test_progress_page_404_for_a_gate_stage_or_an_unknown_stage(client, weihai, office):
    client.force_login(office)
    assert client.get(reverse("reviews:stage_progress", args=[weihai["stage"].pk])).status_code == 404
    assert client.get(reverse("reviews:stage_progress", args=[999999])).status_code == 404


def test_progress_page_top_n_ticks_the_best_and_shows_the_tie_at_the_cut(client, db):
    scene = build([(80, 70), (90, 90), (75, 75), (60, 60)])
    a, b, c, d = scene["applications"]
    client.force_login(scene["office"])
    page = client.get(url(scene), {"mode": "top", "top": "2"}).content.decode()
    assert (
        f'<tr data-application="{b.pk}" data-rank="1" data-final="90.00" data-at-stage="true" data-passes="true">'
        in page
    )
    assert (
        f'data-application="{a.pk}" data-rank="2" data-final="75.00" data-at-stage="true" data-passes="false" ' in page
    )
    assert (
        f'data-application="{c.pk}" data-rank="2" data-final="75.00" data-at-stage="true" data-passes="false" ' in page
    )
    assert page.count('data-tied="true"') == 2
    assert 'id="progress-ties"' in page and 'name="ties_decided"' in page
    page = client.get(url(scene), {"mode": "score", "min_score": "75"}).content.decode()
    assert page.count('data-passes="true"') == 3 and 'id="progress-ties"' not in page
    assert (
        f'data-application="{d.pk}" data-rank="4" data-final="60.00" data-at-stage="true" data-passes="false">' in page
    )


def test_progress_page_close_moves_on_and_the_board_shows_the_close(client, db):
    scene = build([(90, 90), (60, 60)])
    a, b = scene["applications"]
    client.force_login(scene["office"])
    response = client.post(
        url(scene), {"shown": [a.pk, b.pk], "pass": [a.pk], f"reason-{b.pk}": "未进入下一阶段：得分 60，名次 2"}
    )
    assert response.status_code == 302 and response["Location"] == url(scene)
    assert (fresh(a).current_stage.kind, fresh(b).state) == ("onsite_review", "not_selected")
    page = client.get(url(scene)).content.decode()
    assert 'data-closed="true"' in page and 'id="stage-closed"' in page and 'id="close-stage"' not in page
    board = client.get(reverse("reviews:board", args=[scene["edition_stage"].pk])).content.decode()
    assert 'data-closed="true"' in board and 'id="stage-closed"' in board
    assert 'data-can-assign="false"' in board
    assert url(scene) in board


def test_board_of_an_open_scored_stage_links_the_progress_page(client, db):
    scene = build([(90, 90)])
    client.force_login(scene["office"])
    board = client.get(reverse("reviews:board", args=[scene["edition_stage"].pk])).content.decode()
    assert 'id="stage-open"' in board and f'href="{url(scene)}" id="progress-link"' in board


def test_progress_page_refusal_keeps_ticks_and_reasons(client, db):
    scene = build([(90, None), (60, 60)])
    a, b = scene["applications"]
    client.force_login(scene["office"])
    with translation.override("en"):
        response = client.post(
            url(scene),
            {"shown": [a.pk, b.pk], "pass": [a.pk], f"reason-{b.pk}": "得分不足"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="progress-errors"' in page
    assert f'name="reason-{b.pk}" id="reason-{b.pk}" value="得分不足"' in page
    assert f'name="pass" value="{a.pk}" id="pass-{a.pk}" checked' in page
    assert 'name="missing_reason"' in page
    assert fresh(a).state == "in_review"


def test_progress_page_malformed_ids_are_404(client, db):
    scene = build([(90, 90)])
    client.force_login(scene["office"])
    assert client.post(url(scene), {"shown": ["x"]}).status_code == 404


def test_progress_page_query_count_the_same_at_1_and_50_applications(client, db):
    counts = []
    for size in (1, 50):
        scene = build(
            [(80 + (n % 7), 70 + (n % 5)) for n in range(size)],
            edition=make_edition(year=timezone.localdate().year + size),
        )
        client.force_login(scene["office"])
        client.get(url(scene))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(scene), {"mode": "top", "top": "3"})
        assert response.status_code == 200
        assert response.content.decode().count('data-at-stage="true"') == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- the gate page's bulk buttons ---------------------------------------------------------------------------------


@pytest.fixture
def gate(db, weihai):
    others = [_application(weihai["edition"], "public_opinion", number=n) for n in (2, 3)]
    return {**weihai, "applications": [weihai["application"], *others]}


def _gate_url(gate) -> str:
    return reverse("reviews:gate", args=[gate["stage"].pk])


def test_gate_bulk_pass_all_selected(client, gate, office):
    a, b, c = gate["applications"]
    client.force_login(office)
    response = client.post(
        _gate_url(gate), {"action": "bulk_pass", "selected": [a.pk, c.pk], f"gate-{a.pk}-note": "无负面舆情"}
    )
    assert response.status_code == 302 and response["Location"] == _gate_url(gate)
    assert [fresh(x).current_stage.kind for x in (a, b, c)] == [
        "qualification_check",
        "public_opinion",
        "qualification_check",
    ]
    assert sorted(GateRecord.objects.values_list("application_id", "outcome", "note")) == [
        (a.pk, GateOutcome.PASS, "无负面舆情"),
        (c.pk, GateOutcome.PASS, ""),
    ]


def test_gate_bulk_fail_with_a_reason_each_refuses_the_one_without(client, gate, office):
    a, b, c = gate["applications"]
    client.force_login(office)
    with translation.override("en"):
        response = client.post(
            _gate_url(gate),
            {
                "action": "bulk_fail",
                "selected": [a.pk, b.pk, c.pk],
                f"gate-{a.pk}-note": "媒体报道重大质量事故",
                f"gate-{b.pk}-note": "  ",
                f"gate-{c.pk}-note": "存在严重失信记录",
            },
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert [fresh(x).state for x in (a, b, c)] == ["disqualified", "in_review", "disqualified"]
    page = response.content.decode()
    assert f"{b.number} was not recorded: Write the reason the applicant will read." in page
    assert (
        ApplicationTransition.objects.filter(application=c).latest("pk").comment
        == "Public-opinion check: 存在严重失信记录"
    )
    assert f'class="border-bottom pb-3 mb-3 gate-row" data-application="{b.pk}"' in page


def test_gate_bulk_without_a_tick_changes_nothing(client, gate, office):
    client.force_login(office)
    response = client.post(_gate_url(gate), {"action": "bulk_pass"})
    assert response.status_code == 302
    assert not GateRecord.objects.exists()


def test_gate_bulk_where_departments_sign_off_is_404(client, linyi, office):
    client.force_login(office)
    url = reverse("reviews:gate", args=[linyi["stage"].pk])
    assert client.post(url, {"action": "bulk_pass", "selected": [linyi["application"].pk]}).status_code == 404
    assert not GateRecord.objects.exists()


def test_gate_bulk_wrong_role_refused(client, gate):
    client.force_login(UserFactory(roles=[Role.EXPERT]))
    assert (
        client.post(_gate_url(gate), {"action": "bulk_pass", "selected": ids(gate["applications"])}).status_code == 403
    )
    assert not GateRecord.objects.exists()


def test_gate_page_renders_one_form_with_bulk_and_row_buttons(client, gate, office):
    client.force_login(office)
    page = client.get(_gate_url(gate)).content.decode()
    assert page.count('class="btn btn-primary btn-sm gate-record"') == 3
    assert 'id="bulk-pass"' in page and 'id="bulk-fail"' in page
    for application in gate["applications"]:
        assert f'name="selected" value="{application.pk}"' in page
        assert f'name="application" value="{application.pk}"' in page
