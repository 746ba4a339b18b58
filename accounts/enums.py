from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups with these names; a user may hold several."""

    APPLICANT = "applicant", _("Applicant")
    DISTRICT_COORDINATOR = "district_coordinator", _("District coordinator")
    QUALIFICATION_DEPARTMENT = "qualification_department", _("Qualification department")
    EXPERT = "expert", _("Review expert")
    AGENCY_STAFF = "agency_staff", _("Third-party agency staff")
    OFFICE_STAFF = "office_staff", _("Award office staff")
    SUPERVISOR = "supervisor", _("Supervision-group member")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")


# Roles that run the awards and may open the configuration screens of the admin.
STAFF_ROLES = frozenset({Role.OFFICE_STAFF, Role.SYSADMIN, Role.AUDITOR})


class DistrictLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    COUNTY_CITY = "county_city", _("County-level city")
    ZONE = "zone", _("Functional zone")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Public institution")
    GOVERNMENT = "government", _("Government department")
    ASSOCIATION = "association", _("Association or social organisation")
    OTHER = "other", _("Other organisation")


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    REFUSED = "refused", _("Refused")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGIN_LOCKED = "login_locked", _("Login while locked out")
    LOGOUT = "logout", _("Logout")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    PASSWORD_CHANGE = "password_change", _("Password change")
    PERMISSION_REFUSED = "permission_refused", _("Permission refused")
    STATE_CHANGE = "state_change", _("State change")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    EXPORT = "export", _("Export or download")
    DELETE = "delete", _("Delete")
