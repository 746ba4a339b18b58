"""Scenes of the aftercare tests: Zibo editions with their holders, the office, a supervision group."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.enums import Role
from applications.enums import ApplicationState
from revocation.aftercare import services
from revocation.aftercare.enums import MemberKind
from revocation.aftercare.models import SupervisionGroup, SupervisionMember
from tests.decisions import individual_winner, make_edition, unit_winner
from tests.factories import UserFactory

KINDS = list(MemberKind)


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.OFFICE_STAFF])


@pytest.fixture
def zibo(db):
    """Zibo's 2025 edition with two current holders (a unit and an individual), one revoked and one not awarded."""
    edition = make_edition("zibo-leading", 2025)
    unit = unit_winner(edition, name="淄博精密制造有限公司")
    person = individual_winner(edition, name="王质量", employer="淄博矿业集团")
    revoked = unit_winner(
        edition, name="淄博撤销化工有限公司", state=ApplicationState.REVOKED, revoked_on=date(2026, 3, 1)
    )
    rejected = unit_winner(edition, name="淄博落选纺织有限公司", state=ApplicationState.NOT_SELECTED)
    return {"edition": edition, "unit": unit, "person": person, "revoked": revoked, "rejected": rejected}


def holder_of(application):
    """The applicant account that answers for the award."""
    return application.owner


def due_in(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def make_group(edition, *, members, confirmed=False, by=None, dissolved_on=None) -> SupervisionGroup:
    """A group whose members are given as (name, organisation) pairs or (name, organisation, user) triples."""
    group = SupervisionGroup.objects.create(edition=edition, created_by=by or UserFactory())
    for i, spec in enumerate(members):
        name, organisation, *rest = spec
        SupervisionMember.objects.create(
            group=group,
            kind=KINDS[i % len(KINDS)],
            full_name=name,
            organisation_name=organisation,
            user=rest[0] if rest else None,
        )
    if confirmed:
        group.confirmed_at = timezone.now()
        group.dissolved_on = dissolved_on
        group.save()
    return group


def people(prefix: str, count: int) -> list[tuple[str, str]]:
    return [(f"{prefix}{i}", f"{prefix}单位{i}") for i in range(count)]


@pytest.fixture
def sitting_group(zibo, office):
    """The confirmed group of Zibo's 2025 edition, with one member linked to an account, ready to file."""
    edition = zibo["edition"]
    account = UserFactory(roles=[Role.SUPERVISOR])
    group = services.supervision_group_create(edition=edition, by=office)
    member = services.supervision_member_add(
        group=group,
        kind=MemberKind.LAWYER,
        full_name="赵律师",
        organisation_name="山东正义律师事务所",
        user=account,
        by=office,
    )
    services.supervision_member_add(
        group=group, kind=MemberKind.JOURNALIST, full_name="钱记者", organisation_name="淄博日报社", by=office
    )
    services.supervision_group_confirm(group=group, by=office)
    group.refresh_from_db()
    return {"edition": edition, "group": group, "member": member, "account": account}
