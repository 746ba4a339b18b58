"""Filters of the audit-log page: an audit row's object and detail in the reader's language."""

from django import template

from accounts.audit_display import detail_text, object_label

register = template.Library()


@register.filter
def audit_object(event) -> str:
    return object_label(event)


@register.filter
def audit_detail(event) -> str:
    return detail_text(event)
