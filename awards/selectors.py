"""Reads of schemes and editions. Scheme rules are public information, so these need no user scoping; the values
set by the office are read by the office and the auditor only (the views guard the role)."""

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Edition, EligibilityRule, OfficeSetValue, Quota, Rulebook, Scheme, Stage


def schemes_public() -> QuerySet[Scheme]:
    return (
        Scheme.objects.filter(is_active=True)
        .select_related("region")
        .prefetch_related(
            Prefetch("rulebooks", queryset=Rulebook.objects.order_by("-valid_from")),
            Prefetch("editions", queryset=Edition.objects.order_by("-year")),
        )
    )


def scheme_detail(*, code: str) -> Scheme:
    rulebooks = Rulebook.objects.order_by("-valid_from").prefetch_related(
        Prefetch("quotas", queryset=Quota.objects.order_by("tier", "scope")),
        Prefetch("eligibility_rules", queryset=EligibilityRule.objects.order_by("category", "id")),
        Prefetch("stages", queryset=Stage.objects.order_by("position")),
    )
    return get_object_or_404(
        Scheme.objects.filter(is_active=True)
        .select_related("region")
        .prefetch_related(
            Prefetch("rulebooks", queryset=rulebooks),
            Prefetch("editions", queryset=Edition.objects.select_related("rulebook").order_by("-year")),
        ),
        code=code,
    )


def office_set_values(*, state: str = "") -> QuerySet[OfficeSetValue]:
    """Every value the office set where a rulebook is silent, unconfirmed first; `state` "open" or "confirmed"
    keeps only those."""
    rows = OfficeSetValue.objects.select_related("rulebook__scheme", "confirmed_by")
    if state == "open":
        rows = rows.filter(confirmed_at__isnull=True)
    elif state == "confirmed":
        rows = rows.filter(confirmed_at__isnull=False)
    return rows.order_by(models.F("confirmed_at").asc(nulls_first=True), "rulebook__scheme_id", "rulebook_id", "key")


def office_set_value(*, pk: int) -> OfficeSetValue:
    return get_object_or_404(OfficeSetValue.objects.select_related("rulebook"), pk=pk)
