"""Mail about an application's transitions, in the portal's default language, rendered from templates."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import translation
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
    """Send the mail for one history row; returns how many messages went out. Side effects: sends mail."""
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
