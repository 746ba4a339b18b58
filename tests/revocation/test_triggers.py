"""Spot checks and the cases the portal proposes from them: Weihai art. 27 (3) "3 or more failures within 2 years"
(rolling) and Linyi art. 28 (3) "2 consecutive failures in checks at city level or above"."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.enums import Role
from applications.enums import ApplicationState
from revocation import services
from revocation.enums import CaseSource
from revocation.models import RevocationCase
from tests.decisions import make_edition, unit_winner

from .conftest import cites

pytestmark = pytest.mark.django_db
FAIL, PASS = "fail", "pass"


@pytest.fixture
def weihai_holder():
    return unit_winner(make_edition("weihai-mayor", 2023), awarded_on=date(2023, 9, 28))


@pytest.fixture
def linyi_holder():
    return unit_winner(make_edition("linyi-mayor", 2023), name="临沂化工有限公司", awarded_on=date(2023, 9, 1))


def record(holder, office, day, result=FAIL, level="city"):
    _check, proposed = services.spot_check_record(
        organisation=holder.organisation,
        checked_on=day,
        authority="市场监督管理局",
        level=level,
        product="液压泵",
        result=result,
        by=office,
    )
    return proposed


def run(holder, office, checks):
    proposed = []
    for check in checks:
        proposed += record(holder, office, *check)
    return proposed


# --- Weihai: 3 failures within 2 years, rolling ----------------------------------------------------------


def test_weihai_two_failures_propose_nothing(weihai_holder, office):
    assert run(weihai_holder, office, [(date(2024, 1, 10),), (date(2024, 6, 1),)]) == []
    assert RevocationCase.objects.count() == 0


@cites("W27b-weihai-art27-3-third-failure-within-2y-proposes")
def test_weihai_third_failure_within_two_years_proposes_a_case(weihai_holder, office):
    proposed = run(weihai_holder, office, [(date(2024, 1, 10),), (date(2024, 6, 1),), (date(2025, 3, 1),)])
    assert len(proposed) == 1
    case = proposed[0]
    assert (case.state, case.source, case.application, case.ground.citation, case.opened_by) == (
        "awaiting",
        CaseSource.SPOT_CHECK_TRIGGER,
        weihai_holder,
        "第二十七条第（三）项",
        None,
    )
    assert sorted(c.checked_on for c in case.spot_checks.all()) == [
        date(2024, 1, 10),
        date(2024, 6, 1),
        date(2025, 3, 1),
    ]


@pytest.mark.parametrize(
    ("third", "proposed"),
    [
        pytest.param(date(2026, 1, 9), 1, id="W27b-weihai-art27-3-third-failure-day-before-2nd-anniversary-inside"),
        pytest.param(date(2026, 1, 10), 0, id="W27b-weihai-art27-3-third-failure-on-2nd-anniversary-outside"),
    ],
)
def test_weihai_window_boundary(weihai_holder, office, third, proposed):
    assert len(run(weihai_holder, office, [(date(2024, 1, 10),), (date(2025, 3, 1),), (third,)])) == proposed


def test_weihai_window_rolls(weihai_holder, office):
    # The first three span more than two years; the last three do not.
    checks = [(date(2023, 10, 1),), (date(2024, 6, 1),), (date(2025, 11, 1),)]
    assert run(weihai_holder, office, checks) == []
    proposed = record(weihai_holder, office, date(2026, 1, 1))
    assert [sorted(c.checked_on for c in p.spot_checks.all()) for p in proposed] == [
        [date(2024, 6, 1), date(2025, 11, 1), date(2026, 1, 1)]
    ]


def test_weihai_passes_between_failures_do_not_reset_the_count(weihai_holder, office):
    checks = [(date(2024, 1, 10),), (date(2024, 2, 1), PASS), (date(2024, 6, 1),), (date(2024, 7, 1), PASS)]
    assert run(weihai_holder, office, checks) == []
    assert len(record(weihai_holder, office, date(2024, 9, 1), FAIL, "county")) == 1


def test_weihai_checks_before_the_award_do_not_count(weihai_holder, office):
    assert run(weihai_holder, office, [(date(2023, 5, 1),), (date(2023, 9, 27),), (date(2024, 1, 10),)]) == []


def test_trigger_proposes_once_per_set(weihai_holder, office):
    run(weihai_holder, office, [(date(2024, 1, 10),), (date(2024, 6, 1),), (date(2025, 3, 1),)])
    assert services.triggers_evaluate(organisation=weihai_holder.organisation) == []
    # A fourth failure while the proposal is still live proposes nothing more.
    assert record(weihai_holder, office, date(2025, 4, 1)) == []
    assert RevocationCase.objects.count() == 1


def test_after_dismissal_only_a_new_set_proposes_again(weihai_holder, office):
    [case] = run(weihai_holder, office, [(date(2024, 1, 10),), (date(2024, 6, 1),), (date(2025, 3, 1),)])
    services.case_dismiss(case=case, by=office, reason="抽检结论已撤销")
    assert services.triggers_evaluate(organisation=weihai_holder.organisation) == []
    [again] = record(weihai_holder, office, date(2025, 4, 1))
    assert sorted(c.checked_on for c in again.spot_checks.all()) == [
        date(2024, 6, 1),
        date(2025, 3, 1),
        date(2025, 4, 1),
    ]
    assert RevocationCase.objects.count() == 2


def test_trigger_ignores_a_unit_without_a_current_award(office):
    approved = unit_winner(make_edition("weihai-mayor", 2023), state=ApplicationState.APPROVED)
    assert run(approved, office, [(date(2024, 1, 10),), (date(2024, 6, 1),), (date(2025, 3, 1),)]) == []


# --- Linyi: 2 consecutive failures, city level or above --------------------------------------------------


def test_linyi_one_failure_proposes_nothing(linyi_holder, office):
    assert record(linyi_holder, office, date(2024, 3, 1)) == []


@cites("L28b-linyi-art28-3-two-consecutive-failures-propose")
def test_linyi_two_consecutive_failures_propose_a_case(linyi_holder, office):
    [case] = run(linyi_holder, office, [(date(2024, 3, 1),), (date(2024, 9, 1), FAIL, "province")])
    assert (case.state, case.ground.citation, case.trigger.kind) == (
        "awaiting",
        "第二十八条第（三）项",
        "consecutive_failures",
    )


def test_linyi_a_pass_between_breaks_the_run(linyi_holder, office):
    assert run(linyi_holder, office, [(date(2024, 3, 1),), (date(2024, 6, 1), PASS), (date(2024, 9, 1),)]) == []


@cites("L28b-linyi-art28-3-county-checks-do-not-count")
def test_linyi_county_checks_do_not_count(linyi_holder, office):
    assert run(linyi_holder, office, [(date(2024, 3, 1),), (date(2024, 6, 1), FAIL, "county")]) == []
    # A county pass does not break a run of city-level failures either.
    assert (
        len(run(linyi_holder, office, [(date(2024, 7, 1), PASS, "county"), (date(2024, 9, 1), FAIL, "national")])) == 1
    )


# --- recording -------------------------------------------------------------------------------------------


def test_spot_check_refuses_a_future_date(weihai_holder, office):
    with pytest.raises(ValidationError) as error:
        record(weihai_holder, office, timezone.localdate() + timedelta(days=1))
    assert list(error.value.error_dict) == ["checked_on"]


def test_spot_check_refuses_non_office(weihai_holder, make_user):
    with pytest.raises(PermissionDenied):
        record(weihai_holder, make_user(Role.AUDITOR), date(2024, 1, 1))
