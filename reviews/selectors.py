"""Reads of the reviews app."""

from django.db.models import Prefetch, QuerySet

from .enums import BARRING_KINDS
from .models import ExpertProfile, ExpertTie


def experts_assignable() -> QuerySet[ExpertProfile]:
    """Experts the office may assign: in the pool (not deactivated by the office), marked available, with an
    active account, and not barred by their credit record (a removal for misconduct bars for good: Zibo art. 21,
    Weihai art. 25, Linyi art. 26).

    Credit records and ties (with the tied units) are prefetched, so ``expert.barred`` and
    ``reviews.conflicts`` read no more rows per expert.
    """
    return (
        ExpertProfile.objects.filter(available=True, deactivated_at__isnull=True, user__is_active=True)
        .exclude(credit_records__kind__in=sorted(BARRING_KINDS))
        .select_related("user", "employer", "district")
        .prefetch_related("credit_records", Prefetch("ties", queryset=ExpertTie.objects.select_related("organisation")))
    )


# --- the expert pool as the office keeps it (reviews.views.experts) ------------------------------------------


def expert_pool() -> QuerySet[ExpertProfile]:
    """Every expert of the pool, for the office and the auditor, with what the list shows computed in SQL:

    - ``load``: live (not withdrawn) assignments in editions not yet finished, the expert's current work;
    - ``open_sheets``: of those, the ones whose score sheet is not submitted yet;
    - ``is_barred``: a barring credit record exists (``BARRING_KINDS``).
    """
    from django.db.models import Count, Exists, OuterRef, Q

    from awards.enums import EditionStatus

    from .enums import SheetState
    from .models import ExpertCreditRecord

    current = Q(
        assignments__withdrawn_at__isnull=True,
        assignments__edition_stage__edition__status__in=[
            status for status in EditionStatus.values if status != EditionStatus.FINISHED
        ],
    )
    return (
        ExpertProfile.objects.select_related("user", "district", "district__parent")
        .annotate(
            load=Count("assignments", filter=current),
            open_sheets=Count(
                "assignments",
                filter=current & ~Q(assignments__sheet__state=SheetState.SUBMITTED),
            ),
            is_barred=Exists(
                ExpertCreditRecord.objects.filter(expert=OuterRef("pk"), kind__in=sorted(BARRING_KINDS))
            ),
        )
        .order_by("full_name", "pk")
    )


def expert_assignment_history(expert: ExpertProfile):
    """The expert's assignments, newest first, withdrawn ones included, with the stage, edition, application and
    sheet each row shows."""
    from .models import Assignment

    return (
        Assignment.objects.filter(expert=expert)
        .select_related("edition_stage__edition__scheme", "edition_stage__stage", "application", "sheet")
        .order_by("-assigned_at", "-pk")
    )


def expert_tags_in_use() -> dict[str, list[str]]:
    """The fields of expertise and industries already given to experts, sorted, for the forms' suggestions (so
    the office reuses one spelling, which the assignment's matching compares as text)."""
    fields: set[str] = set()
    industries: set[str] = set()
    for expert_fields, expert_industries in ExpertProfile.objects.values_list("fields", "industries"):
        fields.update(str(value).strip() for value in expert_fields or () if str(value).strip())
        industries.update(str(value).strip() for value in expert_industries or () if str(value).strip())
    return {"fields": sorted(fields), "industries": sorted(industries)}


def expert_titles_in_use() -> list[str]:
    return sorted(set(ExpertProfile.objects.exclude(title="").values_list("title", flat=True)))


def accounts_taken(*, usernames=(), phones=()) -> dict[str, set[str]]:
    """Which of these usernames (compared case-insensitively, as the login does) and mobile numbers an account
    already has; the expert import checks a whole file with two queries."""
    from django.db.models.functions import Lower

    from accounts.models import User

    usernames = {name.casefold() for name in usernames if name}
    phones = {phone for phone in phones if phone}
    taken_names = set()
    if usernames:
        rows = User.objects.annotate(folded=Lower("username")).filter(folded__in=usernames)
        taken_names = {name.casefold() for name in rows.values_list("username", flat=True)}
    taken_phones = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True)) if phones else set()
    return {"usernames": taken_names, "phones": taken_phones}
