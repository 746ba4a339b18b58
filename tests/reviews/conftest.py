"""Shared scenario of the reviews tests: a Weihai application at the material review, two assigned experts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.enums import Role
from reviews.models import Assignment, EditionStage, ExpertProfile, ScoreSheetTemplate
from tests.applications.conftest import make_edition, make_unit_applicant
from tests.factories import UserFactory


def make_expert(name="张专家"):
    user = UserFactory(roles=[Role.EXPERT])
    return ExpertProfile.objects.create(user=user, full_name=name, employer_name="山东大学")


@pytest.fixture
def scene(db):
    from applications.models import Application

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
    )
    template = ScoreSheetTemplate.objects.get(code="national-benchmark-2022")  # three items, no bands
    stage = EditionStage.objects.create(
        edition=edition,
        stage=application.current_stage,
        opens=timezone.localdate(),
        sheets_due=timezone.localdate() + timedelta(days=10),
        score_sheet=template,
    )
    experts = [make_expert("张专家"), make_expert("李专家")]
    assignments = [
        Assignment.objects.create(
            edition_stage=stage, application=application, expert=e, method="manual", assigned_by=office
        )
        for e in experts
    ]
    return {"office": office, "stage": stage, "template": template, "experts": experts, "assignments": assignments}
