"""Stage windows (issue 10, item 3): sheets only while the stage is open, on-site and defence sheets only from the
day of the visit or the session, and a closed stage takes no sheet, assignment or record."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from reviews import assigning, scoring, stage_records
from reviews.enums import CreditRecordKind, GateOutcome, SheetState
from reviews.models import (
    Assignment,
    ConflictDeclaration,
    DefenceSession,
    EditionStage,
    ExpertCreditRecord,
    GateRecord,
    ScoreSheet,
    SiteVisit,
)
from tests.reviews.conftest import make_expert
from tests.reviews.test_views import add_application, full_scores

TODAY = timezone.localdate()


def _declared(assignment):
    ConflictDeclaration.objects.create(assignment=assignment, decision="no_conflict")
    return assignment


def _move_stage(scene, kind: str) -> EditionStage:
    """The scene's stage and application moved to another scored stage of the same rulebook."""
    edition_stage = scene["stage"]
    stage = edition_stage.edition.rulebook.stages.get(kind=kind)
    EditionStage.objects.filter(pk=edition_stage.pk).update(stage=stage)
    for assignment in scene["assignments"]:
        type(assignment.application).objects.filter(pk=assignment.application_id).update(current_stage=stage)
    edition_stage.refresh_from_db()
    return edition_stage


def _assignment(scene) -> Assignment:
    return Assignment.objects.select_related("edition_stage__stage", "expert__user").get(pk=scene["assignments"][0].pk)


def _save(scene):
    assignment = _assignment(scene)
    return scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores=full_scores(scene["template"]))


def _close(scene):
    EditionStage.objects.filter(pk=scene["stage"].pk).update(
        closed_at=timezone.make_aware(datetime(2026, 11, 30, 10, 0)), closed_by=scene["office"]
    )
    scene["stage"].refresh_from_db()


# --- the stage's own dates -------------------------------------------------------------------------------------


def test_sheet_before_the_stage_opens_refused_with_the_date(scene):
    _declared(scene["assignments"][0])
    opens = TODAY + timedelta(days=3)
    EditionStage.objects.filter(pk=scene["stage"].pk).update(opens=opens, sheets_due=opens + timedelta(days=5))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _save(scene)
    assert refused.value.messages == [
        f"The Material review opens on {opens.isoformat()}; the score sheet can be filled in and submitted from then."
    ]
    assert not ScoreSheet.objects.exists()


def test_sheet_of_a_closed_stage_neither_saved_nor_submitted(scene):
    _declared(scene["assignments"][0])
    sheet = _save(scene)
    _close(scene)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _save(scene)
    assert refused.value.messages == ["The Material review was closed on 2026-11-30; it takes no more score sheets."]
    with translation.override("en"), pytest.raises(ValidationError, match="was closed on 2026-11-30"):
        scoring.sheet_submit(sheet=sheet, by=scene["experts"][0].user)
    sheet.refresh_from_db()
    assert sheet.state == SheetState.DRAFT


def test_late_sheet_accepted_until_the_stage_is_closed_and_noted_on_the_credit_record(scene):
    """Late sheets: accepted after the due date while the stage is open (the project's choice, see
    reviews.scoring), with an entry on the expert's credit record."""
    _declared(scene["assignments"][0])
    due = TODAY - timedelta(days=1)
    EditionStage.objects.filter(pk=scene["stage"].pk).update(opens=TODAY - timedelta(days=10), sheets_due=due)
    window = scoring.sheet_window(assignment=_assignment(scene))
    assert (window.can_save, window.can_submit, window.reason) == (True, True, "")
    with translation.override("en"):
        assert scoring.sheet_window(assignment=_assignment(scene)).notice == (
            f"The score sheets were due on {due.isoformat()}. A late sheet is still accepted until the award office "
            "closes the stage, and it is noted on your credit record."
        )
    sheet = scoring.sheet_submit(sheet=_save(scene), by=scene["experts"][0].user)
    assert sheet.state == SheetState.SUBMITTED
    assert ExpertCreditRecord.objects.get().kind == CreditRecordKind.LATE_SHEET


# --- on-site review: from the day of the visit ---------------------------------------------------------------------


