"""Mail about an application's transitions, in the portal's default language, rendered from templates."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import timezone, translation
from guardian.shortcuts import get_users_with_perms

from accounts.enums import Role

from .enums import ApplicationState
from .models import ApplicationTransition

S = ApplicationState
# Who is told, besides the applicant: the district's coordinators when something lands in or leaves their
# inbox (a draft withdrawn never reached them).
COORDINATORS_TOLD = frozenset({S.SUBMITTED, S.WITHDRAWN})


def _recipients(row: ApplicationTransition) -> list[str]:
    application = row.application
    User = get_user_model()
    people = {application.owner}
    if application.organisation_id:
        people |= set(
            User.objects.filter(
                organisation_id=application.organisation_id, groups__name=Role.APPLICANT, is_active=True
            )
        )
    if row.to_state == S.SUBMITTED or (row.to_state in COORDINATORS_TOLD and row.from_state != S.DRAFT):
        people |= {
            user
            for user in get_users_with_perms(
                application.recommender, only_with_perms_in=["recommend_in_district"], with_group_users=False
            )
            if user.is_active and user.has_role(Role.DISTRICT_COORDINATOR)
        }
    return sorted({person.email for person in people if person.email})


def transition_mail_send(*, transition_id: int) -> int:
    """Send the mail for one history row, at most once; returns how many messages went out.

    The row is claimed under a row lock that skips rows another worker holds, and marked `mailed_at` in the same
    transaction after the message is handed to the mail server: a second delivery of the task, a parallel worker or
    the recovery sweep finds it claimed or marked and sends nothing; a worker killed before the commit leaves it
    unmarked for the recovery sweep. Side effects: sends mail, sets `mailed_at`."""
    with transaction.atomic():
        claimed = (
            ApplicationTransition.objects.select_for_update(skip_locked=True)
            .filter(pk=transition_id, mailed_at__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        if claimed is None:
            return 0
        sent = _send(transition_id)
        ApplicationTransition.objects.filter(pk=transition_id).update(mailed_at=timezone.now())
    return sent


def unmailed_transition_ids(*, older_than_seconds: int = 600, limit: int = 500) -> list[int]:
    """History rows of the last two days whose mail never went out (a worker stopped between the commit and
    the send); older ones are left alone, a mail that late would mislead."""
    now = timezone.now()
    cutoff, oldest = now - timedelta(seconds=older_than_seconds), now - timedelta(days=2)
    return list(
        ApplicationTransition.objects.filter(mailed_at__isnull=True, occurred_at__lte=cutoff, occurred_at__gte=oldest)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _send(transition_id: int) -> int:
    row = (
        ApplicationTransition.objects.select_related(
            "application",
            "application__edition",
            "application__edition__scheme",
            "application__owner",
            "application__organisation",
            "application__individual",
            "application__recommender",
            "actor",
        )
        .filter(pk=transition_id)
        .first()
    )
    if row is None:
        return 0
    recipients = _recipients(row)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "row": row,
            "application": row.application,
            "edition": row.application.edition,
            "state": S(row.to_state).label,
        }
        try:
            template = select_template([f"applications/mail/{row.to_state}.txt", "applications/mail/default.txt"])
        except TemplateDoesNotExist:  # pragma: no cover - the default template ships with the app
            raise
        body = template.render(context)
        subject = render_to_string("applications/mail/subject.txt", context).strip()
    EmailMessage(subject=subject, body=body, to=recipients).send()
    return len(recipients)
