"""Mail to experts about their assignments, in the portal's default language, rendered from templates.

Experts are told which applications (by number) they review and by when; applicants are never told who reviews
them, so nothing here writes to an applicant.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from .models import Assignment


def _rows(ids):
    return list(
        Assignment.objects.filter(pk__in=ids)
        .select_related("edition_stage__edition__scheme", "edition_stage__stage", "application", "expert__user")
        .order_by("application__number", "pk")
    )


def _send(*, template: str, rows: list[Assignment]) -> int:
    expert = rows[0].expert
    email = expert.user.email
    if not email or not expert.user.is_active:
        return 0
    edition_stage = rows[0].edition_stage
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "expert": expert,
            "edition": edition_stage.edition,
            "scheme": edition_stage.edition.scheme.short_name,
            "stage": edition_stage.stage.get_kind_display(),
            "due": edition_stage.sheets_due,
            "numbers": [row.application.number or f"#{row.application_id}" for row in rows],
            "assignment": rows[0],
        }
        subject = render_to_string(f"reviews/mail/{template}_subject.txt", context).strip()
        body = render_to_string(f"reviews/mail/{template}.txt", context)
    EmailMessage(subject=subject, body=body, to=[email]).send()
    return 1


def assigned_mail_send(*, assignment_ids: list[int]) -> int:
    """Tell one expert the applications they were assigned at one stage (rows of one expert and one stage) and
    the due date. Rows withdrawn since (a quick recusal or change) are left out. Returns the messages sent."""
    rows = [row for row in _rows(assignment_ids) if row.withdrawn_at is None]
    if not rows:
        return 0
    return _send(template="assigned", rows=rows)


def withdrawn_mail_send(*, assignment_id: int) -> int:
    """Tell an expert that the office took them off an application. Returns the messages sent."""
    rows = _rows([assignment_id])
    if not rows or rows[0].withdrawn_at is None:
        return 0
    return _send(template="withdrawn", rows=rows)


def reminder_mail_send(*, assignment_id: int) -> int:
    """Remind an expert that a score sheet is due soon. Returns the messages sent."""
    rows = _rows([assignment_id])
    if not rows or rows[0].withdrawn_at is not None:
        return 0
    return _send(template="reminder", rows=rows)
