"""What ties an account to its work, changed on the user pages: its roles, a coordinator's districts, a
qualification-department account's department and an agency account's agency. One service per change; each checks
that the acting user manages accounts (accounts.rules.can_manage_users), writes its audit row and refuses with a
PERMISSION_REFUSED row (written before any transaction, so it is kept)."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .enums import AuditAction, AuditResult, Role
from .models import Department, District, Organisation, User
from .rules import can_manage_users, role_change_problems
from .services import audit_record, coordinator_grant_district

DISTRICT_PERMISSION = "accounts.recommend_in_district"


def _require_manager(by, obj, reason: str, request=None) -> None:
    if can_manage_users(by):
        return
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def user_roles_set(*, user: User, roles, by: User, request=None) -> User:
    """Give `user` exactly the roles `roles` (Role values or members).

    Refuses, naming every reason: an unknown role, the auditor together with the system administrator, a change of
    one's own roles, and giving or taking the auditor role unless `by` is a superuser (accounts.rules).
    Side effects: replaces the user's role groups, an UPDATE audit row with the roles before and after.
    """
    _require_manager(by, user, "only the system administrator gives roles", request)
    wanted = {str(role) for role in roles}
    unknown = sorted(wanted - set(Role.values))
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)})
    with transaction.atomic():
        user = _locked(user)
        old = set(user.groups.values_list("name", flat=True)) & set(Role.values)
        problems = role_change_problems(by=by, user=user, old=old, new=wanted)
        if problems:
            raise ValidationError(problems)
        if old == wanted:
            return user
        others = list(user.groups.exclude(name__in=Role.values))
        user.groups.set([*others, *Group.objects.filter(name__in=sorted(wanted))])
        user.__dict__.pop("_role_names", None)
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=user,
            detail=f"roles: {','.join(sorted(wanted)) or '-'} (was {','.join(sorted(old)) or '-'})",
            request=request,
        )
    return user


def coordinator_district_grant(*, user: User, district: District, by: User, request=None) -> None:
    """Let a district coordinator recommend the applications of `district` (a guardian object permission).

    Refuses a user without the coordinator role (give the role first) and a district already granted.
    Side effects: as ``accounts.services.coordinator_grant_district`` (the permission and its audit row).
    """
    _require_manager(by, user, "only the system administrator grants districts", request)
    if not user.has_role(Role.DISTRICT_COORDINATOR):
        raise ValidationError(_("Give this account the district coordinator role first."))
    if user.has_perm(DISTRICT_PERMISSION, district):
        raise ValidationError(_("%(user)s already recommends in %(district)s.") % {"user": user, "district": district})
    coordinator_grant_district(user=user, district=district, by=by)


def coordinator_district_revoke(*, user: User, district: District, by: User, request=None) -> None:
    """Take a district from a coordinator. Side effects: removes the guardian permission, an UPDATE audit row."""
    from guardian.shortcuts import remove_perm

    _require_manager(by, user, "only the system administrator revokes districts", request)
    if not user.has_perm(DISTRICT_PERMISSION, district):
        raise ValidationError(_("%(user)s does not recommend in %(district)s.") % {"user": user, "district": district})
    with transaction.atomic():
        remove_perm(DISTRICT_PERMISSION, user, district)
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=district,
            detail=f"coordinator {user.username} revoked",
            request=request,
        )
    # guardian caches the user's object permissions on the instance
    user.__dict__.pop("_guardian_perms_cache", None)


def user_department_set(*, user: User, department: Department | None, by: User, request=None) -> User:
    """Bind a qualification-department account to the department it signs for (None: unbind).

    Refuses binding an account without the qualification-department role, and an inactive department.
    Side effects: sets User.department, an UPDATE audit row.
    """
    _require_manager(by, user, "only the system administrator binds departments", request)
    if department is not None:
        if not user.has_role(Role.QUALIFICATION_DEPARTMENT):
            raise ValidationError(_("Give this account the qualification department role first."))
        if not department.is_active:
            raise ValidationError(_("%(department)s is no longer active.") % {"department": department})
    with transaction.atomic():
        user = _locked(user)
        if user.department_id == (department.pk if department else None):
            return user
        old = user.department
        user.department = department
        user.save(update_fields=["department"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=user,
            detail=f"department: {department or '-'} (was {old or '-'})",
            request=request,
        )
    return user


def user_agency_set(*, user: User, agency: Organisation | None, by: User, request=None) -> User:
    """Bind a third-party agency account to its agency (None: unbind); it then acts on the stages its agency runs.

    Refuses binding an account without the agency-staff role. Side effects: sets User.agency, an UPDATE audit row.
    """
    _require_manager(by, user, "only the system administrator binds agencies", request)
    if agency is not None and not user.has_role(Role.AGENCY_STAFF):
        raise ValidationError(_("Give this account the third-party agency staff role first."))
    with transaction.atomic():
        user = _locked(user)
        if user.agency_id == (agency.pk if agency else None):
            return user
        old = user.agency
        user.agency = agency
        user.save(update_fields=["agency"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=user,
            detail=f"agency: {agency or '-'} (was {old or '-'})",
            request=request,
        )
    return user
