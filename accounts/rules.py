"""Who may do what, as small named predicates, and the view guards built on them."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .enums import Role


def has_any_role(user, *roles: Role) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and any(user.has_role(r) for r in roles)
    )


def is_auditor(user) -> bool:
    return has_any_role(user, Role.AUDITOR)


def is_office(user) -> bool:
    return has_any_role(user, Role.OFFICE_STAFF)


def can_read_audit_log(user) -> bool:
    # The auditor reads the trail; the administrator, whose actions it records, does not.
    return is_auditor(user)


def role_required(*roles: Role):
    """Anonymous users go to the login page; a logged-in user without one of the roles is refused (and the
    refusal is audited by AuditRefusalMiddleware)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_any_role(request.user, *roles):
                raise PermissionDenied(f"needs one of the roles {', '.join(r.value for r in roles)}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