def _visit(scene, day):
    edition_stage = scene["stage"]
    visit = SiteVisit.objects.create(
        edition_stage=edition_stage,
        application=scene["assignments"][0].application,
        scheduled_on=day,
        place="威海市环翠区",
        scheduled_by=scene["office"],
    )
    visit.team.set(scene["experts"])
    return visit


@pytest.mark.parametrize("article", ["weihai-art14"])
def test_onsite_sheet_before_the_visit_kept_as_draft_not_submitted(scene, article):
    _move_stage(scene, "onsite_review")
    _declared(scene["assignments"][0])
    day = TODAY + timedelta(days=4)
    _visit(scene, day)
    sheet = _save(scene)  # the draft may be prepared from the materials
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        scoring.sheet_submit(sheet=sheet, by=scene["experts"][0].user)
    assert refused.value.messages == [
        f"The on-site review is scheduled for {day.isoformat()}; the score sheet can be submitted from then."
    ]
    with translation.override("zh-hans"):
        # The Chinese sentence once the catalogue is merged: "现场评审定于 …，届时才能提交评分表"; the date is kept.
        assert day.isoformat() in scoring.sheet_window(assignment=_assignment(scene)).reason


def test_onsite_sheet_without_a_visit_not_submitted(scene):
    _move_stage(scene, "onsite_review")
    _declared(scene["assignments"][0])
    sheet = _save(scene)
    with translation.override("en"), pytest.raises(ValidationError, match="has not been scheduled yet"):
        scoring.sheet_submit(sheet=sheet, by=scene["experts"][0].user)


@pytest.mark.parametrize("days_ago", [0, 2])
def test_onsite_sheet_on_or_after_the_visit_submitted(scene, days_ago):
    _move_stage(scene, "onsite_review")
    _declared(scene["assignments"][0])
    _visit(scene, TODAY - timedelta(days=days_ago))
    assert scoring.sheet_submit(sheet=_save(scene), by=scene["experts"][0].user).state == SheetState.SUBMITTED


# --- oral defence: from the day of the session -----------------------------------------------------------------------


def _session(scene, day):
    session = DefenceSession.objects.create(
        edition_stage=scene["stage"],
        starts_at=timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=9)),
        place="市民中心三楼会议室",
        scheduled_by=scene["office"],
    )
    session.applications.set([scene["assignments"][0].application])
    return session


def test_defence_sheet_before_the_session_refused_with_its_date(scene):
    _move_stage(scene, "oral_defence")
    _declared(scene["assignments"][0])
    day = TODAY + timedelta(days=1)
    _session(scene, day)
    sheet = _save(scene)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        scoring.sheet_submit(sheet=sheet, by=scene["experts"][0].user)
    assert refused.value.messages == [
        f"The oral defence is scheduled for {day.isoformat()}; the score sheet can be submitted from then."
    ]


def test_defence_sheet_without_a_session_refused(scene):
    _move_stage(scene, "oral_defence")
    _declared(scene["assignments"][0])
    with translation.override("en"), pytest.raises(ValidationError, match="No defence session"):
        scoring.sheet_submit(sheet=_save(scene), by=scene["experts"][0].user)


def test_defence_sheet_on_the_day_of_the_session_submitted(scene):
    _move_stage(scene, "oral_defence")
    _declared(scene["assignments"][0])
    _session(scene, TODAY)
    assert scoring.sheet_submit(sheet=_save(scene), by=scene["experts"][0].user).state == SheetState.SUBMITTED


# --- a closed stage takes no assignment and no record --------------------------------------------------------------


def test_closed_stage_takes_no_assignment_run(scene):
    Assignment.objects.all().delete()
    _close(scene)
    for run in (
        lambda: assigning.assign_optimal(edition_stage=scene["stage"], by=scene["office"]),
        lambda: assigning.assign_random(edition_stage=scene["stage"], seed=7, by=scene["office"]),
    ):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            run()
        assert refused.value.messages == [
            "This stage was closed on 2026-11-30; no expert is assigned or changed any more."
        ]
    assert not Assignment.objects.exists()


def test_closed_stage_takes_no_assignment_change(scene):
    _close(scene)
    newcomer = make_expert("王专家")
    with translation.override("en"), pytest.raises(ValidationError, match="no expert is assigned or changed"):
        assigning.assignment_replace(
            assignment=scene["assignments"][0], expert=newcomer, reason="专家出差", by=scene["office"]
        )
    assert Assignment.objects.filter(withdrawn_at__isnull=True).count() == 2


