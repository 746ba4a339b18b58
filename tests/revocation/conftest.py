"""Scenes for the revocation tests: a Weihai (or other) winner, an office user, and a case driven to a state
through the services."""

from datetime import date

import pytest

from accounts.enums import Role
from revocation import services
from revocation.enums import CaseSource
from revocation.models import RevocationGround
from tests.decisions import make_edition, unit_winner

DECIDED_ON = date(2026, 10, 15)


def cites(*row_ids: str):
    """Give a test the checklist rows it exercises as its parametrised ids (e.g. "W27b-weihai-art27-3-..."), so
    that the row id, the scheme and the article appear in the collected test id. Runs the test once per id."""
    return pytest.mark.parametrize("cited_row", [pytest.param(row_id, id=row_id) for row_id in row_ids], indirect=True)


@pytest.fixture(autouse=True)
def cited_row(request):
    """The checklist row a `cites` test runs for (None elsewhere)."""
    return getattr(request, "param", None)


def ground(code: str, article: str, number: int, category: str = "unit") -> RevocationGround:
    return RevocationGround.objects.get(rulebook__scheme__code=code, category=category, article=article, number=number)


def case_at(state: str, *, application, office, reporter_ground=None):
    """A case against `application` driven by the office up to `state` (opened, investigating, proposed, revoked)."""
    case = services.case_open(
        application=application, source=CaseSource.MEDIA_EXPOSURE, by=office, summary="媒体报道产品质量事故"
    )
    if state == "opened":
        return case
    case = services.case_investigate(case=case, by=office, comment="派员核查")
    if state == "investigating":
        return case
    rule = (
        reporter_ground
        or RevocationGround.objects.filter(rulebook=application.edition.rulebook, category=application.category)
        .order_by("article", "number")
        .first()
    )
    case = services.case_propose(case=case, by=office, ground=rule, findings="经查证属实")
    if state == "proposed":
        return case
    return services.case_revoke(case=case, by=office, document_number="威政字〔2026〕88号", decided_on=DECIDED_ON)


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF, username="office", is_staff=True)


@pytest.fixture
def weihai(db):
    return make_edition("weihai-mayor", 2025)


@pytest.fixture
def winner(weihai):
    return unit_winner(weihai, awarded_on=date(2025, 9, 28))


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and used human-check tokens live in the cache.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
