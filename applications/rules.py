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


def can_run_stage(user, stage) -> bool:
    """The office and the third-party agency run the review stages; a qualification check may also be signed
    off by the qualification departments (Linyi art. 15)."""
    from awards.enums import StageKind

    if has_any_role(user, Role.OFFICE_STAFF, Role.AGENCY_STAFF):
        return True
    return (
        stage is not None
        and stage.kind == StageKind.QUALIFICATION_CHECK
        and has_any_role(user, Role.QUALIFICATION_DEPARTMENT)
    )
