"""An expert logs in, declares no conflict, scores the national-benchmark sheet of a material review (the running
total follows the points and autosaves), saves and submits. States are read from data attributes, so the test
does not depend on the wording of the zh-Hans catalogue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.enums import Role
from applications.models import Application
from reviews.enums import ConflictDecision, SheetState
from reviews.models import Assignment, EditionStage, ExpertProfile, ScoreItem, ScoreSheet
from tests.applications.conftest import make_edition, make_unit_applicant
from tests.factories import TEST_PASSWORD, UserFactory
from tests.reviews.conftest import three_criteria_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _scene():
    edition = make_edition()
    office = UserFactory(roles=[Role.OFFICE_STAFF])
    applicant = make_unit_applicant()
    application = Application.objects.create(
        edition=edition,
        category="unit",
        owner=applicant,
        organisation=applicant.organisation,
        applicant_key=f"org:{applicant.organisation_id}",
        recommender=applicant.organisation.district,
        state="in_review",
        number=f"WH-{edition.year}-0001",
        current_stage=edition.rulebook.stages.get(kind="material_review"),
        form_data={"summary": "本公司主营精密机械。"},
    )
    template = three_criteria_sheet()  # the national sheet is the national rulebook's only
    stage = EditionStage.objects.create(
        edition=edition,
        stage=application.current_stage,
        opens=timezone.localdate(),
        sheets_due=timezone.localdate() + timedelta(days=10),
        score_sheet=template,
    )
    user = UserFactory(username="expert-zhang", display_name="张专家", roles=[Role.EXPERT])
    expert = ExpertProfile.objects.create(user=user, full_name="张专家", employer_name="山东大学")
    assignment = Assignment.objects.create(
        edition_stage=stage, application=application, expert=expert, method="manual", assigned_by=office
    )
    return assignment, template


def test_browser_expert_declares_scores_and_submits(page):
    assignment, template = _scene()
    first, second, third = ScoreItem.objects.filter(template=template).order_by("position")
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto("/accounts/login/")
    page.fill("#id_username", "expert-zhang")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-button")
    page.wait_for_url("**/accounts/dashboard/")
    page.click("#review-queue-link")
    page.wait_for_url("**/reviews/")
    row = page.locator(f"tr[data-assignment='{assignment.pk}']")
    assert row.get_attribute("data-state") == "to_declare"
    row.locator(".declare-link").click()
    page.wait_for_url(f"**/reviews/assignments/{assignment.pk}/declare/")
    page.click("#no-conflict-button")
    # Weihai art. 24: the undertaking of confidentiality comes before the material.
    page.wait_for_selector("#undertaking-agree")
    page.check("#undertaking-agree")
    page.click("#undertaking-sign-button")
    page.wait_for_url(f"**/reviews/applications/{assignment.application_id}/")
    assert Assignment.objects.get(pk=assignment.pk).declaration.decision == ConflictDecision.NO_CONFLICT
    page.click(f"#my-sheets [data-assignment='{assignment.pk}'] .sheet-link")
    page.wait_for_url(f"**/reviews/assignments/{assignment.pk}/sheet/")
    assert page.get_attribute("#score-sheet", "data-sheet-state") == "draft"
    assert page.get_attribute("#running-total", "data-total") == "0"

    page.fill(f"input[data-item='{first.pk}']", "30.5")
    assert page.get_attribute("#running-total", "data-total") == "30.5"
    page.fill(f"input[data-item='{second.pk}']", "31")
    assert page.get_attribute("#running-total", "data-total") == "61.5"
    # Leaving a field saves the draft in the background; the server's total comes back.
    page.locator(f"input[data-item='{third.pk}']").focus()
    page.wait_for_selector("#autosave-status[data-autosave=saved]")
    assert ScoreSheet.objects.get(assignment=assignment).total == Decimal("61.50")

    page.fill(f"input[data-item='{third.pk}']", "25")
    assert page.get_attribute("#running-total", "data-total") == "86.5"
    with page.expect_navigation():
        page.click("#save-button")
    assert page.get_attribute("#score-sheet", "data-sheet-state") == "draft"
    assert page.input_value(f"input[data-item='{third.pk}']") == "25"
    assert page.get_attribute("#running-total", "data-total") == "86.5"

    with page.expect_navigation():
        page.click("#submit-button")
    assert page.get_attribute("#score-sheet", "data-sheet-state") == "submitted"
    assert page.locator("#submit-button").count() == 0
    assert page.locator(f"input[data-item='{first.pk}']").is_disabled()
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert (sheet.state, sheet.total) == (SheetState.SUBMITTED, Decimal("86.50"))

    page.goto("/reviews/")
    assert page.get_attribute(f"tr[data-assignment='{assignment.pk}']", "data-state") == "submitted"
