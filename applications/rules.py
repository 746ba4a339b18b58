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


def agency_runs(user, edition_stage) -> bool:
    """A third-party agency account acts on an edition's review stage only when its agency runs that stage
    (``EditionStage.run_by``); an account bound to no agency, or a stage no agency runs, gives it nothing."""
    return bool(
        has_any_role(user, Role.AGENCY_STAFF)
        and user.agency_id is not None
        and getattr(edition_stage, "run_by_id", None) == user.agency_id
    )


def can_run_stage(user, stage) -> bool:
    """The office and the third-party agency run the review stages; a qualification check may also be signed
    off by the qualification departments (Linyi art. 15).

    `stage` is an edition's review stage (reviews' EditionStage, which says which agency runs it) or a rulebook's
    stage (awards' Stage). On an edition stage the agency's staff act only when their agency runs it
    (``agency_runs``). A rulebook stage alone names no edition, so this app cannot tell which agency runs it: the
    reviews app, which holds the edition stage, checks that before it moves an application through these
    services."""
    from awards.enums import StageKind

    if has_any_role(user, Role.OFFICE_STAFF):
        return True
    edition_stage = stage if hasattr(stage, "run_by_id") else None
    rulebook_stage = edition_stage.stage if edition_stage is not None else stage
    if has_any_role(user, Role.AGENCY_STAFF) and (edition_stage is None or agency_runs(user, edition_stage)):
        return True
    return (
        rulebook_stage is not None
        and rulebook_stage.kind == StageKind.QUALIFICATION_CHECK
        and has_any_role(user, Role.QUALIFICATION_DEPARTMENT)
    )
