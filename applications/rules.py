"""Who may do what with an application, as small named predicates."""

from accounts.enums import Role
from accounts.rules import has_any_role

from .enums import VISIBLE_TO_COORDINATOR


def is_applicant_of(user, application) -> bool:
    """The account that created it, or a colleague registered for the same unit."""
    if not has_any_role(user, Role.APPLICANT):
        return False
    if application.owner_id == user.pk:
        return True
    return bool(application.organisation_id and user.organisation_id == application.organisation_id)


def coordinates(user, district) -> bool:
    return has_any_role(user, Role.DISTRICT_COORDINATOR) and user.has_perm("accounts.recommend_in_district", district)


def can_recommend(user, application) -> bool:
    return coordinates(user, application.recommender)


def is_office(user) -> bool:
    return has_any_role(user, Role.OFFICE_STAFF)


def can_view(user, application) -> bool:
    if is_applicant_of(user, application) or is_office(user):
        return True
    return (
        application.state in VISIBLE_TO_COORDINATOR
        and application.submitted_at is not None
        and can_recommend(user, application)
    )
