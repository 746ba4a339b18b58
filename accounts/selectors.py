"""Reads of the accounts app, already scoped to who asks."""

from datetime import datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent, District
from .rules import can_read_audit_log


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
