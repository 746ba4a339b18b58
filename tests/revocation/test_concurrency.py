"""Two offices acting at once: row locks keep one revocation per award and one proposal per set of checks."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.enums import Role
from applications.models import ApplicationTransition
from revocation import services
from revocation.models import RevocationCase
from tests.concurrency import needs_postgres, run_together
from tests.decisions import make_edition, unit_winner

from .conftest import DECIDED_ON, case_at


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cases_revoking_one_award_at_once_revoke_it_once(make_user):
    office = make_user(Role.OFFICE_STAFF)
    winner = unit_winner(make_edition("weihai-mayor", 2025), awarded_on=date(2025, 9, 28))
    cases = [case_at("proposed", application=winner, office=office) for _i in range(2)]
    errors = _errors_of(
        [
            lambda case=case, n=n: services.case_revoke(
                case=case, by=office, document_number=f"威政字〔2026〕{n}号", decided_on=DECIDED_ON
            )
            for n, case in enumerate(cases, start=1)
        ]
    )
    assert [type(e) for e in errors] == [ValidationError]
    assert ApplicationTransition.objects.filter(application=winner, to_state="revoked").count() == 1
    assert sorted(RevocationCase.objects.values_list("state", flat=True)) == ["proposed", "revoked"]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_checks_recorded_at_once_propose_one_case(make_user):
    office = make_user(Role.OFFICE_STAFF)
    holder = unit_winner(make_edition("weihai-mayor", 2023), awarded_on=date(2023, 9, 28))

    def record(day):
        return lambda: services.spot_check_record(
            organisation=holder.organisation,
            checked_on=day,
            authority="市场监督管理局",
            level="city",
            product="液压泵",
            result="fail",
            by=office,
        )

    record(date(2024, 1, 10))()
    record(date(2024, 6, 1))()
    assert _errors_of([record(date(2025, 3, 1)), record(date(2025, 3, 2))]) == []
    assert RevocationCase.objects.filter(application=holder).count() == 1


def _errors_of(functions):
    return run_together(functions)[0]
