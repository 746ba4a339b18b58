"""A review committee ready to act (confirmed and, where the rulebook asks, approved — Linyi art. 7(四), 9), for
the scenes of the plenary (decisions) and of the removal of review staff (Linyi art. 26)."""

from datetime import date

from accounts.enums import Role
from reviews.bodies import body_approval_record, body_confirm, body_create, body_member_add
from reviews.enums import MemberRole
from tests.factories import UserFactory


def acting_committee(edition, *, size: int = 9, approve: bool = True, office=None):
    """Seat `size` experts (a chair, a vice chair, members), confirm, and record the leading group's approval."""
    from tests.reviews.conftest import make_expert

    office = office or UserFactory(roles=[Role.OFFICE_STAFF])
    body = body_create(edition=edition, kind="review_committee", name="评审委员会", by=office)
    roles = [MemberRole.CHAIR, MemberRole.VICE_CHAIR] + [MemberRole.MEMBER] * (size - 2)
    for i, role in enumerate(roles):
        body_member_add(body=body, expert=make_expert(f"委员{i}"), role=role, by=office)
    body_confirm(body=body, by=office)
    if approve:
        body_approval_record(body=body, approved_on=date(2026, 9, 1), document="领导小组会议纪要〔2026〕3号", by=office)
    return body