def test_closed_stage_sheet_not_reopened(scene):
    _declared(scene["assignments"][0])
    sheet = scoring.sheet_submit(sheet=_save(scene), by=scene["experts"][0].user)
    _close(scene)
    with translation.override("en"), pytest.raises(ValidationError, match="can no longer be re-opened"):
        scoring.sheet_reopen(sheet=sheet, by=scene["office"], reason="分数录入错误")
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED


def test_closed_gate_stage_takes_no_record(weihai, office):
    EditionStage.objects.filter(pk=weihai["stage"].pk).update(
        closed_at=timezone.make_aware(datetime(2026, 11, 30, 10, 0)), closed_by=office
    )
    weihai["stage"].refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        stage_records.gate_record(
            edition_stage=weihai["stage"],
            application=weihai["application"],
            outcome=GateOutcome.PASS,
            note="",
            by=office,
        )
    assert refused.value.messages == ["This stage was closed on 2026-11-30; no more results are recorded."]
    assert not GateRecord.objects.exists()


def test_closed_stage_schedules_no_visit_or_session(scene):
    application = scene["assignments"][0].application
    _move_stage(scene, "onsite_review")
    _close(scene)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        stage_records.site_visit_schedule(
            edition_stage=scene["stage"],
            application=application,
            scheduled_on=TODAY,
            place="威海",
            team=scene["experts"],
            by=scene["office"],
        )
    assert refused.value.messages == ["This stage was closed on 2026-11-30; nothing more is scheduled at it."]
    _move_stage(scene, "oral_defence")
    with translation.override("en"), pytest.raises(ValidationError, match="nothing more is scheduled"):
        stage_records.defence_session_schedule(
            edition_stage=scene["stage"],
            starts_at=timezone.now(),
            place="市民中心",
            applications=[application],
            by=scene["office"],
        )
    assert not SiteVisit.objects.exists() and not DefenceSession.objects.exists()


# --- the sheet page ----------------------------------------------------------------------------------------------


def _sheet_page(client, scene) -> str:
    expert = scene["experts"][0]
    client.force_login(expert.user)
    response = client.get(reverse("reviews:sheet", args=[scene["assignments"][0].pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_sheet_page_of_a_closed_stage_shows_why_and_disables_the_sheet(client, scene):
    _declared(scene["assignments"][0])
    _close(scene)
    page = _sheet_page(client, scene)
    assert 'id="sheet-window" data-can-save="false" data-can-submit="false"' in page
    assert '<fieldset disabled id="sheet-fields">' in page
    assert 'id="save-button" disabled' in page
    assert 'id="submit-button"' in page and 'disabled aria-describedby="sheet-window"' in page


def test_sheet_page_before_the_visit_saves_but_does_not_submit(client, scene):
    _move_stage(scene, "onsite_review")
    _declared(scene["assignments"][0])
    _visit(scene, TODAY + timedelta(days=5))
    page = _sheet_page(client, scene)
    assert 'data-can-save="true" data-can-submit="false"' in page
    assert (TODAY + timedelta(days=5)).isoformat() in page
    assert 'id="save-button">' in page
    assert '<fieldset id="sheet-fields">' in page


def test_sheet_page_submit_after_the_close_refused_and_nothing_changes(client, scene):
    _declared(scene["assignments"][0])
    _close(scene)
    expert = scene["experts"][0]
    client.force_login(expert.user)
    data = {f"points-{item_id}": value["points"] for item_id, value in full_scores(scene["template"]).items()}
    response = client.post(reverse("reviews:sheet", args=[scene["assignments"][0].pk]), {**data, "action": "submit"})
    assert response.status_code == 400
    assert 'id="sheet-errors"' in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_sheet_page_of_an_open_stage_is_unchanged(client, scene):
    _declared(scene["assignments"][0])
    page = _sheet_page(client, scene)
    assert 'id="sheet-window"' not in page
    assert 'id="submit-button" data-confirm=' in page and 'id="save-button">' in page


def test_sheet_window_reads_one_row_for_an_onsite_stage(scene, django_assert_num_queries):
    _move_stage(scene, "onsite_review")
    add_application(scene, 2)
    assignment = _assignment(scene)
    with django_assert_num_queries(1):
        scoring.sheet_window(assignment=assignment)
