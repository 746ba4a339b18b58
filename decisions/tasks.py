"""Thin Celery tasks: ids in, fetch, call the certificate services."""

from celery import shared_task

from .certificates import certificate_batch_run, certificate_render
from .models import Certificate


@shared_task(name="decisions.render_certificate_batch", acks_late=True)
def render_certificate_batch(batch_id: int) -> int:
    """Idempotent: a redelivered task renders only the certificates still missing."""
    return certificate_batch_run(batch_id=batch_id).done


@shared_task(name="decisions.render_certificate")
def render_certificate(certificate_id: int) -> str:
    certificate = Certificate.objects.get(pk=certificate_id)
    return certificate_render(certificate=certificate).sha256


@shared_task(name="decisions.close_due_notices")
def close_due_notices() -> int:
    """The periodic sweep of public notices past their end (decisions.notice.notice_sweep); idempotent."""
    from .notice import notice_sweep

    return notice_sweep()
