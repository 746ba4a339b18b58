"""Reads of the reviews app."""

from django.db.models import Prefetch, QuerySet

from .enums import BARRING_KINDS
from .models import ExpertProfile, ExpertTie


def experts_assignable() -> QuerySet[ExpertProfile]:
    """Experts the office may assign: marked available, with an active account, and not barred by their credit
    record (a removal for misconduct bars for good: Zibo art. 21, Weihai art. 25, Linyi art. 26).

    Credit records and ties (with the tied units) are prefetched, so ``expert.barred`` and
    ``reviews.conflicts`` read no more rows per expert.
    """
    return (
        ExpertProfile.objects.filter(available=True, user__is_active=True)
        .exclude(credit_records__kind__in=sorted(BARRING_KINDS))
        .select_related("user", "employer", "district")
        .prefetch_related("credit_records", Prefetch("ties", queryset=ExpertTie.objects.select_related("organisation")))
    )
