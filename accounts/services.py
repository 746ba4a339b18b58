"""Writes of the accounts app: the audit trail and the role groups."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import models

from .enums import AuditAction, AuditResult, Role
from .models import AuditEvent, User
from .roles import ROLE_PERMISSIONS


def client_ip(request) -> str | None:
    if request is None:
        return None
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: AuditAction | str,
    actor: User | None = None,
    result: AuditResult | str = AuditResult.SUCCESS,
    obj: models.Model | None = None,
    detail: str = "",
    request=None,
    username: str = "",
) -> AuditEvent:
    """Append one audit row. Side effects: inserts an AuditEvent; never updates or deletes one."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_username=(actor.get_username() if actor is not None and actor.pk else username)[:150],
        action=str(action),
        result=str(result),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail,
        ip_address=client_ip(request),
        path=(request.get_full_path()[:300] if request is not None else ""),
    )


def roles_sync() -> None:
    """Create the role groups and give each exactly the model permissions listed in accounts.roles.

    Side effects: creates missing groups, replaces each role group's permission set. Idempotent.
    """
    all_perms = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.select_related("content_type")
    }
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for pattern in ROLE_PERMISSIONS.get(role, ()):
            if pattern.endswith(".*"):
                app_label, prefix = (
                    pattern[:-2].split(".", 1) if pattern.count(".") > 1 else (pattern[:-2], "")
                )
                wanted += [p for key, p in all_perms.items() if key.startswith(f"{app_label}.{prefix}")]
            elif pattern.startswith("view:"):
                app_label = pattern[5:]
                wanted += [
                    p
                    for key, p in all_perms.items()
                    if key.startswith(f"{app_label}.") and p.codename.startswith("view_")
                ]
            elif pattern in all_perms:
                wanted.append(all_perms[pattern])
        group.permissions.set(wanted)


def user_assign_roles(*, user: User, roles: list[Role]) -> None:
    """Put the user in exactly these role groups. Side effects: changes group membership, clears the cache."""
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    user.__dict__.pop("_role_names", None)


def coordinator_grant_district(*, user: User, district, by: User | None = None) -> None:
    """Let a district coordinator recommend the applications of `district`.

    Side effects: adds the coordinator role if missing, grants the object permission
    accounts.recommend_in_district on the district (django-guardian), appends an audit row.
    """
    from guardian.shortcuts import assign_perm

    if not user.has_role(Role.DISTRICT_COORDINATOR):
        user.groups.add(Group.objects.get(name=Role.DISTRICT_COORDINATOR.value))
        user.__dict__.pop("_role_names", None)
    assign_perm("accounts.recommend_in_district", user, district)
    audit_record(action=AuditAction.UPDATE, actor=by, obj=district, detail=f"coordinator {user.username} granted")
