"""Scenario helpers for the decisions tests: an edition with winners created directly in their final state (the
state field is protected; a fixture may set it once at creation)."""

from datetime import date

from accounts.enums import Role
from accounts.models import District
from applications.enums import ApplicationState
from applications.models import Application, IndividualProfile, UnitProfile
from awards.enums import Category, EditionStatus
from awards.models import Edition, Scheme
from tests.factories import OrganisationFactory, UserFactory

HUANCUI = "371002"
AWARDED_ON = date(2026, 9, 28)


def make_edition(code: str = "weihai-mayor", year: int = 2026) -> Edition:
    scheme = Scheme.objects.get(code=code)
    return Edition.objects.create(
        scheme=scheme,
        rulebook=scheme.rulebooks.get(),
        year=year,
        title=f"{year}年度",
        status=EditionStatus.OPEN,
        application_opens=date(year, 3, 1),
        application_closes=date(year, 4, 30),
        recommendation_deadline=date(year, 5, 31),
    )


def unit_winner(edition, *, name: str = "威海精工机械有限公司", state=ApplicationState.AWARDED, **dates):
    organisation = OrganisationFactory(name=name, district=District.objects.get(code=HUANCUI))
    UnitProfile.objects.create(
        organisation=organisation,
        industry="装备制造",
        founded_on=date(2008, 3, 1),
        operating_since=date(2009, 1, 1),
        contact_name="王经理",
        contact_phone="0631-5200000",
    )
    owner = UserFactory(roles=[Role.APPLICANT], organisation=organisation)
    return Application.objects.create(
        edition=edition,
        category=Category.UNIT,
        owner=owner,
        organisation=organisation,
        applicant_key=f"org:{organisation.pk}",
        recommender=organisation.district,
        number=f"{edition.scheme.number_prefix}-{edition.year}-{organisation.pk:04d}",
        state=state,
        awarded_on=dates.get("awarded_on", AWARDED_ON),
        revoked_on=dates.get("revoked_on"),
    )


def individual_winner(edition, *, name: str = "李质量", employer: str = "威海港务集团有限公司"):
    owner = UserFactory(roles=[Role.APPLICANT])
    person = IndividualProfile.objects.create(
        user=owner,
        full_name=name,
        employer_name=employer,
        district=District.objects.get(code=HUANCUI),
        quality_work_since=date(2010, 1, 1),
    )
    return Application.objects.create(
        edition=edition,
        category=Category.INDIVIDUAL,
        owner=owner,
        individual=person,
        applicant_key=f"person:{owner.pk}",
        recommender=person.district,
        number=f"{edition.scheme.number_prefix}-{edition.year}-P{owner.pk:04d}",
        state=ApplicationState.AWARDED,
        awarded_on=AWARDED_ON,
    )
