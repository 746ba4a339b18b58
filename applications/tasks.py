"""Thin Celery tasks: ids in, fetch, call the mail service."""

from celery import shared_task

from .notifications import transition_mail_send, unmailed_transition_ids


@shared_task(
    name="applications.send_transition_mail",
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_transition_mail(transition_id: int) -> int:
    return transition_mail_send(transition_id=transition_id)


@shared_task(name="applications.send_unmailed_transitions")
def send_unmailed_transitions() -> int:
    """Recovery sweep: mail the history rows whose mail was never sent. Idempotent (transition_mail_send claims)."""
    return sum(transition_mail_send(transition_id=pk) for pk in unmailed_transition_ids())
