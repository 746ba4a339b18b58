"""Thin Celery tasks: ids in, fetch, call the revocation services."""

from celery import shared_task

from accounts.models import Organisation

from .services import triggers_evaluate


@shared_task(name="revocation.evaluate_triggers")
def evaluate_triggers(organisation_id: int) -> list[str]:
    """Re-read a unit's spot checks against its awards' rules (after a bulk import of checks, or a change of a
    rule); idempotent: a set of checks proposes at most one case."""
    organisation = Organisation.objects.get(pk=organisation_id)
    return [case.reference for case in triggers_evaluate(organisation=organisation)]
