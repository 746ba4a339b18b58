"""Who may do what with revocation cases, as small named predicates."""

from accounts.enums import Role
from accounts.rules import has_any_role
from applications.rules import is_applicant_of


def can_act_on_cases(user) -> bool:
    """The award office records every step (for the bodies the rulebook names), spot checks and recovery."""
    return has_any_role(user, Role.OFFICE_STAFF)


def can_read_cases(user) -> bool:
    """The office, and the auditor read-only."""
    return has_any_role(user, Role.OFFICE_STAFF, Role.AUDITOR)


def is_holder_of(user, application) -> bool:
    """The award's applicant account or a colleague of its unit."""
    return is_applicant_of(user, application)
