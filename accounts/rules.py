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


# --- who manages accounts and their bindings --------------------------------------------------------------------
# accounts.roles gives the change permission on users to the system administrator only (the office reads them):
# whoever holds it gives roles, districts, departments and agencies on the user pages, and a superuser does too.


def can_manage_users(user) -> bool:
    # Only a role that roles.py may give the permission to pays for reading the permissions (the navigation asks
    # on every page): the system administrator, or a superuser.
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not (user.is_superuser or user.has_role(Role.SYSADMIN)):
        return False
    return user.has_perm("accounts.change_user")


# Roles that keep watch on the administrators: only a superuser (set up outside the portal) gives or takes them.
SUPERUSER_ONLY_ROLES = frozenset({Role.AUDITOR})
# One person may not hold both: the auditor reads the trail of what the administrator does.
EXCLUSIVE_ROLES = frozenset({Role.AUDITOR, Role.SYSADMIN})


def role_change_problems(*, by, user, old: set[str], new: set[str]) -> list[str]:
    """Why `by` may not move `user` from the roles `old` to `new` (role values); empty when the change may be made.
    The admin's user form and the portal's user page both ask this."""
    from django.utils.translation import gettext as _

    problems = []
    if {role.value for role in EXCLUSIVE_ROLES} <= new:
        problems.append(
            _("The auditor and the system administrator are separate roles; one person cannot hold both.")
        )
    if old != new and not getattr(by, "is_superuser", False):
        if user is not None and user.pk is not None and user.pk == by.pk:
            problems.append(_("No one changes their own roles."))
        guarded = {role.value for role in SUPERUSER_ONLY_ROLES}
        if (old ^ new) & guarded:
            problems.append(_("Only a superuser gives or takes the auditor role."))
    return problems
