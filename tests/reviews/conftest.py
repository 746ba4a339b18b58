"""Shared scenario of the reviews tests: a Weihai application at the material review, two assigned experts."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.enums import Role
from applications.models import Application
from awards.enums import EditionStatus
from reviews import stage_records
from reviews.models import Assignment, EditionStage, ExpertProfile, ScoreSheetTemplate
from tests.applications.conftest import make_edition, make_unit_applicant
from tests.factories import UserFactory

# Scenes of the gate stages (public opinion at Weihai, Linyi's departmental qualification check), shared by the
# service and the page tests.


THREE_CRITERIA = "test-three-criteria"


def three_criteria_sheet() -> ScoreSheetTemplate:
    """The scenes' simple sheet: three flat items of 35/35/30 points, no bands, no comments, used by every rulebook.
    (The national benchmark sheet belongs to the national rulebook only, asks for written comments and carries
    the office's unconfirmed points; the scenes of the city awards need a sheet of their own.)"""
    from awards.models import Rulebook
    from reviews.models import ScoreItem

    template, created = ScoreSheetTemplate.objects.get_or_create(
        code=THREE_CRITERIA,
        defaults={
            "name": "三项评分表（测试）",
            "kind": "benchmark",
            "category": "unit",
            "criteria_edition": "测试",
            "total_points": 100,
        },
    )
    if created:
        for position, (code, label, points) in enumerate(
            [("8.1", "科学性和创新性", 35), ("8.2", "系统性和示范性", 35), ("8.3", "显效性和发展性", 30)], start=1
        ):
            ScoreItem.objects.create(template=template, code=code, label=label, points=points, position=position)
    template.rulebooks.add(*Rulebook.objects.all())
    return template


@pytest.fixture(autouse=True)
def _assigned_experts_signed_the_undertaking():
    """In the review scenes an assigned expert has signed the edition's undertaking of confidentiality (Zibo art.
    22, Weihai art. 24, Linyi art. 24, national art. 15) — a test of the undertaking itself asks for the
    ``unsigned`` fixture to see the refusal."""
    from django.db.models.signals import post_save

    from reviews.models import Undertaking

    def sign(sender, instance, created, **kwargs):
        if created:
            edition_id = EditionStage.objects.filter(pk=instance.edition_stage_id).values_list("edition_id", flat=True)
            Undertaking.objects.get_or_create(
                edition_id=edition_id[0],
                user_id=instance.expert.user_id,
                defaults={"article": "—", "text": "—"},
            )

    post_save.connect(sign, sender=Assignment, dispatch_uid="test-undertaking-signed")
    yield
    post_save.disconnect(sender=Assignment, dispatch_uid="test-undertaking-signed")


@pytest.fixture
def unsigned():
    """Assigned experts have not signed the undertaking (undoes the scenes' default)."""
    from django.db.models.signals import post_save

    post_save.disconnect(sender=Assignment, dispatch_uid="test-undertaking-signed")


def make_expert(name="张专家"):
    user = UserFactory(roles=[Role.EXPERT])
    return ExpertProfile.objects.create(user=user, full_name=name, employer_name="山东大学")


@pytest.fixture
def scene(db):
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
    template = three_criteria_sheet()  # three items, no bands
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


LINYI_DEPARTMENTS = ["市发改委", "市经信委", "市人社局"]


def _application(edition, kind: str, *, district: str = "371002", number: int = 1) -> Application:
    applicant = make_unit_applicant(district)
    return Application.objects.create(
        edition=edition,
        category="unit",
        owner=applicant,
        organisation=applicant.organisation,
        applicant_key=f"org:{applicant.organisation_id}",
        recommender=applicant.organisation.district,
        state="in_review",
        number=f"{edition.scheme.number_prefix}-{edition.year}-{number:04d}",
        current_stage=edition.rulebook.stages.get(kind=kind),
    )


def test_agency():
    """The third-party agency that runs the scenes' stages (an agency acts only on the stages it runs)."""
    from accounts.models import District, Organisation
    from accounts.validators import uscc_check_character

    code = "12371000MB2TEAM01"
    return Organisation.objects.get_or_create(
        credit_code=code + uscc_check_character(code),
        defaults={"name": "测试第三方评价机构", "district": District.objects.get(code="371002")},
    )[0]


test_agency.__test__ = False  # a helper, not a test


def _edition_stage(edition, kind: str, *, opens: date, days: int = 20) -> EditionStage:
    return EditionStage.objects.create(
        edition=edition,
        stage=edition.rulebook.stages.get(kind=kind),
        opens=opens,
        sheets_due=opens + timedelta(days=days),
        run_by=test_agency(),
    )


def _linyi_edition():
    # Linyi's rulebook is in force 2017-09-01..2022-08-31.
    return make_edition(
        "linyi-mayor",
        year=2020,
        status=EditionStatus.FINISHED,
        opens=date(2020, 3, 1),
        closes=date(2020, 4, 30),
        recommend=date(2020, 5, 31),
    )


def _zibo_edition():
    # Zibo's rulebook is in force 2021-10-01..2026-10-01.
    return make_edition(
        "zibo-leading",
        year=2025,
        status=EditionStatus.FINISHED,
        opens=date(2025, 3, 1),
        closes=date(2025, 4, 30),
        recommend=date(2025, 5, 31),
    )


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.OFFICE_STAFF])


@pytest.fixture
def agency(db):
    """A staff member of the agency that runs the scenes' stages."""
    return UserFactory(roles=[Role.AGENCY_STAFF], agency=test_agency())


@pytest.fixture
def department_user(db):
    """An account of Linyi's 市发改委 (a department signs only for itself)."""
    return department_signer("市发改委")


def department_signer(name: str, region: str = "371300"):
    """An account bound to the department `name` of the city `region` (Linyi art. 15's nine are reference data)."""
    from accounts.models import Department, District

    department, _created = Department.objects.get_or_create(name=name, region=District.objects.get(code=region))
    return UserFactory(roles=[Role.QUALIFICATION_DEPARTMENT], department=department)


@pytest.fixture
def weihai(db):
    edition = make_edition()
    application = _application(edition, "public_opinion")
    stage = _edition_stage(edition, "public_opinion", opens=timezone.localdate())
    return {"edition": edition, "application": application, "stage": stage}


@pytest.fixture
def linyi(db, office):
    edition = _linyi_edition()
    application = _application(edition, "qualification_check", district="371302")
    stage = _edition_stage(edition, "qualification_check", opens=date(2020, 6, 1))
    stage_records.stage_departments_set(edition_stage=stage, names=LINYI_DEPARTMENTS, by=office)
    return {"edition": edition, "application": application, "stage": stage}


# --- gates -----------------------------------------------------------------------------------------------------
