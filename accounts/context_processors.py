from django.utils.translation import gettext_lazy as _

from .enums import Role
from .rules import can_read_audit_log, has_any_role, is_office


def portal(request):
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return {
        "portal_name": _("Quality Award Portal"),
        "portal_can_read_audit": authenticated and can_read_audit_log(user),
        "portal_is_office": authenticated and is_office(user),
        "portal_is_applicant": authenticated and has_any_role(user, Role.APPLICANT),
        "portal_can_admin": authenticated and user.is_staff,
    }
