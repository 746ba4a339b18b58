"""Reads of schemes and editions. Scheme rules are public information, so these need no user scoping."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Edition, EligibilityRule, Quota, Rulebook, Scheme, Stage


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
