"""The demo data of the decision phase that `make run` loads."""

import io

import pytest
from django.core.management import call_command

from applications.enums import ApplicationState
from applications.models import Application
from decisions.models import Certificate, PublicNotice

pytestmark = pytest.mark.django_db


def test_seed_demo_decisions_twice_gives_one_notice_and_announced_winners():
    call_command("seed_demo", stdout=io.StringIO())
    for _ in range(2):
        call_command("seed_demo_decisions", stdout=io.StringIO())

    states = dict(Application.objects.values_list("number", "state"))
    assert states["LY-2021-0001"] == states["LY-2021-0002"] == ApplicationState.AWARDED
    assert {states[f"ZB-2025-000{i}"] for i in (1, 2, 3)} <= {ApplicationState.IN_NOTICE, ApplicationState.CANDIDATE}
    assert PublicNotice.objects.count() <= 1
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [
        "LY-2021-U-001",
        "LY-2021-U-002",
        "SD-2021-U-001",
        "SD-2021-U-002",
    ]
