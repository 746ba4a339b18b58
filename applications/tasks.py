"""Thin Celery tasks: ids in, fetch, call the mail service."""

from celery import shared_task

from .notifications import transition_mail_send


@shared_task(
    name="applications.send_transition_mail",
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_transition_mail(transition_id: int) -> int:
    return transition_mail_send(transition_id=transition_id)
