"""Thin Celery tasks: ids in, fetch, call the service."""

from celery import shared_task

from . import notifications

MAIL_RETRY = {"autoretry_for": (ConnectionError, OSError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="reviews.send_assigned_mail", **MAIL_RETRY)
def send_assigned_mail(assignment_ids: list[int]) -> int:
    return notifications.assigned_mail_send(assignment_ids=assignment_ids)


@shared_task(name="reviews.send_withdrawn_mail", **MAIL_RETRY)
def send_withdrawn_mail(assignment_id: int) -> int:
    return notifications.withdrawn_mail_send(assignment_id=assignment_id)


@shared_task(name="reviews.send_reminder_mail", **MAIL_RETRY)
def send_reminder_mail(assignment_id: int) -> int:
    return notifications.reminder_mail_send(assignment_id=assignment_id)


@shared_task(name="reviews.remind_due_assignments")
def remind_due_assignments() -> int:
    """Daily at 08:00 Asia/Shanghai (registered by migration reviews 0005); safe to run twice."""
    from .assigning import remind_due

    return remind_due()
