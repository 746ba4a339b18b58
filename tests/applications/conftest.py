"""Scenario fixtures for the applications tests: an open Weihai edition, a unit and its coordinator."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.enums import Role
from accounts.models import District
from accounts.services import coordinator_grant_district
from applications.models import UnitProfile
from awards.enums import EditionStatus
from awards.models import Edition, Scheme
from tests.factories import OrganisationFactory, UserFactory


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def pdf_upload():
    def make(name: str = "自评报告.pdf") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")

    return make


def make_edition(code: str = "weihai-mayor", *, year: int | None = None, status=EditionStatus.OPEN, **dates) -> Edition:
    scheme = Scheme.objects.get(code=code)
    today = timezone.localdate()
    return Edition.objects.create(
        scheme=scheme,
        rulebook=scheme.rulebooks.get(),
        year=year or today.year,
        title=f"{year or today.year}年度",
        status=status,
        application_opens=dates.get("opens", today - timedelta(days=10)),
        application_closes=dates.get("closes", today + timedelta(days=30)),
        recommendation_deadline=dates.get("recommend", today + timedelta(days=45)),
    )


@pytest.fixture
def weihai_edition(db):
    return make_edition()


def make_unit_applicant(district_code: str = "371002", *, operating_since=date(2010, 1, 1), four_new=False, **user):
    organisation = OrganisationFactory(district=District.objects.get(code=district_code))
    UnitProfile.objects.create(
        organisation=organisation,
        industry="装备制造",
        founded_on=operating_since,
        operating_since=operating_since,
        four_new_field=four_new,
        contact_name="王经理",
        contact_phone="0631-5200000",
    )
    return UserFactory(roles=[Role.APPLICANT], organisation=organisation, **user)


@pytest.fixture
def unit_applicant(db):
    return make_unit_applicant()


def make_coordinator(district_code: str = "371002", **user):
    coordinator = UserFactory(roles=[Role.DISTRICT_COORDINATOR], **user)
    coordinator_grant_district(user=coordinator, district=District.objects.get(code=district_code))
    return coordinator


@pytest.fixture
def coordinator(db):
    return make_coordinator()


FILLED_FORM = {
    "summary": "本公司主营精密机械。",
    "quality_management": "全面推行卓越绩效模式。",
    "main_indicators": "近三年产品合格率 99.9%。",
    "achievements": "主导制定行业标准 2 项。",
    # The declarations of the Weihai form a unit ticks besides its columns (art. 3: bearing its own liability).
    "declared": ["independent_liability"],
}
