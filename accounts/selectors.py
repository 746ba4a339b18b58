"""Reads of the accounts app, already scoped to who asks."""

from datetime import datetime, time

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .enums import Role
from .models import AuditEvent, Department, District, Organisation, User
from .rules import can_manage_users, can_read_audit_log


def audit_events_for(
    *,
    user,
    action: str = "",
    result: str = "",
    username: str = "",
    object_type: str = "",
    date_from=None,
    date_to=None,
    ip: str = "",
) -> QuerySet[AuditEvent]:
    """The audit trail filtered as asked; only the auditor may read it."""
    if not can_read_audit_log(user):
        raise PermissionDenied("only the auditor reads the audit log")
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if result:
        events = events.filter(result=result)
    if username:
        events = events.filter(actor_username__icontains=username)
    if object_type:
        events = events.filter(object_type__icontains=object_type)
    if ip:
        events = events.filter(ip_address=ip)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(
            occurred_at__gte=timezone.make_aware(datetime.combine(date_from, time.min), tz)
        )
    if date_to:
        events = events.filter(occurred_at__lte=timezone.make_aware(datetime.combine(date_to, time.max), tz))
    return events


def districts_active() -> QuerySet[District]:
    return District.objects.filter(is_active=True).select_related("parent")


# --- accounts and their bindings (the system administrator's user pages) ----------------------------------------


def users_for_manager(*, user, search: str = "", role: str = "") -> QuerySet[User]:
    """Every account, with its roles and bindings loaded, for whoever manages accounts; anyone else: 404."""
    if not can_manage_users(user):
        raise Http404
    roles = Group.objects.filter(name__in=Role.values).order_by("name")
    rows = User.objects.select_related(
        "organisation", "district__parent", "department__region", "agency"
    ).prefetch_related(Prefetch("groups", queryset=roles, to_attr="role_groups"))
    if search:
        rows = rows.filter(
            Q(username__icontains=search)
            | Q(display_name__icontains=search)
            | Q(email__icontains=search)
            | Q(organisation__name__icontains=search)
        )
    if role:
        rows = rows.filter(groups__name=role)
    return rows.order_by("username")


def user_for_manager(*, user, pk: int) -> User:
    try:
        return users_for_manager(user=user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def coordinator_districts(user: User) -> QuerySet[District]:
    """The districts in which `user` recommends (their guardian object permissions)."""
    from guardian.shortcuts import get_objects_for_user

    return get_objects_for_user(
        user,
        "accounts.recommend_in_district",
        klass=District.objects.select_related("parent"),
        with_superuser=False,
        accept_global_perms=False,
    ).order_by("code")


def departments_active() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).select_related("region").order_by("region__code", "name")


def agencies_known() -> QuerySet[Organisation]:
    """The organisations some agency account already works for (offered first on the user page)."""
    return Organisation.objects.filter(agency_staff__isnull=False).distinct().order_by("name")


def supervision_memberships(user) -> list:
    """The supervision groups `user` sits on, newest edition first, for the dashboard. The membership rows belong to
    the aftercare app (higher up); they are read through the account's reverse relation, without importing it."""
    if not user.is_authenticated or not user.has_role(Role.SUPERVISOR):
        return []
    return list(
        user.supervision_memberships.select_related("group__edition__scheme").order_by("-group__edition__year", "id")
    )
