from django.utils.translation import gettext_lazy as _

from .enums import Role
from .rules import can_manage_users, can_read_audit_log, has_any_role, is_office


def portal(request):
    """The flags the navigation shows its links by: each flag stands for pages that answer the user, never 403."""
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    is_office_user = authenticated and is_office(user)
    can_read_audit = authenticated and can_read_audit_log(user)
    return {
        "portal_name": _("Quality Award Portal"),
        "portal_can_read_audit": can_read_audit,
        "portal_is_office": is_office_user,
        # Decision boards and revocation cases are read by the office and the auditor; the aftercare pages
        # (evaluation rounds, supervision groups, sharing events, holders) are the office's only.
        "portal_reads_decisions": is_office_user or can_read_audit,
        "portal_is_applicant": authenticated and has_any_role(user, Role.APPLICANT),
        "portal_can_manage_users": authenticated and can_manage_users(user),
        "portal_can_admin": authenticated and user.is_staff,
    }
